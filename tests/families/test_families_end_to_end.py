"""Every family end to end through the CLI: a tiny random BERT fine-tuned on slices of
the real built-in data, then the result file's metrics checked for the family's keys."""

import json

import pytest
from typer.testing import CliRunner

from biobench.cli import app
from builders import TASKS, write_plugin

runner = CliRunner()


def jsonl_lines(path, count):
    return "".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[:count])


def bioc_documents(path, count):
    """The first ``count`` documents of a BioC XML file, closed as a valid collection."""
    text = path.read_text(encoding="utf-8")
    end = 0
    for _ in range(count):
        end = text.index("</document>", end) + len("</document>")
    return text[:end] + "\n</collection>\n"


def run_plugin(tiny_bert, folder, tmp_path, *extra):
    result = runner.invoke(app, ["run", "--model", str(tiny_bert), "--task", str(folder),
                                 "--output", str(tmp_path / "out"),
                                 "--precision", "fp32", *extra])
    assert result.exit_code == 0, result.output
    return [json.loads(p.read_text()) for p in sorted((tmp_path / "out").rglob("seed-*.json"))]


def test_relation_from_marked_jsonl(tiny_bert, tmp_path):
    source = TASKS / "chemprot" / "data"
    files = {split: jsonl_lines(source / f"{split}.txt", 40) for split in ("train", "validation", "test")}
    folder = write_plugin(tmp_path / "chemprot-slice", "chemprot-slice", files, family="relation", format="jsonl",
                          family_options={"negative_label": None})  # SciBERT's copy has positive pairs only
    (result,) = run_plugin(tiny_bert, folder, tmp_path)
    assert result["variant"]["head"] == "entity-start"
    test = result["metrics"]["test"]
    assert result["metrics"]["main"] == "f1" and {"f1", "f1_macro", "per_class", "precision", "recall"} <= set(test)
    predictions = (tmp_path / "out").rglob("seed-1.predictions.jsonl").__next__().read_text().splitlines()
    assert len(predictions) == 40 and set(json.loads(predictions[0])) == {"id", "gold", "predicted"}


@pytest.mark.parametrize("family", ["relation", "document-relation"])
def test_relation_from_bioc_candidate_pairs(tiny_bert, tmp_path, family):
    """The same candidate pairs, one encoder input each (relation) or one per document window (document-relation):
    the same prediction rows."""
    source = TASKS / "bc5cdr-cid" / "data"
    names = {"train": "CDR_TrainingSet", "validation": "CDR_DevelopmentSet", "test": "CDR_TestSet"}
    files = {split: bioc_documents(source / f"{name}.BioC.xml", 4) for split, name in names.items()}
    options = {"pair_types": [["Chemical", "Disease"]], "identifier_infon": "MESH", "identifier_separator": "|",
               "relation_type_infon": "relation", "relation_entity_infons": ["Chemical", "Disease"]}
    folder = write_plugin(tmp_path / "cid-slice", "cid-slice", files, family=family, format="bioc-xml-relations",
                          format_options=options, labels=["none", "CID"])
    (result,) = run_plugin(tiny_bert, folder, tmp_path)
    assert set(result["metrics"]["test"]["per_class"]) <= {"CID"} and result["metrics"]["labels"] == ["none", "CID"]
    assert result["task"]["metric_version"] == "sklearn/micro-f1-positive-classes/negative=none"
    rows = [json.loads(line) for line in next((tmp_path / "out").rglob("seed-1.predictions.jsonl")).open()]
    test_pairs = sum(line.count("<relation") for line in files["test"].splitlines())
    assert len(rows) > test_pairs and all(set(row) == {"id", "gold", "predicted"} for row in rows)
    assert {row["predicted"] for row in rows} <= {"none", "CID"}


def test_cross_validated_task_runs_the_chosen_folds(tiny_bert, tmp_path):
    source = TASKS / "euadr" / "data"
    folder = tmp_path / "euadr-slice"
    write_plugin(folder, "euadr-slice", {"x": "unused\t0\n"})
    folds = {}
    for fold in ("1", "2"):
        for split in ("train", "test"):
            path = folder / "data" / fold / f"{split}.tsv"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(jsonl_lines(source / fold / f"{split}.tsv", 30), encoding="utf-8")
        folds[fold] = {"train": f"data/{fold}/train.tsv", "test": f"data/{fold}/test.tsv"}
    import hashlib

    import yaml

    spec = yaml.safe_load((folder / "task.yaml").read_text())
    spec.update(family="relation", format="blue-tsv", splits={}, folds=folds, format_options={"negative_label": "0"},
                derive={"source": "train", "fractions": {"validation": 0.2}, "seed": 0})
    spec["sha256"] = {f"data/{k}/{s}.tsv": hashlib.sha256((folder / "data" / k / f"{s}.tsv").read_bytes()).hexdigest()
                      for k in folds for s in ("train", "test")}
    (folder / "task.yaml").write_text(yaml.safe_dump(spec))
    results = run_plugin(tiny_bert, folder, tmp_path, "--fold", "all")
    assert [r["task"]["fold"] for r in results] == ["1", "2"]
    assert len({r["config_hash"] for r in results}) == 2
    assert any((tmp_path / "out" / tiny_bert.name / "euadr-slice" / "fold-2").rglob("seed-1.json"))


