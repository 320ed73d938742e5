from pathlib import Path

import pytest

from biobench.errors import BiobenchError, DataError
from biobench.formats.conll import read_conll
from builders import TASKS

# (task, split): (sentences, mentions) as stated in shared/data/MANIFEST.md
MANIFEST_COUNTS = {
    ("ncbi-disease", "train"): (5432, 5145),
    ("ncbi-disease", "validation"): (923, 787),
    ("ncbi-disease", "test"): (940, 960),
    ("bc5cdr-chem", "train"): (4560, 5203),
    ("bc5cdr-chem", "validation"): (4581, 5347),
    ("bc5cdr-chem", "test"): (4797, 5385),
    ("bc5cdr-disease", "train"): (4560, 4182),
    ("bc5cdr-disease", "validation"): (4581, 4246),
    ("bc5cdr-disease", "test"): (4797, 4424),
    ("bc2gm", "train"): (12500, 15197),
    ("bc2gm", "validation"): (2500, 3061),
    ("bc2gm", "test"): (5000, 6325),
    ("jnlpba", "train"): (14690, 32178),
    ("jnlpba", "validation"): (3856, 8575),
    ("jnlpba", "test"): (3856, 6241),
    ("species-800", "train"): (5733, 2557),
    ("species-800", "validation"): (830, 384),
    ("species-800", "test"): (1630, 767),
}


@pytest.mark.parametrize(("task", "split"), sorted(MANIFEST_COUNTS))
def test_real_files_match_manifest_counts(task, split):
    records = read_conll(TASKS / task / "data" / f"{split}.tsv", "X")
    mentions = sum(tag.startswith("B-") for record in records for tag in record["tags"])
    assert (len(records), mentions) == MANIFEST_COUNTS[(task, split)]
    assert all(len(record["tokens"]) == len(record["tags"]) for record in records)


def test_untyped_tags_take_the_entity_type():
    records = read_conll(TASKS / "species-800" / "data" / "validation.tsv", "Species")
    tags = {tag for record in records for tag in record["tags"]}
    assert tags == {"O", "B-Species", "I-Species"}


def test_typed_tags_are_kept(tmp_path):
    path = tmp_path / "typed.tsv"
    path.write_text("Aspirin\tB-Chemical\nhelps\tO\n\nfever\tB-Disease\n", encoding="utf-8")
    records = read_conll(path)
    assert [r["tags"] for r in records] == [["B-Chemical", "O"], ["B-Disease"]]
    assert [r["tokens"] for r in records] == [["Aspirin", "helps"], ["fever"]]


def _malformed(tmp_path: Path, line_3: str) -> Path:
    path = tmp_path / "bad.tsv"
    source = (TASKS / "ncbi-disease" / "data" / "train.tsv").read_text(encoding="utf-8").splitlines()[:6]
    source[2] = line_3
    path.write_text("\n".join(source) + "\n", encoding="utf-8")
    return path


def test_line_without_tag_column(tmp_path):
    with pytest.raises(DataError, match=r"bad\.tsv:3: .*no tag column"):
        read_conll(_malformed(tmp_path, "APC2"))


def test_tag_that_is_not_iob(tmp_path):
    with pytest.raises(DataError, match=r"bad\.tsv:3: tag 'Disease' is not IOB"):
        read_conll(_malformed(tmp_path, "APC2\tDisease"))


def test_empty_split(tmp_path):
    path = tmp_path / "empty.tsv"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(DataError, match="empty.tsv: no sentences"):
        read_conll(path)


def test_an_entity_opening_with_i_is_refused_by_default(tmp_path):
    path = tmp_path / "iob1.tsv"
    path.write_text("Aspirin\tO\nand\tO\nfever\tI-Disease\npain\tI-Disease\n", encoding="utf-8")
    message = r"iob1\.tsv:3: tag 'I-Disease' opens an entity without a B- tag .*tag_scheme: iob1"
    with pytest.raises(DataError, match=message):
        read_conll(path)


def test_untyped_i_after_o_is_refused_too(tmp_path):
    path = tmp_path / "untyped.tsv"
    path.write_text("a\tB\nb\tI\n\nc\tO\nd\tI\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"untyped\.tsv:5: tag 'I-Species' opens an entity"):
        read_conll(path, "Species")


def test_iob1_is_converted_as_seqeval_reads_it(tmp_path):
    from seqeval.metrics.sequence_labeling import get_entities

    path = tmp_path / "iob1.tsv"
    tags = ["I-Chemical", "I-Chemical", "B-Chemical", "O", "I-Disease", "I-Chemical", "I-Chemical", "O", "B-Disease"]
    path.write_text("".join(f"w{i}\t{tag}\n" for i, tag in enumerate(tags)), encoding="utf-8")
    (record,) = read_conll(path, tag_scheme="iob1")
    assert record["tags"] == ["B-Chemical", "I-Chemical", "B-Chemical", "O", "B-Disease", "B-Chemical", "I-Chemical",
                              "O", "B-Disease"]
    assert get_entities(record["tags"]) == get_entities(tags)  # seqeval's own (lenient) reading of the IOB1 tags


def test_iob2_files_are_unchanged_by_the_iob1_option():
    source = TASKS / "ncbi-disease" / "data" / "validation.tsv"
    assert read_conll(source, tag_scheme="iob1") == read_conll(source)


def test_unknown_tag_scheme(tmp_path):
    path = tmp_path / "a.tsv"
    path.write_text("a\tO\n", encoding="utf-8")
    with pytest.raises(BiobenchError, match="tag_scheme: 'bio' is not one of iob2, iob1"):
        read_conll(path, tag_scheme="bio")
