"""Every reader opens text the same way: UTF-8 only (another encoding is one located
error naming the file, byte and line), a leading byte-order mark dropped."""

import codecs
import json
import zipfile

import pytest

from biobench.errors import DataError
from biobench.formats.bioc_xml import read_bioc_ner
from biobench.formats.blue_tsv import read_blue_tsv
from biobench.formats.conll import read_conll
from biobench.formats.hoc import read_hoc_zip
from biobench.formats.jsonl import read_jsonl
from biobench.formats.nli4ct import read_nli4ct_zip
from biobench.formats.pubmedqa import read_pubmedqa_json
from biobench.formats.pubtator import read_pubtator_ner
from biobench.formats.squad_json import read_squad_json
from biobench.formats.text_files import decode_text, text_lines
from biobench.splits import read_id_list

CAFE = "Caf\u00e9"  # written as latin-1 below: byte 0xe9
BIOC = (
    "<?xml version='1.0' encoding='UTF-8'?>\n<collection><source>s</source><date>d</date><key>k</key>\n"
    "<document><id>1</id><passage><offset>0</offset>\n<text>{text} helps.</text></passage></document>\n"
    "</collection>\n"
)
SQUAD = {"data": [{"title": "t", "paragraphs": [{"context": "{text} helps.", "qas": [
    {"id": "q1", "question": "What helps?", "answers": [{"text": "{text}", "answer_start": 0}]}]}]}]}
PUBMEDQA = {"1": {"QUESTION": "Does it help?", "CONTEXTS": ["{text} helps."], "final_decision": "yes"}}


def _zip(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _nli4ct(path, encoding):
    statement = {"s1": {"Type": "Single", "Section_id": "Results", "Primary_id": "NCT1", "Statement": f"{CAFE} helps.",
                        "Label": "Entailment"}}
    return _zip(path, {"train.json": json.dumps(statement, ensure_ascii=False).encode(encoding),
                       "Complete_dataset/CT json/NCT1.json": json.dumps({"Results": ["r"]}).encode()})


# reader name: (file name, make(path, encoding) -> path to read, read(path), line of the first non-ASCII byte)
READERS = {
    "conll": ("train.tsv", lambda p, e: _write(p, f"A\tO\n\n{CAFE}\tB-Chemical\n", e), read_conll, 3),
    "pubtator": ("train.txt", lambda p, e: _write(p, f"1|t|{CAFE} helps.\n1|a|Fine.\n1\t0\t4\t{CAFE}\tChemical\n", e),
                 read_pubtator_ner, 1),
    "blue-tsv": ("train.tsv", lambda p, e: _write(p, f"@GENE$ helps.\t0\n{CAFE} and @GENE$.\t1\n", e),
                 read_blue_tsv, 2),
    "jsonl": ("train.jsonl", lambda p, e: _write(p, '{"text": "a", "label": "x"}\n' + f'{{"text": "{CAFE}"}}\n', e),
              read_jsonl, 2),
    "pubmedqa-json": ("ori.json", lambda p, e: _write(p, json.dumps(PUBMEDQA).replace("{text}", CAFE), e),
                      read_pubmedqa_json, 1),
    "squad-json": ("qa.json", lambda p, e: _write(p, json.dumps(SQUAD).replace("{text}", CAFE), e), read_squad_json, 1),
    "bioc-xml": ("train.xml", lambda p, e: _write(p, BIOC.format(text=CAFE), e), read_bioc_ner, 4),
    "hoc-zip": ("hoc.zip", lambda p, e: _zip(p, {"text/1.txt": f"{CAFE} grows .\n".encode(e),
                                                 "labels/1.txt": b"<NULL"}), read_hoc_zip, 1),
    "nli4ct-zip": ("nli.zip", _nli4ct, lambda p: read_nli4ct_zip(p, "train.json"), 1),
    "id list": ("ids.txt", lambda p, e: _write(p, f"1\n{CAFE}\n", e), read_id_list, 2),
}


def _write(path, text, encoding):
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("reader", sorted(READERS))
def test_utf8_reads(tmp_path, reader):
    name, make, read, _ = READERS[reader]
    assert read(make(tmp_path / name, "utf-8"))


@pytest.mark.parametrize("reader", sorted(READERS))
def test_latin1_is_one_located_error(tmp_path, reader):
    name, make, read, line = READERS[reader]
    with pytest.raises(DataError, match=rf"{name}(!\S+)?: not UTF-8 text: byte 0xe9 at line {line}, column \d+"):
        read(make(tmp_path / name, "latin-1"))


def test_a_bom_is_not_part_of_the_first_token(tmp_path):
    path = tmp_path / "train.tsv"
    path.write_bytes(codecs.BOM_UTF8 + "-DOCSTART-\tO\n\nAspirin\tB-Chemical\nhelps\tO\n".encode())
    assert read_conll(path) == [{"id": "train-0", "tokens": ["Aspirin", "helps"], "tags": ["B-Chemical", "O"]}]
    path.write_bytes(codecs.BOM_UTF8 + b"Aspirin\tB-Chemical\n")
    assert read_conll(path)[0]["tokens"] == ["Aspirin"]


def test_a_bom_before_a_pubtator_document(tmp_path):
    path = tmp_path / "train.txt"
    path.write_bytes(codecs.BOM_UTF8 + b"7|t|Aspirin helps.\n7|a|Fine.\n7\t0\t7\tAspirin\tChemical\n")
    assert read_pubtator_ner(path)[0]["id"] == "7"


def test_lines_end_as_editors_count_them(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes(b"a\r\nb\rc\nd")
    assert list(text_lines(path)) == [(1, "a"), (2, "b"), (3, "c"), (4, "d")]


def test_the_column_is_counted_in_bytes_of_its_line():
    with pytest.raises(DataError, match=r"^x!m: not UTF-8 text: byte 0xff at line 2, column 3 "):
        decode_text(b"ok\nab\xffc", "x!m")
