"""The BioC XML reader on the real BC5CDR and BioRED files, and on broken copies."""

from collections import Counter

import pytest

from biobench.errors import DataError
from biobench.formats.bioc_xml import read_bioc, read_bioc_ner, read_bioc_relations
from builders import TASKS

CDR = TASKS / "bc5cdr-cid" / "data"
BIORED = TASKS / "biored" / "data"
CDR_SKIP = ["20722491:6", "11587867:7", "15863244:12", "6415512:8"]
CDR_OPTIONS = dict(pair_types=[["Chemical", "Disease"]], identifier_infon="MESH", identifier_separator="|",
                   relation_type_infon="relation", relation_entity_infons=["Chemical", "Disease"],
                   skip_annotations=CDR_SKIP)


@pytest.mark.parametrize("name,documents,annotations,relations,skipped", [
    ("CDR_TrainingSet", 500, 9570, 1038, 3), ("CDR_DevelopmentSet", 500, 9773, 1012, 1),
    ("CDR_TestSet", 500, 9928, 1066, 0),
])
def test_cdr_counts_match_the_manifest(name, documents, annotations, relations, skipped):
    read = read_bioc(CDR / f"{name}.BioC.xml", "MESH", "|", CDR_SKIP)
    assert len(read) == documents
    assert sum(len(d.entities) for d in read) == annotations - skipped
    assert sum(len(d.relations) for d in read) == relations
    pairs = read_bioc_relations(CDR / f"{name}.BioC.xml", **CDR_OPTIONS)
    assert Counter(p["label"] for p in pairs)["CID"] == relations  # every gold relation is a candidate


@pytest.mark.parametrize("name,documents,annotations,relations", [
    ("Train", 400, 13351, 4178), ("Dev", 100, 3533, 1162), ("Test", 100, 3535, 1163),
])
def test_biored_counts_match_the_manifest(name, documents, annotations, relations):
    read = read_bioc(BIORED / f"{name}.BioC.XML")
    counts = (len(read), sum(len(d.entities) for d in read), sum(len(d.relations) for d in read))
    assert counts == (documents, annotations, relations)
    ner = read_bioc_ner(BIORED / f"{name}.BioC.XML")
    assert len(ner) == 2 * documents
    assert sum(tag.startswith("B-") for record in ner for tag in record["tags"]) == annotations


def test_candidates_mark_both_entities_in_the_document():
    pairs = read_bioc_relations(CDR / "CDR_TrainingSet.BioC.xml", **CDR_OPTIONS)
    first = pairs[0]
    assert first["id"].startswith("227508:") and "<< Naloxone >>" in first["text"] or "[[ " in first["text"]
    assert all(p["text"].count("<< ") >= 1 and p["text"].count("[[ ") >= 1 for p in pairs[:200])


def test_the_published_misalignments_fail_unless_declared():
    expected = (r"CDR_TrainingSet.BioC.xml: document 20722491: annotation 6 'colorectal cancers' at 187-197, 223-230 "
                "does not match")
    with pytest.raises(DataError, match=expected):
        read_bioc(CDR / "CDR_TrainingSet.BioC.xml", "MESH", "|")


def test_shifted_offset_names_document_and_annotation(tmp_path):
    text = (CDR / "CDR_TestSet.BioC.xml").read_text(encoding="utf-8")
    broken = tmp_path / "test.xml"
    shifted = text.replace("<location offset='0' length='8' />", "<location offset='1' length='8' />", 1)
    broken.write_text(shifted, encoding="utf-8")
    with pytest.raises(DataError,
                       match=r"test.xml: document \d+: annotation \d+ '.+' at 1-9 does not match the text there"):
        read_bioc(broken, "MESH", "|")


def test_malformed_xml_names_the_line(tmp_path):
    broken = tmp_path / "broken.xml"
    lines = (BIORED / "Dev.BioC.XML").read_text(encoding="utf-8")[:5000]
    broken.write_text(lines + "\n</collection>\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"broken.xml:\d+: invalid BioC XML"):
        read_bioc(broken)


def test_relation_without_its_entity_infons(tmp_path):
    text = (CDR / "CDR_TestSet.BioC.xml").read_text(encoding="utf-8")
    broken = tmp_path / "test.xml"
    text = text.replace('<infon key="Chemical">', '<infon key="Chem">', 1)
    broken.write_text(text.replace("<infon key='Chemical'>", "<infon key='Chem'>", 1), encoding="utf-8")
    with pytest.raises(DataError, match=r"test.xml: document \d+: a relation lacks infon\(s\) \['Chemical'\]"):
        read_bioc_relations(broken, **CDR_OPTIONS)


@pytest.mark.parametrize("name,tagged", [
    ("CDR_TrainingSet", 9385), ("CDR_DevelopmentSet", 9591), ("CDR_TestSet", 9809),
])
def test_cdr_ner_tags_every_expressible_mention(name, tagged):
    """Composite and discontinuous mentions overlapping another cannot be IOB2 tags: what remains
    equals the PubTator release's mention count."""
    records = read_bioc_ner(TASKS / "bc5cdr-bioc" / "data" / f"{name}.BioC.xml", skip_annotations=CDR_SKIP)
    assert len(records) == 1000
    assert sum(tag.startswith("B-") for record in records for tag in record["tags"]) == tagged


@pytest.mark.parametrize(("old", "new", "message"), [
    ("<offset>0</offset>", "", r"test.xml:\d+: document \d+, passage 1: no <offset>"),
    ("<offset>0</offset>", "<offset>start</offset>",
     r"test.xml:\d+: document \d+, passage 1: <offset> 'start' is not an integer"),
    ("<location offset='0' length='8' />", "<location length='8' />",
     r"test.xml:\d+: document \d+, passage 1, annotation \d+, <location>: no offset= attribute"),
    ("<location offset='0' length='8' />", "<location offset='0' />",
     r"test.xml:\d+: document \d+, passage 1, annotation \d+, <location>: no length= attribute"),
])
def test_what_the_bioc_package_cannot_read_is_located(tmp_path, old, new, message):
    text = (CDR / "CDR_TestSet.BioC.xml").read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / "test.xml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataError, match=message):
        read_bioc(broken, "MESH", "|")