@pytest.mark.parametrize("task,names,types", [
    ("bc5cdr-bioc", {"train": "CDR_TrainingSet", "validation": "CDR_DevelopmentSet", "test": "CDR_TestSet"},
     ["Chemical", "Disease"]),
    ("biored-ner", {"train": "Train", "validation": "Dev", "test": "Test"},
     ["CellLine", "ChemicalEntity", "DiseaseOrPhenotypicFeature", "GeneOrGeneProduct", "OrganismTaxon",
      "SequenceVariant"]),
])
def test_ner_from_bioc_passages(tiny_bert, tmp_path, task, names, types):
    suffix = ".BioC.xml" if task == "bc5cdr-bioc" else ".BioC.XML"
    files = {split: bioc_documents(TASKS / task / "data" / f"{name}{suffix}", 3) for split, name in names.items()}
    folder = write_plugin(tmp_path / "slice", "bioc-ner-slice", files, family="ner", format="bioc-xml")
    (result,) = run_plugin(tiny_bert, folder, tmp_path)
    assert result["metrics"]["labels"] == ["O"] + [f"{prefix}-{kind}" for kind in types for prefix in ("B", "I")]
    rows = [json.loads(line) for line in next((tmp_path / "out").rglob("seed-1.predictions.jsonl")).open()]
    gold = [tag for row in rows for tag in row["gold"]]
    assert all(len(row["gold"]) == len(row["tokens"]) == len(row["predicted"]) for row in rows)
    assert {tag[2:] for tag in gold if tag != "O"} <= set(types) and sum(tag.startswith("B-") for tag in gold) > 0
    for row in rows:  # IOB2: an inside tag continues an entity of its own type
        for previous, tag in zip(["O", *row["gold"]], row["gold"]):
            assert not tag.startswith("I-") or previous[2:] == tag[2:]


def vendored_plugin(tmp_path, task, **changes):
    """A copy of a built-in plugin folder with some task.yaml fields changed (data files untouched)."""
    import shutil

    import yaml

    folder = tmp_path / f"{task}-copy"
    shutil.copytree(TASKS / task, folder)
    spec = yaml.safe_load((folder / "task.yaml").read_text())
    spec.update(name=f"{task}-copy", hyperparameters={"epochs": 1, "lr": 1e-3, "batch_size": 8}, **changes)
    (folder / "task.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    return folder


@pytest.mark.parametrize("task,keys", [
    ("nli4ct", {"accuracy", "f1_macro"}),
    ("pubmedqa", {"accuracy", "f1_macro"}),
    ("hoc", {"f1", "f1_macro", "f1_examples"}),
    ("biosses", {"pearson", "spearman"}),
])
def test_family_on_a_built_in_task(tiny_bert, tmp_path, task, keys):
    """Few training examples and short inputs keep it fast; validation and test are scored in full."""
    folder = vendored_plugin(tmp_path, task, max_length=64)
    (result,) = run_plugin(tiny_bert, folder, tmp_path, "--max-train-examples", "24")
    assert keys <= set(result["metrics"]["test"]) and keys <= set(result["metrics"]["validation"])
    assert result["task"]["family"] == {"nli4ct": "pair", "pubmedqa": "qa", "hoc": "classification",
                                        "biosses": "similarity"}[task]
    predictions = next((tmp_path / "out").rglob("seed-1.predictions.jsonl")).read_text().splitlines()
    assert len(predictions) == {"nli4ct": 500, "pubmedqa": 500, "hoc": 370, "biosses": 20}[task]


def test_extractive_qa_on_the_shortest_covid_articles(tiny_bert, tmp_path):
    """Ten short articles (about 50 questions), split by article; windows of 64 sub-words."""
    import hashlib

    data = json.loads((TASKS / "covid-qa" / "data" / "200423_covidQA.json").read_text(encoding="utf-8"))
    data["data"] = sorted(data["data"], key=lambda article: len(article["paragraphs"][0]["context"]))[:10]
    folder = vendored_plugin(tmp_path, "covid-qa", max_length=64)
    (folder / "data" / "short.json").write_text(json.dumps(data), encoding="utf-8")
    import yaml

    spec = yaml.safe_load((folder / "task.yaml").read_text())
    spec["splits"] = {"train": "data/short.json"}
    spec["sha256"] = {"data/short.json": hashlib.sha256((folder / "data" / "short.json").read_bytes()).hexdigest()}
    spec["derive"]["fractions"] = {"validation": 0.2, "test": 0.3}
    (folder / "task.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    (result,) = run_plugin(tiny_bert, folder, tmp_path)
    assert {"f1", "exact_match"} <= set(result["metrics"]["test"])
    predictions = next((tmp_path / "out").rglob("seed-1.predictions.jsonl"))
    rows = [json.loads(line) for line in predictions.read_text().splitlines()]
    assert rows and all(isinstance(row["predicted"], str) and row["gold"] for row in rows)
