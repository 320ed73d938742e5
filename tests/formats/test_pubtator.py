import pytest

from biobench.errors import DataError
from biobench.formats.pubtator import read_pubtator, read_pubtator_ner
from builders import TASKS

DATA = TASKS / "ncbi-disease-pubtator" / "data"
# split: (documents, mentions) as stated in shared/data/MANIFEST.md
MANIFEST_COUNTS = {"train": (593, 5145), "validation": (100, 787), "test": (100, 960)}


@pytest.mark.parametrize("split", sorted(MANIFEST_COUNTS))
def test_real_files_match_manifest_counts(split):
    documents = read_pubtator(DATA / f"{split}.txt")
    assert (len(documents), sum(len(d.mentions) for d in documents)) == MANIFEST_COUNTS[split]


@pytest.mark.parametrize("split", sorted(MANIFEST_COUNTS))
def test_every_mention_becomes_one_tagged_entity(split):
    records = read_pubtator_ner(DATA / f"{split}.txt", {})
    entities = sum(tag.startswith("B-") for record in records for tag in record["tags"])
    assert entities == MANIFEST_COUNTS[split][1]


def test_tagged_entities_spell_the_mentions_in_order():
    path = DATA / "validation.txt"
    type_map = {"SpecificDisease": "Disease", "Modifier": "Disease", "DiseaseClass": "Disease",
                "CompositeMention": "Disease"}
    for document, record in zip(read_pubtator(path), read_pubtator_ner(path, type_map)):
        entities, current = [], None
        for token, tag in zip(record["tokens"], record["tags"]):
            if tag.startswith("B-"):
                current = [token]
                entities.append(current)
            elif tag.startswith("I-"):
                current.append(token)
        expected = ["".join(m.text.split()) for m in sorted(document.mentions, key=lambda m: m.start)]
        assert ["".join(entity) for entity in entities] == expected
        assert {tag for tag in record["tags"]} <= {"O", "B-Disease", "I-Disease"}


def test_offset_that_does_not_match_the_text(tmp_path):
    lines = (DATA / "test.txt").read_text(encoding="utf-8").splitlines()
    mention = next(i for i, line in enumerate(lines) if line.count("\t") >= 4)
    columns = lines[mention].split("\t")
    columns[1], columns[2] = str(int(columns[1]) + 1), str(int(columns[2]) + 1)
    lines[mention] = "\t".join(columns)
    path = tmp_path / "shifted.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=rf"shifted\.txt:{mention + 1}: mention .* does not match the text"):
        read_pubtator(path)


@pytest.mark.parametrize(("start", "end", "text", "problem"), [
    ("-4", "3", "Asp", "negative offset"),
    ("15", "40", "Fine", r"ends past the document text \(19 characters\)"),
    ("3", "3", "", r"empty mention \(start equals end\)"),
    ("5", "2", "", "end before start"),
])
def test_offsets_outside_the_text_are_refused(tmp_path, start, end, text, problem):
    path = tmp_path / "bad.txt"
    path.write_text(f"9|t|Aspirin helps.\n9|a|Fine\n9\t0\t7\tAspirin\tChemical\n9\t{start}\t{end}\t{text}\tChemical\n",
                    encoding="utf-8")
    with pytest.raises(DataError, match=rf"bad\.txt:4: mention '{text}' at offsets {start} {end}: {problem}"):
        read_pubtator(path)


def test_relation_lines_are_still_relations(tmp_path):
    path = tmp_path / "rel.txt"
    path.write_text("9|t|Aspirin helps.\n9|a|Fine\n9\t0\t7\tAspirin\tChemical\n9\tCID\tD1\tD2\n"
                    "9\tAssociation\tD1\tD2\tNovel\n", encoding="utf-8")
    (document,) = read_pubtator(path)
    assert len(document.mentions) == 1 and len(document.relations) == 2
