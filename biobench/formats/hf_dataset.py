"""Hugging Face datasets in BigBIO's schemas: a split saved as a parquet file
(``load_dataset(...)["test"].to_parquet("data/test.parquet")``) or as the arrow
file of a ``save_to_disk`` folder (``data/test/data-00000-of-00001.arrow``),
read with ``datasets`` and mapped to one family's records.

Either file is the whole split, so its sha256 in ``task.yaml`` covers all the
data read. A ``save_to_disk`` split of several arrow shards (over 500 MB) is
refused, as are its ``dataset_info.json`` / ``state.json``: the other shards
would be read unchecked; export such a split to one parquet file instead.

``format_options: {schema: ..., family_view: ...}`` declares the mapping:

- ``bigbio_kb`` -> ``ner``: one record per passage, words cut at mention edges
  and tagged IOB2 as the PubTator and BioC readers do (their tokenisation), each
  entity's span from its first to its last offset, checked against the text;
  ``entity_types`` keeps only those types, ``entity_type_map`` renames them.
- ``bigbio_kb`` -> ``relation``: as ``bioc-xml-relations`` does, every candidate
  pair of entities (mentions) of the declared ``pair_types`` in a document,
  labelled with the type of a relation listed between them (either direction) and
  ``none`` (``biobench.records.NO_RELATION``) otherwise, both marked in the
  document text; relations between other entities are not candidates.
- ``bigbio_qa`` -> ``qa``: questions of ``question_types`` (default yes/no and
  multiple choice; others are left out), each with exactly one answer, its label.
- ``bigbio_te`` -> ``pair``: premise and hypothesis, and the label.
- ``bigbio_pairs`` -> ``similarity`` (the label read as a number) or ``pair`` (as a class).
- ``bigbio_text`` -> ``classification``: the text and its labels.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from biobench.errors import DataError
from biobench.formats.bioc_xml import _candidates, _marked
from biobench.formats.pubtator import Mention, PubtatorDocument, document_to_ner
from biobench.records import NO_RELATION

VIEWS = {
    "bigbio_kb": ("ner", "relation"),
    "bigbio_qa": ("qa",),
    "bigbio_te": ("pair",),
    "bigbio_pairs": ("similarity", "pair"),
    "bigbio_text": ("classification",),
}
SUFFIXES = (".parquet", ".arrow")
QUESTION_TYPES = ("yesno", "multiple_choice")  # bigbio_qa questions with one closed answer


def read_hf_dataset(
    path: Path,
    schema: str,
    family_view: str | None = None,
    entity_types: list[str] | None = None,
    entity_type_map: dict[str, str] | None = None,
    pair_types: list[list[str]] | None = None,
    question_types: list[str] | None = None,
) -> list[dict]:
    """The records of ``family_view`` (default: the schema's first view) from a BigBIO-schema split file."""
    if schema not in VIEWS:
        raise DataError(path, f"format option schema: {schema!r} is not one of {', '.join(VIEWS)}")
    view = family_view or VIEWS[schema][0]
    if view not in VIEWS[schema]:
        raise DataError(path, f"format option family_view: schema {schema} maps to {' or '.join(VIEWS[schema])}, "
                              f"not {view!r}")
    if (schema, view) == ("bigbio_kb", "relation") and not pair_types:
        raise DataError(path, "family_view relation needs format_options pair_types, e.g. [[Chemical, Disease]]")
    rows = load_rows(path)
    if not rows:
        raise DataError(path, "no rows: the split is empty")
    if schema == "bigbio_kb":
        documents = [_document(path, row) for row in rows]
        if view == "ner":
            return [record for document in documents
                    for record in _ner(document, set(entity_types or ()), entity_type_map or {})]
        return [record for document in documents for record in _relations(path, document, pair_types)]
    read = {"bigbio_qa": _question, "bigbio_te": _entailment, "bigbio_text": _text,
            "bigbio_pairs": _similarity if view == "similarity" else _pair}[schema]
    records = [read(path, row, set(question_types or QUESTION_TYPES)) for row in rows]
    return [record for record in records if record is not None]


def load_rows(path: Path) -> list[dict[str, Any]]:
    """Every row of a parquet file or one arrow file of ``save_to_disk``, as plain dicts, read with ``datasets``."""
    from datasets import Dataset

    if path.suffix not in SUFFIXES:
        raise DataError(path, "hf-dataset reads a .parquet file or the .arrow file of a save_to_disk split "
                              "(dataset_info.json and state.json do not hold the data)")
    if path.suffix == ".arrow" and len(list(path.parent.glob("data-*.arrow"))) > 1:
        raise DataError(path, "a save_to_disk split of several arrow shards: only the named one would be "
                              "checksummed; export the split to one parquet file (Dataset.to_parquet)")
    try:
        if path.suffix == ".parquet":
            import pyarrow.parquet

            dataset = Dataset(pyarrow.parquet.read_table(path))
        else:
            dataset = Dataset.from_file(str(path))
    except Exception as error:  # pyarrow's errors (ArrowInvalid, OSError) on a file of another kind
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise DataError(path, f"not a readable {path.suffix[1:]} dataset file: {first_line}") from None
    return dataset.to_list()


def _field(path: Path, row: dict, name: str, where: str) -> Any:
    if row.get(name) is None:
        raise DataError(path, f"{where}: no {name!r} field (is the split in the declared BigBIO schema?)")
    return row[name]


def _document(path: Path, row: dict) -> dict:
    """A bigbio_kb row checked: passages placed at their offsets, every entity's text found at its offsets."""
    where = f"document {row.get('id', '?')}"
    passages = []
    for passage in _field(path, row, "passages", where):
        texts = passage["text"] if isinstance(passage["text"], list) else [passage["text"]]
        passages.append([(start, end, text) for (start, end), text in zip(passage["offsets"], texts)])
    length = max((end for pieces in passages for _, end, _ in pieces), default=0)
    characters = [" "] * length
    for start, end, text in (piece for pieces in passages for piece in pieces):
        if end - start != len(text):
            raise DataError(path, f"{where}: a passage at {start}-{end} holds {len(text)} characters")
        characters[start:end] = text
    text = "".join(characters)
    entities = [_entity(path, where, entity, text) for entity in _field(path, row, "entities", where)]
    spans = [(min(s for s, _, _ in pieces), max(e for _, e, _ in pieces)) for pieces in passages if pieces]
    return {"id": str(row["id"]), "text": text, "passages": spans, "entities": entities,
            "relations": row.get("relations") or []}


def _entity(path: Path, where: str, entity: dict, text: str) -> dict:
    offsets = [tuple(offset) for offset in entity["offsets"]]
    pieces = [text[start:end] for start, end in offsets]
    declared = list(entity["text"])
    if not offsets or (pieces != declared and " ".join(pieces) != " ".join(declared)):
        raise DataError(path, f"{where}: entity {entity['id']} {declared!r} at {offsets} does not match the text "
                              f"there ({pieces!r})")
    return {"id": entity["id"], "type": entity["type"], "text": " ".join(declared),
            "start": min(start for start, _ in offsets), "end": max(end for _, end in offsets)}


def _ner(document: dict, types: set[str], type_map: dict[str, str]) -> list[dict]:
    records = []
    for number, (start, end) in enumerate(document["passages"]):
        mentions = [
            Mention(entity["start"] - start, entity["end"] - start, entity["text"], entity["type"], 0)
            for entity in document["entities"]
            if start <= entity["start"] and entity["end"] <= end and (not types or entity["type"] in types)
        ]
        passage = PubtatorDocument(f"{document['id']}-{number}", document["text"][start:end], mentions)
        records.append(document_to_ner(passage, type_map))
    return records


def _relations(path: Path, document: dict, pair_types: list[list[str]]) -> list[dict]:
    entities = {entity["id"]: entity for entity in document["entities"]}
    gold = {}
    for relation in document["relations"]:
        for argument in (relation["arg1_id"], relation["arg2_id"]):
            if argument not in entities:
                raise DataError(path, f"document {document['id']}: relation {relation['id']} names {argument!r}, "
                                      f"not an entity of the document")
        gold[frozenset((relation["arg1_id"], relation["arg2_id"]))] = relation["type"]
    types = {identifier: entity["type"] for identifier, entity in entities.items()}
    return [
        {
            "id": f"{document['id']}:{head}:{tail}",
            "text": _marked(document["text"], [_span(entities[head])], [_span(entities[tail])]),
            "label": gold.get(frozenset((head, tail)), NO_RELATION),
        }
        for head, tail in _candidates(types, pair_types)
    ]


def _span(entity: dict) -> tuple[int, int]:
    return entity["start"], entity["end"]


def _question(path: Path, row: dict, question_types: set[str]) -> dict | None:
    where = f"question {row.get('id', '?')}"
    if _field(path, row, "type", where) not in question_types:
        return None
    answers = list(_field(path, row, "answer", where))
    if len(answers) != 1:
        raise DataError(path, f"{where}: {len(answers)} answers; the qa family needs exactly one")
    return {"id": str(row["id"]), "question": _field(path, row, "question", where),
            "context": _field(path, row, "context", where), "label": str(answers[0])}


def _entailment(path: Path, row: dict, _: set[str]) -> dict:
    where = f"pair {row.get('id', '?')}"
    return {"id": str(row["id"]), "text_a": _field(path, row, "premise", where),
            "text_b": _field(path, row, "hypothesis", where), "label": str(_field(path, row, "label", where))}


def _pair(path: Path, row: dict, _: set[str]) -> dict:
    where = f"pair {row.get('id', '?')}"
    return {"id": str(row["id"]), "text_a": _field(path, row, "text_1", where),
            "text_b": _field(path, row, "text_2", where), "label": str(_field(path, row, "label", where))}


def _similarity(path: Path, row: dict, _: set[str]) -> dict:
    record = _pair(path, row, _)
    try:
        score = float(record.pop("label"))
    except ValueError:
        raise DataError(path, f"pair {row['id']}: label {row['label']!r} is not a similarity score") from None
    return {**record, "score": score}


def _text(path: Path, row: dict, _: set[str]) -> dict:
    where = f"text {row.get('id', '?')}"
    return {"id": str(row["id"]), "text": _field(path, row, "text", where),
            "labels": [str(label) for label in _field(path, row, "labels", where)]}
