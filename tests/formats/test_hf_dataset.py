"""The hf-dataset reader: BigBIO-schema splits saved with ``datasets`` (parquet, or a save_to_disk arrow file)
read into each family's records, through a plugin folder and ``biobench tasks validate``."""

from __future__ import annotations

import json

import pytest
import yaml
from datasets import Dataset, DatasetDict
from typer.testing import CliRunner

from biobench.cli import app
from biobench.errors import DataError
from biobench.formats.hf_dataset import read_hf_dataset
from biobench.plugin import Task
from builders import sha256

TITLE = "Naloxone reverses clonidine-induced hypotension."
ABSTRACT = "Clonidine caused hypotension in rats; naloxone did not."


def kb_document(number: int) -> dict:
    """One BigBIO kb document: a title and an abstract passage, 4 entities, 1 relation (offsets into
    ``" ".join(passage texts)``)."""
    abstract_start = len(TITLE) + 1

    def entity(key: str, kind: str, passage_start: int, passage: str, word: str) -> dict:
        start = passage_start + passage.index(word)
        return {"id": f"{number}-{key}", "type": kind, "text": [word], "offsets": [[start, start + len(word)]],
                "normalized": [{"db_name": "MESH", "db_id": key}]}

    return {
        "id": str(number), "document_id": f"pmid{number}",
        "passages": [
            {"id": f"{number}-t", "type": "title", "text": [TITLE], "offsets": [[0, len(TITLE)]]},
            {"id": f"{number}-a", "type": "abstract", "text": [ABSTRACT],
             "offsets": [[abstract_start, abstract_start + len(ABSTRACT)]]},
        ],
        "entities": [
            entity("e1", "Chemical", 0, TITLE, "Naloxone"),
            entity("e2", "Chemical", 0, TITLE, "clonidine"),  # cut inside the word "clonidine-induced"
            entity("e3", "Disease", abstract_start, ABSTRACT, "hypotension"),
            entity("e4", "Chemical", abstract_start, ABSTRACT, "naloxone"),
        ],
        "events": [], "coreferences": [],
        "relations": [{"id": f"{number}-r1", "type": "CID", "arg1_id": f"{number}-e2", "arg2_id": f"{number}-e3",
                       "normalized": []}],
    }


def write_split(path, rows: list[dict]):
    path.parent.mkdir(parents=True, exist_ok=True)
    Dataset.from_list(rows).to_parquet(str(path))
    return path


