"""Readers of NLI4CT, PubMedQA, HoC, BIOSSES and COVID-QA on the real files (counts as
in the shared data's MANIFEST) and on broken copies (one located error each)."""

import json
import zipfile
from collections import Counter

import pytest

from biobench.errors import DataError
from biobench.formats.biosses import read_biosses_docx
from biobench.formats.hoc import read_hoc_zip
from biobench.formats.nli4ct import read_nli4ct_zip
from biobench.formats.pubmedqa import read_pubmedqa_json
from biobench.formats.squad_json import read_squad_json
from builders import TASKS, sha256

NLI4CT = TASKS / "nli4ct" / "data" / "Complete_dataset.zip"


@pytest.mark.parametrize("member,count", [("train", 1700), ("dev", 200), ("Gold_test", 500)])
def test_nli4ct_counts(member, count):
    records = read_nli4ct_zip(NLI4CT, f"Complete_dataset/{member}.json")
    assert len(records) == count
    assert Counter(r["label"] for r in records) == {"Entailment": count // 2, "Contradiction": count // 2}
    assert all(r["text_b"].startswith("Primary trial: ") for r in records)
    assert any("Secondary trial: " in r["text_b"] for r in records)


def test_nli4ct_missing_trial_names_the_statement(tmp_path):
    broken = tmp_path / "nli.zip"
    with zipfile.ZipFile(NLI4CT) as source, zipfile.ZipFile(broken, "w") as target:
        dev = json.loads(source.read("Complete_dataset/dev.json"))
        uuid = next(iter(dev))
        dev[uuid]["Primary_id"] = "NCT00000000"
        target.writestr("Complete_dataset/dev.json", json.dumps(dev))
    with pytest.raises(DataError, match=rf"nli.zip: statement {uuid}: trial NCT00000000 has no report"):
        read_nli4ct_zip(broken, "Complete_dataset/dev.json")
    with pytest.raises(DataError, match=r"nli.zip: no member 'Complete_dataset/train.json' in the zip"):
        read_nli4ct_zip(broken, "Complete_dataset/train.json")


def test_pubmedqa_counts():
    records = read_pubmedqa_json(TASKS / "pubmedqa" / "data" / "ori_pqal.json")
    assert len(records) == 1000 and Counter(r["label"] for r in records) == {"yes": 552, "no": 338, "maybe": 110}


def test_pubmedqa_bad_answer(tmp_path):
    data = json.loads((TASKS / "pubmedqa" / "data" / "ori_pqal.json").read_text())
    pmid = next(iter(data))
    data[pmid]["final_decision"] = "perhaps"
    broken = tmp_path / "ori_pqal.json"
    broken.write_text(json.dumps(data))
    with pytest.raises(DataError, match=rf"ori_pqal.json: question {pmid}: answer 'perhaps' is not one of"):
        read_pubmedqa_json(broken)


def test_hoc_counts_and_members_as_published():
    records = read_hoc_zip(TASKS / "hoc" / "data" / "hoc.zip")
    assert len(records) == 1852
    with zipfile.ZipFile(TASKS / "hoc" / "data" / "hoc.zip") as archive:
        assert sum(len(archive.read(f"text/{r['id']}.txt").decode().splitlines()) for r in records) == 17464
        lines = (TASKS / "hoc" / "data" / "hoc-members.sha256").read_text().splitlines()
        published = dict(line.split("  hoc/")[::-1] for line in lines)
        import hashlib

        assert all(hashlib.sha256(archive.read(name)).hexdigest() == digest for name, digest in published.items())
        assert len(published) == 3704
    assert len({label for r in records for label in r["labels"]}) == 10


def test_hoc_member_list_ties_to_the_manifest_aggregate():
    """MANIFEST.md: sha256 of the sorted hoc/ lines of SHA256SUMS (members, LICENSE, README.md)."""
    import hashlib

    folder = TASKS / "hoc"
    lines = (folder / "data" / "hoc-members.sha256").read_text().splitlines()
    lines += [f"{sha256(folder / 'LICENSE')}  hoc/LICENSE", f"{sha256(folder / 'README-source.md')}  hoc/README.md"]
    digest = hashlib.sha256(("\n".join(sorted(lines)) + "\n").encode()).hexdigest()
    assert digest == "8325c593248ed9a9df7374b8b2f7c142ef730784727962599387adb9c1bbb2e8"


def test_hoc_label_groups_must_match_sentences(tmp_path):
    broken = tmp_path / "hoc.zip"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("text/1.txt", "First sentence .\nSecond sentence .\n")
        archive.writestr("labels/1.txt", "<Resisting cell death--Apoptosis")
    with pytest.raises(DataError, match=r"hoc.zip!labels/1.txt: document 1: 1 label groups for 2 sentences"):
        read_hoc_zip(broken)


def test_biosses_counts_and_gold_is_the_annotator_mean():
    data = TASKS / "biosses" / "data"
    records = read_biosses_docx(data / "Annotation-Pairs.docx", data / "Annotator-Scores.docx")
    assert len(records) == 100 and records[0]["score"] == 4.0
    assert records[-1]["id"] == "100" and records[-1]["score"] == pytest.approx(1.8)  # scores 2, 2, 1, 2, 2


def test_biosses_not_a_word_file(tmp_path):
    broken = tmp_path / "scores.docx"
    broken.write_text("not a zip")
    data = TASKS / "biosses" / "data"
    with pytest.raises(DataError, match=r"scores.docx: not a readable Word document"):
        read_biosses_docx(data / "Annotation-Pairs.docx", broken)


def test_covid_qa_counts_and_offsets():
    records = read_squad_json(TASKS / "covid-qa" / "data" / "200423_covidQA.json", offset_tolerance=3)
    assert len(records) == 1380 and len({r["document"] for r in records}) == 98
    assert all(r["context"][a["start"]:a["start"] + len(a["text"])] == a["text"]
               for r in records for a in r["answers"])


def test_covid_qa_published_offsets_fail_without_tolerance():
    with pytest.raises(DataError,
                       match=r"200423_covidQA.json: question \d+: answer .* at \d+ does not match the context"):
        read_squad_json(TASKS / "covid-qa" / "data" / "200423_covidQA.json")


def test_squad_answer_far_from_its_start(tmp_path):
    data = {"data": [{"paragraphs": [{"context": "The virus binds ACE2 receptors.", "document_id": 1,
                                      "qas": [{"id": 7, "question": "What?",
                                               "answers": [{"text": "ACE2", "answer_start": 2}]}]}]}]}
    broken = tmp_path / "qa.json"
    broken.write_text(json.dumps(data))
    with pytest.raises(DataError,
                       match=r"qa.json: question 7: answer 'ACE2' at 2 does not match the context \('e vi'\)"):
        read_squad_json(broken, offset_tolerance=3)
