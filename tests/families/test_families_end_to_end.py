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
    result = runner.invoke(app, ["run", "--model", str(tiny_bert), "--task", str(folder), "--output", str(tmp_path / "out"),
                                 "--precision", "fp32", *extra])
    assert result.exit_code == 0, result.output
    return [json.loads(p.read_text()) for p in sorted((tmp_path / "out").rglob("seed-*.json"))]


def test_relation_from_marked_jsonl(tiny_bert, tmp_path):
    source = TASKS / "chemprot" / "data"
    files = {split: jsonl_lines(source / f"{split}.txt", 40) for split in ("train", "validation", "test")}
    folder = write_plugin(tmp_path / "chemprot-slice", "chemprot-slice", files, family="relation", format="jsonl")
    (result,) = run_plugin(tiny_bert, folder, tmp_path)
    test = result["metrics"]["test"]
    assert result["metrics"]["main"] == "f1" and {"f1", "f1_macro", "per_class", "precision", "recall"} <= set(test)
    predictions = (tmp_path / "out").rglob("seed-1.predictions.jsonl").__next__().read_text().splitlines()
    assert len(predictions) == 40 and set(json.loads(predictions[0])) == {"id", "gold", "predicted"}


def test_relation_from_bioc_candidate_pairs(tiny_bert, tmp_path):
    source = TASKS / "bc5cdr-cid" / "data"
    names = {"train": "CDR_TrainingSet", "validation": "CDR_DevelopmentSet", "test": "CDR_TestSet"}
    files = {split: bioc_documents(source / f"{name}.BioC.xml", 4) for split, name in names.items()}
    options = {"pair_types": [["Chemical", "Disease"]], "identifier_infon": "MESH", "identifier_separator": "|",
               "relation_type_infon": "relation", "relation_entity_infons": ["Chemical", "Disease"]}
    folder = write_plugin(tmp_path / "cid-slice", "cid-slice", files, family="relation", format="bioc-xml-relations",
                          format_options=options, labels=["none", "CID"])
    (result,) = run_plugin(tiny_bert, folder, tmp_path)
    assert set(result["metrics"]["test"]["per_class"]) <= {"CID"} and result["metrics"]["labels"] == ["none", "CID"]


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
    assert (tmp_path / "out" / tiny_bert.name / "euadr-slice" / "fold-2" / "seed-1.json").is_file()


@pytest.mark.parametrize("task,names", [
    ("bc5cdr-bioc", {"train": "CDR_TrainingSet", "validation": "CDR_DevelopmentSet", "test": "CDR_TestSet"}),
    ("biored-ner", {"train": "Train", "validation": "Dev", "test": "Test"}),
])
def test_ner_from_bioc_passages(tiny_bert, tmp_path, task, names):
    suffix = ".BioC.xml" if task == "bc5cdr-bioc" else ".BioC.XML"
    files = {split: bioc_documents(TASKS / task / "data" / f"{name}{suffix}", 3) for split, name in names.items()}
    folder = write_plugin(tmp_path / "slice", "bioc-ner-slice", files, family="ner", format="bioc-xml")
    (result,) = run_plugin(tiny_bert, folder, tmp_path)
    assert "per_type" in result["metrics"]["test"]
