"""Bad input, end to end through the CLI: refused before any work as ONE line naming
the file (and line) or option and the problem, exit code 2, nothing written.

One row per bad input. A plugin row (``plugin_rows``) is checked twice, through
``biobench tasks validate PLUGIN`` and through ``biobench run --task PLUGIN``; a
command row (``Case``) gives its own arguments. To add a case, add a row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from biobench.cli import app

runner = CliRunner()

CONLL = "IL\tB-Disease\n2\tO\n"
PUBTATOR = "9|t|Aspirin helps.\n9|a|Fever falls.\n9\t0\t7\tAspirin\tChemical\n"
JSONL = '{"text": "<< aspirin >> inhibits [[ COX-1 ]]", "label": "CPR:4"}\n'
BLUE_TSV = "@GENE$ causes @DISEASE$ .\t1\n"
BIOC = (
    "<?xml version='1.0' encoding='UTF-8'?>\n"
    "<collection><source>test</source><date>2024</date><key>k</key>\n"
    "<document><id>41</id>\n"
    "<passage><infon key='type'>title</infon><offset>0</offset><text>{text}</text>\n"
    "<annotation id='1'><infon key='type'>Chemical</infon><location offset='0' length='7'/><text>Aspirin</text>"
    "</annotation>\n"
    "</passage></document>\n"
    "</collection>\n"
)
SQUAD = {"data": [{"title": "a1", "paragraphs": [{"context": "ACE2 is the receptor.", "qas": [
    {"id": "q1", "question": "What is the receptor?", "answers": [{"text": "ACE2", "answer_start": 0}]}]}]}]}
PUBMEDQA = {"1": {"QUESTION": "Does it help?", "CONTEXTS": ["It helps."], "final_decision": "yes"}}
LATIN1 = "caf\u00e9".encode("latin-1")  # b"caf\xe9"
BOM = b"\xef\xbb\xbf"


@dataclass
class Workspace:
    """Where a row writes its input (``root``) and where a command may write (``out``: must stay absent)."""

    root: Path
    out: Path
    request: pytest.FixtureRequest

    @property
    def model(self) -> str:
        return str(self.request.getfixturevalue("tiny_bert"))


@dataclass
class Case:
    """One bad input: the command it is given to, and what its one error line must contain."""

    id: str
    args: Callable[[Workspace], list]
    fragments: list[str]
    marks: list = field(default_factory=list)


def plugin(ws: Workspace, train: str | bytes = CONLL, *, good: str | bytes = CONLL, suffix: str = ".tsv",
           files: dict[str, str | bytes] | None = None, edit: Callable[[bytes], bytes] | None = None, **fields) -> Path:
    """A plugin folder whose train split is ``train`` (validation and test ``good``), checksums right,
    ``files`` written beside, and ``edit`` applied to the bytes of the task.yaml."""
    folder = ws.root / "plugin"
    contents = {f"data/train{suffix}": train, f"data/validation{suffix}": good, f"data/test{suffix}": good,
                **(files or {})}
    checksums = {}
    for relative, content in contents.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / relative).write_bytes(data)
        checksums[relative] = hashlib.sha256(data).hexdigest()
    spec = {
        "name": "broken", "version": "1.0", "family": "ner", "format": "conll", "description": "test plugin",
        "splits": {split: f"data/{split}{suffix}" for split in ("train", "validation", "test")},
        "sha256": checksums, "max_length": 32, "hyperparameters": {"epochs": 1, "lr": 1e-3, "batch_size": 8},
        **fields,
    }
    text = yaml.safe_dump(spec, sort_keys=False).encode("utf-8")
    (folder / "task.yaml").write_bytes(edit(text) if edit else text)
    return folder


def plugin_rows(id: str, make: Callable[[Workspace], Path], *fragments: str) -> list[Case]:
    """The plugin made by ``make``, given to ``tasks validate`` and to ``run``."""
    return [
        Case(f"{id}-validate", lambda ws: ["tasks", "validate", make(ws)], list(fragments)),
        Case(f"{id}-run", lambda ws: ["run", "--model", ws.model, "--task", make(ws), "--output", ws.out,
                                      "--precision", "fp32"], list(fragments)),
    ]


def _relation(**fields) -> dict:
    return {"family": "relation", **fields}


def _replace(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def edit(text: bytes) -> bytes:
        assert old in text, (old, text)
        return text.replace(old, new, 1)
    return edit


def _append(tail: str) -> Callable[[bytes], bytes]:
    return lambda text: text + tail.encode("utf-8")


def _bad_sha(ws: Workspace) -> Path:
    folder = plugin(ws)
    with open(folder / "data" / "test.tsv", "a", encoding="utf-8") as handle:
        handle.write("x\tO\n")
    return folder


def _outside(ws: Workspace) -> Path:
    (ws.root / "outside.tsv").write_text(CONLL, encoding="utf-8")
    folder = plugin(ws)
    spec = yaml.safe_load((folder / "task.yaml").read_text())
    spec["splits"]["test"] = "../outside.tsv"
    spec["sha256"]["../outside.tsv"] = hashlib.sha256(CONLL.encode()).hexdigest()
    (folder / "task.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    return folder


def _missing_file(ws: Workspace) -> Path:
    folder = plugin(ws)
    (folder / "data" / "test.tsv").unlink()
    return folder


def _existing(ws: Workspace) -> list:
    (ws.root / "x").mkdir(parents=True)
    return ["tasks", "new", "x", "--family", "ner", "--format", "conll", "--train", _train_file(ws), "--into", ws.root]


def _train_file(ws: Workspace) -> Path:
    path = ws.root / "corpus.tsv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CONLL, encoding="utf-8")
    return path


def _run(ws: Workspace, *extra) -> list:
    return ["run", "--model", ws.model, "--task", plugin(ws), "--output", ws.out, "--precision", "fp32", *extra]


def _model(ws: Workspace, config: dict | None = None, pickle_payload: bytes | None = None) -> Path:
    """A copy of the tiny model with ``config`` fields changed, or its weights replaced by a pickle."""
    import shutil

    folder = ws.root / "model"
    shutil.copytree(ws.model, folder)
    settings = json.loads((folder / "config.json").read_text()) | (config or {})
    (folder / "config.json").write_text(json.dumps(settings))
    if pickle_payload is not None:
        (folder / "model.safetensors").unlink()
        (folder / "pytorch_model.bin").write_bytes(pickle_payload)
    return folder


def _malicious_pickle() -> bytes:
    import pickle

    class RunsCode:
        def __reduce__(self):
            return (print, ("this ran",))

    return pickle.dumps({"weight": RunsCode()})


def _run_model(ws: Workspace, model: Path) -> list:
    return ["run", "--model", model, "--task", plugin(ws), "--output", ws.out, "--precision", "fp32"]


def _output_is_a_file(ws: Workspace) -> list:
    target = ws.root / "taken"
    target.write_text("not a folder")
    return ["run", "--model", ws.model, "--task", plugin(ws), "--output", target, "--precision", "fp32"]


def _bioc(text: str = "Aspirin helps.", old: str = "", new: str = "") -> str:
    return BIOC.format(text=text).replace(old, new, 1)


def _pubtator_mention(start: int, end: int, text: str) -> str:
    return PUBTATOR + f"9\t{start}\t{end}\t{text}\tChemical\n"


CASES: list[Case] = [
    # --- the encoding of data files and task.yaml
    *plugin_rows("conll-latin1", lambda ws: plugin(ws, CONLL.encode() + b"\n" + LATIN1 + b"\tO\n"),
                 "data/train.tsv: not UTF-8 text: byte 0xe9 at line 4, column 4"),
    *plugin_rows("pubtator-latin1", lambda ws: plugin(ws, PUBTATOR.replace("Fever", "F\u00e9ver").encode("latin-1"),
                                                      good=PUBTATOR, suffix=".txt", format="pubtator"),
                 "data/train.txt: not UTF-8 text: byte 0xe9 at line 2, column 6"),
    *plugin_rows("jsonl-latin1", lambda ws: plugin(ws, JSONL.replace("aspirin", "aspirin\u00e9").encode("latin-1"),
                                                   good=JSONL, suffix=".jsonl", format="jsonl", **_relation()),
                 "data/train.jsonl: not UTF-8 text: byte 0xe9 at line 1"),
    *plugin_rows("blue-tsv-latin1", lambda ws: plugin(ws, BLUE_TSV.encode() + LATIN1 + b" @GENE$\t0\n", good=BLUE_TSV,
                                                      format="blue-tsv", **_relation()),
                 "data/train.tsv: not UTF-8 text: byte 0xe9 at line 2, column 4"),
    *plugin_rows("bioc-latin1", lambda ws: plugin(ws, _bioc("Aspirin h\u00e9lps.").encode("latin-1"), good=_bioc(),
                                                  suffix=".xml", format="bioc-xml"),
                 "data/train.xml: not UTF-8 text: byte 0xe9 at line 4"),
    *plugin_rows("squad-latin1", lambda ws: plugin(
        ws, json.dumps(SQUAD).replace("receptor.", "r\u00e9ceptor.").encode("latin-1"), good=json.dumps(SQUAD),
        suffix=".json", format="squad-json", family="extractive-qa"), "data/train.json: not UTF-8 text: byte 0xe9"),
    *plugin_rows("pubmedqa-latin1", lambda ws: plugin(
        ws, json.dumps(PUBMEDQA).replace("helps", "h\u00e9lps").encode("latin-1"), good=json.dumps(PUBMEDQA),
        suffix=".json", format="pubmedqa-json", family="qa"), "data/train.json: not UTF-8 text: byte 0xe9"),
    *plugin_rows("task-yaml-latin1", lambda ws: plugin(ws, edit=_replace(b"test plugin", LATIN1 + b" plugin")),
                 "task.yaml: not UTF-8 text: byte 0xe9 at line 5, column 17"),
    # --- task.yaml: YAML itself
    *plugin_rows("duplicate-top-level-key", lambda ws: plugin(ws, edit=_append("hyperparameters:\n  epochs: 9\n")),
                 "task.yaml:19: duplicate key 'hyperparameters' (first given on line 15"),
    *plugin_rows("duplicate-nested-key", lambda ws: plugin(
        ws, edit=_replace(b"  epochs: 1\n", b"  epochs: 1\n  epochs: 2\n")),
                 "task.yaml:17: duplicate key 'epochs' (first given on line 16"),
    *plugin_rows("yaml-python-tag", lambda ws: plugin(
        ws, edit=_replace(b"description: test plugin", b"description: !!python/object/apply:os.system ['true']")),
                 "task.yaml:5: invalid YAML", "python/object/apply"),
    *plugin_rows("yaml-syntax", lambda ws: plugin(ws, edit=_append("splits: [unclosed\n")),
                 "task.yaml:", "invalid YAML"),
    # --- task.yaml: fields
    *plugin_rows("unknown-key", lambda ws: plugin(ws, max_lenght=64), "task.yaml:", "unknown key 'max_lenght'",
                 "did you mean 'max_length'"),
    *plugin_rows("unknown-nested-key", lambda ws: plugin(ws, hyperparameters={"epoch": 2}),
                 "unknown key 'hyperparameters.epoch'", "did you mean 'epochs'"),
    *plugin_rows("unknown-family", lambda ws: plugin(ws, family="nerr"), "task.yaml:3:", "unknown family 'nerr'"),
    *plugin_rows("unknown-format", lambda ws: plugin(ws, format="conl"), "task.yaml:4:", "did you mean 'conll'"),
    *plugin_rows("unknown-format-option", lambda ws: plugin(ws, format_options={"entity_typ": "X"}),
                 "task.yaml: unknown option of format conll 'entity_typ'", "did you mean 'entity_type'"),
    *plugin_rows("required-format-option", lambda ws: plugin(ws, JSONL, good=JSONL, suffix=".xml",
                                                             format="bioc-xml-relations", **_relation()),
                 "task.yaml: format bioc-xml-relations needs format_options pair_types"),
    *plugin_rows("bad-tag-scheme", lambda ws: plugin(ws, format_options={"tag_scheme": "bio"}),
                 "tag_scheme: 'bio' is not one of iob2, iob1"),
    *plugin_rows("missing-sha256", lambda ws: plugin(ws, edit=_replace(b"  data/test.tsv: ", b"  data/other.tsv: ")),
                 "task.yaml:", "no sha256 given for file 'data/test.tsv'"),
    *plugin_rows("missing-split", lambda ws: plugin(ws, edit=_replace(b"  test: data/test.tsv\n", b"")),
                 "task.yaml", "missing split(s): test"),
    *plugin_rows("checksum-mismatch", _bad_sha, "data/test.tsv: sha256 mismatch"),
    *plugin_rows("path-leaves-the-folder", _outside, "task.yaml: path '../outside.tsv' leaves the plugin folder"),
    *plugin_rows("missing-file", _missing_file, "task.yaml: file 'data/test.tsv' does not exist"),
    *plugin_rows("format-of-another-family", lambda ws: plugin(ws, **_relation()),
                 "task.yaml: record", "lacks field(s) ['label', 'text'] of the relation family's records"),
    # --- CoNLL
    *plugin_rows("conll-no-tag-column", lambda ws: plugin(ws, "IL\tB-Disease\n-\tI-Disease\n2\n"),
                 "data/train.tsv:3:", "no tag column"),
    *plugin_rows("conll-not-iob", lambda ws: plugin(ws, "IL\tB-Disease\n-\tDisease\n"),
                 "data/train.tsv:2: tag 'Disease' is not IOB"),
    *plugin_rows("conll-empty", lambda ws: plugin(ws, "\n\n"), "data/train.tsv: no sentences: the split is empty"),
    *plugin_rows("conll-iob1", lambda ws: plugin(ws, "the\tO\nIL\tI-Disease\n-\tI-Disease\n"),
                 "data/train.tsv:2: tag 'I-Disease' opens an entity without a B- tag", "tag_scheme: iob1"),
    *plugin_rows("conll-iob1-untyped", lambda ws: plugin(ws, "a\tB\nb\tI\n\nc\tO\nd\tI\n", good="a\tB\n",
                                                         format_options={"entity_type": "Species"}),
                 "data/train.tsv:5: tag 'I-Species' opens an entity"),
    *plugin_rows("conll-bom-is-not-a-sentence", lambda ws: plugin(
        ws, BOM + b"-DOCSTART-\tO\n\nIL\tI-Disease\n"), "data/train.tsv:3: tag 'I-Disease' opens an entity"),
    # --- PubTator
    *plugin_rows("pubtator-mismatch", lambda ws: plugin(ws, _pubtator_mention(1, 8, "Aspirin"), good=PUBTATOR,
                                                        suffix=".txt", format="pubtator"),
                 "data/train.txt:4: mention 'Aspirin' at 1-8 does not match the text"),
    *plugin_rows("pubtator-negative-offset", lambda ws: plugin(ws, _pubtator_mention(-3, 7, "Aspirin"), good=PUBTATOR,
                                                               suffix=".txt", format="pubtator"),
                 "data/train.txt:4: mention 'Aspirin' at offsets -3 7: negative offset"),
    *plugin_rows("pubtator-past-the-text", lambda ws: plugin(ws, _pubtator_mention(21, 40, "falls."), good=PUBTATOR,
                                                             suffix=".txt", format="pubtator"),
                 "data/train.txt:4: mention 'falls.' at offsets 21 40: ends past the document text (27 characters)"),
    *plugin_rows("pubtator-empty-mention", lambda ws: plugin(ws, _pubtator_mention(3, 3, ""), good=PUBTATOR,
                                                             suffix=".txt", format="pubtator"),
                 "data/train.txt:4: mention '' at offsets 3 3: empty mention"),
    *plugin_rows("pubtator-outside-document", lambda ws: plugin(ws, PUBTATOR + "\n8\t0\t7\tAspirin\tChemical\n",
                                                                good=PUBTATOR, suffix=".txt", format="pubtator"),
                 "data/train.txt:5: annotation line outside its document's text"),
    # --- BioC XML
    *plugin_rows("bioc-passage-without-offset", lambda ws: plugin(
        ws, _bioc(old="<offset>0</offset>"), good=_bioc(), suffix=".xml", format="bioc-xml"),
                 "data/train.xml:4: document 41, passage 1: no <offset>"),
    *plugin_rows("bioc-location-without-offset", lambda ws: plugin(
        ws, _bioc(old="location offset='0' ", new="location "), good=_bioc(), suffix=".xml", format="bioc-xml"),
                 "data/train.xml:5: document 41, passage 1, annotation 1, <location>: no offset= attribute"),
    *plugin_rows("bioc-misaligned-annotation", lambda ws: plugin(
        ws, _bioc(old="offset='0' length='7'", new="offset='1' length='7'"), good=_bioc(), suffix=".xml",
        format="bioc-xml"), "data/train.xml: document 41: annotation 1 'Aspirin' at 1-8 does not match the text"),
    *plugin_rows("bioc-malformed", lambda ws: plugin(ws, _bioc()[:150], good=_bioc(), suffix=".xml", format="bioc-xml"),
                 "data/train.xml:", "invalid BioC XML"),
    # --- other readers
    *plugin_rows("jsonl-broken-line", lambda ws: plugin(ws, JSONL + '{"text": "x", \n', good=JSONL, suffix=".jsonl",
                                                        format="jsonl", **_relation()),
                 "data/train.jsonl:2: invalid JSON"),
    *plugin_rows("blue-tsv-broken-row", lambda ws: plugin(ws, BLUE_TSV + "no label column\n", good=BLUE_TSV,
                                                          format="blue-tsv", **_relation()),
                 "data/train.tsv:2: expected 'sentence<TAB>label'"),
    *plugin_rows("squad-answer-off", lambda ws: plugin(
        ws, json.dumps(SQUAD).replace('"answer_start": 0', '"answer_start": 2'), good=json.dumps(SQUAD), suffix=".json",
        format="squad-json", family="extractive-qa"),
                 "data/train.json: question q1: answer 'ACE2' at 2 does not match the context"),
    *plugin_rows("pubmedqa-bad-answer", lambda ws: plugin(
        ws, json.dumps(PUBMEDQA).replace('"yes"', '"perhaps"'), good=json.dumps(PUBMEDQA), suffix=".json",
        format="pubmedqa-json", family="qa"), "data/train.json: question 1: answer 'perhaps' is not one of"),
    # --- names and command-line options
    Case("unknown-task", lambda ws: ["run", "--task", "ncbi-diseas", "--output", ws.out],
         ["unknown task 'ncbi-diseas'", "did you mean 'ncbi-disease'"]),
    Case("show-unknown-task", lambda ws: ["tasks", "show", "bc2"], ["unknown task 'bc2'"]),
    Case("validate-unknown-task", lambda ws: ["tasks", "validate", "ncbi-diseas"], ["unknown task 'ncbi-diseas'"]),
    Case("unknown-model", lambda ws: ["run", "--model", "minilm-l7", "--output", ws.out], ["did you mean 'minilm-l6'"]),
    Case("unknown-suite", lambda ws: ["run", "--suite", "quik", "--output", ws.out], ["unknown suite 'quik'"]),
    Case("missing-tasks-dir", lambda ws: ["tasks", "list", "--tasks-dir", ws.root / "nowhere"],
         ["nowhere: tasks directory does not exist"]),
    Case("shard-out-of-range", lambda ws: _run(ws, "--shard", "3/2"), ["--shard '3/2'"]),
    Case("seeds-zero", lambda ws: _run(ws, "--seeds", "0"), ["--seeds must be at least 1"]),
    Case("unknown-peft", lambda ws: _run(ws, "--peft", "prefix"), ["'--peft': 'prefix' is not one of 'lora'"]),
    Case("fold-of-a-task-without-folds", lambda ws: _run(ws, "--fold", "2"), ["--fold"]),
    Case("unknown-fold", lambda ws: ["run", "--task", "gad", "--fold", "11", "--output", ws.out],
         ["unknown fold of task gad '11'"]),
    Case("new-unknown-family", lambda ws: ["tasks", "new", "x", "--family", "nerr", "--format", "conll", "--train",
                                           _train_file(ws), "--into", ws.out], ["unknown family 'nerr'"]),
    Case("new-unknown-format", lambda ws: ["tasks", "new", "x", "--family", "ner", "--format", "conl", "--train",
                                           _train_file(ws), "--into", ws.out], ["unknown format 'conl'"]),
    Case("new-missing-train-file", lambda ws: ["tasks", "new", "x", "--family", "ner", "--format", "conll", "--train",
                                               ws.root / "absent.tsv", "--into", ws.out], ["absent.tsv: no such file"]),
    Case("new-into-an-existing-folder", _existing, ["x: already exists"]),
    # --- impossible settings, refused before a model is loaded
    Case("epochs-zero", lambda ws: _run(ws, "--epochs", "0"), ["--epochs 0.0: must be greater than 0"]),
    Case("epochs-negative", lambda ws: _run(ws, "--epochs", "-1"), ["--epochs -1.0: must be greater than 0"]),
    Case("batch-size-zero", lambda ws: _run(ws, "--batch-size", "0"), ["--batch-size 0"]),
    Case("lr-negative", lambda ws: _run(ws, "--lr", "-1"), ["--lr -1.0: must be greater than 0"]),
    Case("seed-negative", lambda ws: _run(ws, "--seed", "-3"), ["--seed -3"]),
    Case("seed-too-large", lambda ws: _run(ws, "--seed", str(2**32)), [f"--seed {2**32}"]),
    Case("max-length-beyond-the-model", lambda ws: _run(ws, "--max-length", "100000"),
         ["--max-length 100000", "at most 128 positions"]),
    Case("max-train-examples-zero", lambda ws: _run(ws, "--max-train-examples", "0"), ["--max-train-examples 0"]),
    Case("unknown-pooling", lambda ws: _run(ws, "--pooling", "max"), ["'--pooling': 'max' is not one of"]),
    Case("unknown-precision", lambda ws: _run(ws, "--precision", "fp8"), ["'--precision': 'fp8' is not one of"]),
    Case("unknown-option", lambda ws: _run(ws, "--epoch", "3"), ["No such option: --epoch"]),
    Case("not-a-number", lambda ws: _run(ws, "--epochs", "three"), ["'--epochs'", "should be a valid number"]),
    Case("unknown-tracker", lambda ws: _run(ws, "--report-to", "comet"), ["'--report-to': 'comet' is not one of"]),
    Case("fp16-without-a-gpu", lambda ws: _run(ws, "--precision", "fp16"), ["--precision fp16 needs a CUDA GPU"]),
    Case("recursions-of-a-bert", lambda ws: _run(ws, "--recursions", "2"), ["--recursions", "tiny-bert"]),
    Case("output-is-a-file", _output_is_a_file, ["taken: the results folder exists and is not a folder"]),
    # --- model sources: what was refused and how to allow it
    Case("unknown-model-type", lambda ws: _run_model(ws, _model(ws, {"model_type": "bert-of-the-future"})),
         ["refused: model_type 'bert-of-the-future'"]),
    Case("remote-code", lambda ws: _run_model(ws, _model(ws, {"auto_map": {"AutoModel": "modeling_x.XModel"}})),
         ["refused", "auto_map", "--trust-remote-code"]),
    Case("pickle-that-runs-code", lambda ws: _run_model(ws, _model(ws, pickle_payload=_malicious_pickle())),
         ["refused", "pytorch_model.bin", "safetensors"]),
    Case("model-folder-without-config", lambda ws: _run_model(ws, ws.root), ["not a model directory (no config.json)"]),
    Case("hub-model-offline", lambda ws: ["run", "--model", "someone/not-cached-anywhere", "--task", plugin(ws),
                                          "--output", ws.out], ["cannot be reached", "not in the local cache"]),
]


def _files(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id, marks=case.marks) for case in CASES])
def test_bad_input_is_refused_in_one_line(case: Case, tmp_path, request):
    ws = Workspace(tmp_path / "in", tmp_path / "out", request)
    ws.root.mkdir()
    args = [str(arg) for arg in case.args(ws)]
    before = _files(tmp_path)

    result = runner.invoke(app, args)

    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert "Traceback" not in result.output
    for fragment in case.fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert not ws.out.exists() and _files(tmp_path) == before  # nothing written, nothing changed


def test_the_matrix_has_no_duplicate_rows():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
