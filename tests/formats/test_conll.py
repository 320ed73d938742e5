from pathlib import Path

import pytest

from biobench.errors import DataError
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