def plugin(folder, family: str, rows: dict[str, list[dict]], **format_options):
    """A task folder whose three splits are BigBIO parquet files."""
    splits = {split: f"data/{split}.parquet" for split in rows}
    for split, split_rows in rows.items():
        write_split(folder / splits[split], split_rows)
    spec = {"name": folder.name, "version": "1.0", "family": family, "format": "hf-dataset",
            "description": "BigBIO-shaped test data", "splits": splits,
            "sha256": {relative: sha256(folder / relative) for relative in splits.values()},
            "format_options": format_options}
    (folder / "task.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return folder


def test_kb_to_ner_through_a_plugin_and_validate(tmp_path):
    folder = plugin(tmp_path / "bigbio-ner", "ner", {split: [kb_document(i) for i in range(2)]
                                                     for split in ("train", "validation", "test")},
                    schema="bigbio_kb", family_view="ner")
    result = CliRunner().invoke(app, ["tasks", "validate", str(folder)])
    assert result.exit_code == 0, result.output
    assert "train 4, validation 4, test 4 records" in result.output
    title, abstract = Task.load(folder).records("test")[:2]
    assert title["id"] == "0-0" and abstract["id"] == "0-1"
    assert title["tokens"] == ["Naloxone", "reverses", "clonidine", "-", "induced", "hypotension", "."]
    assert title["tags"] == ["B-Chemical", "O", "B-Chemical", "O", "O", "O", "O"]
    assert abstract["tokens"][:3] == ["Clonidine", "caused", "hypotension"]
    assert abstract["tags"] == ["O", "O", "B-Disease", "O", "O", "O", "B-Chemical", "O", "O", "O"]


def test_kb_ner_keeps_and_renames_declared_types(tmp_path):
    path = write_split(tmp_path / "test.parquet", [kb_document(0)])
    records = read_hf_dataset(path, "bigbio_kb", "ner", entity_types=["Disease"], entity_type_map={"Disease": "Dis"})
    assert [tag for record in records for tag in record["tags"] if tag != "O"] == ["B-Dis"]


def test_kb_to_relation_pairs_of_declared_types_with_none_for_the_rest(tmp_path):
    path = write_split(tmp_path / "test.parquet", [kb_document(0)])
    records = read_hf_dataset(path, "bigbio_kb", "relation", pair_types=[["Chemical", "Disease"]])
    by_id = {record["id"]: record for record in records}
    assert sorted(by_id) == ["0:0-e1:0-e3", "0:0-e2:0-e3", "0:0-e4:0-e3"]  # every chemical with the disease
    assert by_id["0:0-e2:0-e3"]["label"] == "CID"
    assert by_id["0:0-e1:0-e3"]["label"] == by_id["0:0-e4:0-e3"]["label"] == "none"
    assert "<< clonidine >>-induced" in by_id["0:0-e2:0-e3"]["text"]
    assert "caused [[ hypotension ]]" in by_id["0:0-e2:0-e3"]["text"]
    with pytest.raises(DataError, match="needs format_options pair_types"):
        read_hf_dataset(path, "bigbio_kb", "relation")


def test_kb_offsets_are_checked_against_the_text(tmp_path):
    document = kb_document(0)
    document["entities"][0]["offsets"] = [[1, 9]]
    path = write_split(tmp_path / "test.parquet", [document])
    with pytest.raises(DataError, match=r"document 0: entity 0-e1 \['Naloxone'\] .* does not match the text"):
        read_hf_dataset(path, "bigbio_kb", "ner")


def test_qa_te_pairs_and_text_schemas(tmp_path):
    qa = write_split(tmp_path / "qa.parquet", [
        {"id": "q1", "question_id": "q1", "document_id": "d1", "question": "Does it work?", "type": "yesno",
         "choices": ["yes", "no"], "context": "It works.", "answer": ["yes"]},
        {"id": "q2", "question_id": "q2", "document_id": "d1", "question": "Which gene?", "type": "factoid",
         "choices": [], "context": "BRCA1.", "answer": ["BRCA1", "BRCA-1"]},
    ])
    assert read_hf_dataset(qa, "bigbio_qa") == [
        {"id": "q1", "question": "Does it work?", "context": "It works.", "label": "yes"}]  # factoid left out
    te = write_split(tmp_path / "te.parquet", [{"id": "p1", "premise": "A.", "hypothesis": "B.",
                                                "label": "entailment"}])
    assert read_hf_dataset(te, "bigbio_te", "pair") == [
        {"id": "p1", "text_a": "A.", "text_b": "B.", "label": "entailment"}]
    pairs = write_split(tmp_path / "pairs.parquet", [{"id": "s1", "document_id": "d", "text_1": "A.",
                                                      "text_2": "B.", "label": "3.5"}])
    assert read_hf_dataset(pairs, "bigbio_pairs") == [{"id": "s1", "text_a": "A.", "text_b": "B.", "score": 3.5}]
    assert read_hf_dataset(pairs, "bigbio_pairs", "pair")[0]["label"] == "3.5"
    text = write_split(tmp_path / "text.parquet", [{"id": "t1", "document_id": "d", "text": "Cancer hallmarks.",
                                                    "labels": ["a", "b"]}])
    assert read_hf_dataset(text, "bigbio_text", "classification") == [
        {"id": "t1", "text": "Cancer hallmarks.", "labels": ["a", "b"]}]


def test_a_save_to_disk_split_is_read_from_its_arrow_file(tmp_path):
    DatasetDict({"test": Dataset.from_list([kb_document(0)])}).save_to_disk(str(tmp_path / "saved"))
    arrow = next((tmp_path / "saved" / "test").glob("data-*.arrow"))
    assert [record["id"] for record in read_hf_dataset(arrow, "bigbio_kb", "ner")] == ["0-0", "0-1"]
    with pytest.raises(DataError, match="parquet file or the .arrow file"):
        read_hf_dataset(tmp_path / "saved" / "test" / "dataset_info.json", "bigbio_kb", "ner")


@pytest.mark.parametrize("options, fragment", [
    ({"schema": "bigbio_t2t"}, "schema: 'bigbio_t2t' is not one of"),
    ({"schema": "bigbio_kb", "family_view": "qa"}, "maps to ner or relation, not 'qa'"),
])
def test_bad_options_are_located_errors(tmp_path, options, fragment):
    path = write_split(tmp_path / "test.parquet", [kb_document(0)])
    with pytest.raises(DataError, match=fragment):
        read_hf_dataset(path, **options)


def test_a_file_that_is_not_parquet_and_a_wrong_schema(tmp_path):
    bad = tmp_path / "test.parquet"
    bad.write_text(json.dumps({"not": "parquet"}))
    with pytest.raises(DataError, match="not a readable parquet dataset file"):
        read_hf_dataset(bad, "bigbio_kb")
    text_rows = write_split(tmp_path / "text.parquet", [{"id": "t1", "text": "x", "labels": ["a"]}])
    with pytest.raises(DataError, match="no 'passages' field"):
        read_hf_dataset(text_rows, "bigbio_kb")


def test_validate_refuses_a_view_of_another_family_and_a_changed_file(tmp_path):
    rows = {split: [kb_document(0)] for split in ("train", "validation", "test")}
    folder = plugin(tmp_path / "wrong-family", "classification", rows, schema="bigbio_kb", family_view="ner")
    result = CliRunner().invoke(app, ["tasks", "validate", str(folder)])
    assert result.exit_code == 2 and "lacks field(s)" in result.output
    folder = plugin(tmp_path / "changed", "ner", rows, schema="bigbio_kb")
    write_split(folder / "data" / "test.parquet", [kb_document(1)])
    result = CliRunner().invoke(app, ["tasks", "validate", str(folder)])
    assert result.exit_code == 2 and "sha256 mismatch" in result.output
