"""BioC XML, read with the ``bioc`` package: documents of passages with annotated
entities (and document-level relations between entity identifiers).

Every annotation's locations are checked against the passage text (a location
that does not hold the annotation's text is an error naming the document and
annotation), and so is anything the ``bioc`` package cannot read, such as a
passage without ``<offset>`` (named by document, passage and line). Two record
kinds come out: NER records (one per passage, words tagged IOB2) and relation
records (every candidate pair of entity identifiers of the declared type pairs,
marked in the document text, with the document's plain text and both entities' mentions beside it, so
that a document-level family can encode each document once).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

from biobench.errors import DataError
from biobench.formats.pubtator import Mention, PubtatorDocument, document_to_ner
from biobench.formats.text_files import decode_text
from biobench.records import HEAD_MARKS, NO_RELATION, TAIL_MARKS, DocumentRelationRecord, EntityMentions, NerRecord

# What the bioc package needs of each element: (child texts, attributes); offsets and lengths are integers.
REQUIRED = {
    "passage": (["offset"], []),
    "sentence": (["offset"], []),
    "annotation": ([], ["id"]),
    "location": ([], ["offset", "length"]),
    "infon": ([], ["key"]),
    "node": ([], ["refid", "role"]),
}


@dataclass
class Entity:
    """One annotation: its type, concept identifiers and character spans (document offsets)."""

    type: str
    identifiers: list[str]
    spans: list[tuple[int, int]]


@dataclass
class Document:
    id: str
    text: str  # passages placed at their offsets
    passages: list[tuple[int, str]]  # (offset, text)
    entities: list[Entity]
    relations: list[dict[str, str]]  # the infons of each relation


def read_bioc(
    path: Path, identifier_infon: str = "identifier", identifier_separator: str = ",", skip_annotations: list[str] = ()
) -> list[Document]:
    """Every document of a BioC XML collection, annotations checked against the text.

    ``skip_annotations`` ("document:annotation" ids) names annotations known to be
    misaligned in the published file: they are left out instead of failing the read.
    """
    collection = load_collection(path)
    naming = (identifier_infon, identifier_separator)
    documents = [_document(path, document, naming, set(skip_annotations)) for document in collection.documents]
    if not documents:
        raise DataError(path, "no documents: the split is empty")
    return documents


def load_collection(path: Path):
    """The ``bioc`` package's collection of a BioC XML file; a malformed file is one located error."""
    from bioc import biocxml
    from lxml import etree

    try:
        with open(path, "rb") as handle:
            return biocxml.load(handle)
    except etree.XMLSyntaxError as error:
        raise DataError(path, f"invalid BioC XML: {error.msg}", error.lineno) from None
    except (TypeError, ValueError, KeyError):  # the bioc package fails bare on a missing offset, length or id
        raise _structure_error(path) from None
    except OSError as error:  # lxml's answer to bytes that are not in the declared encoding
        decode_text(path.read_bytes(), path)  # raises the located error when the file is not UTF-8
        raise DataError(path, f"cannot read: {error}") from None


def read_bioc_ner(
    path: Path, entity_type_map: dict[str, str] | None = None, skip_annotations: list[str] = ()
) -> list[NerRecord]:
    """One NER record per passage (title, abstract); overlapping mentions keep the first, longest."""
    records = []
    for document in read_bioc(path, skip_annotations=skip_annotations):
        for number, (offset, text) in enumerate(document.passages):
            mentions = [
                Mention(start - offset, end - offset, text[start - offset : end - offset], entity.type, 0)
                for entity in document.entities
                for start, end in [_extent(entity)]
                if offset <= start and end <= offset + len(text)
            ]
            passage = PubtatorDocument(f"{document.id}-{number}", text, mentions)
            records.append(document_to_ner(passage, entity_type_map or {}))
    return records


def read_bioc_relations(
    path: Path,
    pair_types: list[list[str]],
    identifier_infon: str = "identifier",
    identifier_separator: str = ",",
    relation_type_infon: str = "type",
    relation_entity_infons: list[str] = ("entity1", "entity2"),
    skip_annotations: list[str] = (),
) -> list[DocumentRelationRecord]:
    """Every candidate pair of distinct identifiers whose types are one of ``pair_types``,
    labelled with the annotated relation type (unordered) or ``NO_RELATION``; the first
    entity's mentions marked ``<< >>``, the second's ``[[ ]]`` in the document text, and
    the plain document text and both entities (type, mention spans) beside it."""
    records: list[DocumentRelationRecord] = []
    for document in read_bioc(path, identifier_infon, identifier_separator, skip_annotations):
        gold = {}
        for infons in document.relations:
            missing = [key for key in [relation_type_infon, *relation_entity_infons] if key not in infons]
            if missing:
                raise DataError(path, f"document {document.id}: a relation lacks infon(s) {missing}")
            pair = frozenset(infons[key] for key in relation_entity_infons)
            gold[pair] = infons[relation_type_infon]
        types, spans = _entities_by_identifier(document)
        entities = {i: EntityMentions(id=i, type=types[i], spans=spans[i]) for i in types}
        for head, tail in _candidates(types, pair_types):
            records.append(
                {
                    "id": f"{document.id}:{head}:{tail}",
                    "text": _marked(document.text, spans[head], spans[tail]),
                    "label": gold.get(frozenset((head, tail)), NO_RELATION),
                    "document": document.id,
                    "document_text": document.text,
                    "head": entities[head],
                    "tail": entities[tail],
                }
            )
    return records


def _structure_error(path: Path) -> DataError:
    """The first element lacking what the bioc package needs, located by document, passage and line."""
    from lxml import etree

    for element in etree.parse(str(path)).getroot().iter(*REQUIRED):
        problem = _missing(element)
        if problem:
            return DataError(path, f"{_where(element)}: {problem}", element.sourceline)
    return DataError(path, "BioC XML that the bioc package cannot read (check offsets, lengths and ids)")


def _missing(element) -> str | None:
    texts, attributes = REQUIRED[element.tag]
    for name in texts:
        value = element.findtext(name)
        if value is None:
            return f"no <{name}>"
        if not _is_integer(value):
            return f"<{name}> {value!r} is not an integer"
    for name in attributes:
        value = element.get(name)
        if value is None:
            return f"no {name}= attribute"
        if name in ("offset", "length") and not _is_integer(value):
            return f"{name}={value!r} is not an integer"
    return None


def _is_integer(text: str) -> bool:
    return text.strip().lstrip("+-").isdigit()


def _where(element) -> str:
    """``document D, passage N, annotation A, location`` down to ``element``."""
    parts = []
    for node in [*reversed(list(element.iterancestors())), element]:
        if node.tag == "document":
            parts.append(f"document {node.findtext('id') or '?'}")
        elif node.tag in ("passage", "sentence"):
            parts.append(f"{node.tag} {node.getparent().findall(node.tag).index(node) + 1}")
        elif node.tag in ("annotation", "relation"):
            parts.append(f"{node.tag} {node.get('id', '?')}")
        elif node.tag != "collection":
            parts.append(f"<{node.tag}>")
    return ", ".join(parts)


def _document(path: Path, document, naming: tuple[str, str], skipped: set[str]) -> Document:
    passages = [(passage.offset, passage.text or "") for passage in document.passages]
    for number, (offset, _) in enumerate(passages, start=1):
        if offset < 0:
            raise DataError(path, f"document {document.id}, passage {number}: negative offset {offset}")
    length = max((offset + len(text) for offset, text in passages), default=0)
    characters = [" "] * length
    for offset, text in passages:
        characters[offset : offset + len(text)] = text
    full_text = "".join(characters)
    entities = [
        _checked_entity(path, document.id, annotation, full_text, naming)
        for passage in document.passages
        for annotation in passage.annotations
        if f"{document.id}:{annotation.id}" not in skipped
    ]
    return Document(document.id, full_text, passages, entities, [dict(r.infons) for r in document.relations])


def _checked_entity(path: Path, document_id: str, annotation, text: str, naming: tuple[str, str]) -> Entity:
    spans = [(location.offset, location.offset + location.length) for location in annotation.locations]
    if not spans:
        problem = f"document {document_id}: annotation {annotation.id} {annotation.text!r} has no <location>"
        raise DataError(path, problem)
    pieces = [text[start:end] for start, end in spans]
    if " ".join(pieces) != (annotation.text or "") and "".join(pieces) != (annotation.text or ""):
        where = ", ".join(f"{start}-{end}" for start, end in spans) or "no location"
        raise DataError(
            path,
            f"document {document_id}: annotation {annotation.id} {annotation.text!r} at {where} "
            f"does not match the text there ({' '.join(pieces)!r})",
        )
    infon, separator = naming
    identifiers = [i.strip() for i in annotation.infons.get(infon, "").split(separator)]
    kind = annotation.infons.get("type", "")
    return Entity(kind, [i for i in identifiers if i and i != "-1"], spans)


def _extent(entity: Entity) -> tuple[int, int]:
    return min(start for start, _ in entity.spans), max(end for _, end in entity.spans)


def _entities_by_identifier(document: Document) -> tuple[dict[str, str], dict[str, list[tuple[int, int]]]]:
    types: dict[str, str] = {}
    spans: dict[str, list[tuple[int, int]]] = {}
    for entity in document.entities:
        for identifier in entity.identifiers:
            types.setdefault(identifier, entity.type)
            spans.setdefault(identifier, []).append(_extent(entity))
    return types, spans


def _candidates(types: dict[str, str], pair_types: list[list[str]]):
    seen = set()
    for first_type, second_type in pair_types:
        firsts = sorted(i for i, t in types.items() if t == first_type)
        seconds = sorted(i for i, t in types.items() if t == second_type)
        for head, tail in itertools.product(firsts, seconds):
            if head != tail and frozenset((head, tail)) not in seen:
                seen.add(frozenset((head, tail)))
                yield head, tail


def _marked(text: str, head: list[tuple[int, int]], tail: list[tuple[int, int]]) -> str:
    """The text with every non-overlapping mention of the head and tail entity wrapped in markers."""
    marked = [(s, e, HEAD_MARKS) for s, e in head] + [(s, e, TAIL_MARKS) for s, e in tail]
    spans = sorted(marked, key=lambda span: (span[0], -span[1]))
    pieces, position = [], 0
    for start, end, (opening, closing) in spans:
        if start < position:
            continue
        pieces += [text[position:start], opening, text[start:end], closing]
        position = end
    return "".join(pieces) + text[position:]
