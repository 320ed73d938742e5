"""Hallmarks of Cancer (HoC), from a zip of the published folders: ``text/<PMID>.txt``
(one tokenised sentence per line) and ``labels/<PMID>.txt`` (each sentence's labels
after a ``<``; several joined by `` AND``; hierarchy levels by ``--``).

A document's labels are the union of its sentences' top-level hallmarks.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from biobench.errors import DataError
from biobench.formats.text_files import decode_text
from biobench.records import DocumentRecord

HALLMARKS = (
    "Activating invasion and metastasis",
    "Avoiding immune destruction",
    "Cellular energetics",
    "Enabling replicative immortality",
    "Evading growth suppressors",
    "Genomic instability and mutation",
    "Inducing angiogenesis",
    "Resisting cell death",
    "Sustaining proliferative signaling",
    "Tumor promoting inflammation",
)
NO_LABEL = "NULL"


def read_hoc_zip(path: Path) -> list[DocumentRecord]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise DataError(path, f"not a readable zip: {error}") from None
    with archive:
        names = set(archive.namelist())
        texts = sorted(name for name in names if name.startswith("text/") and name.endswith(".txt"))
        records = [_document(archive, name, names, path) for name in texts]
    if not records:
        raise DataError(path, "no text/*.txt documents: the split is empty")
    return records


def _document(archive: zipfile.ZipFile, text_name: str, names: set[str], path: Path) -> DocumentRecord:
    pmid = text_name[len("text/") : -len(".txt")]
    labels_name = f"labels/{pmid}.txt"
    if labels_name not in names:
        raise DataError(f"{path}!{text_name}", f"document {pmid} has no {labels_name}")
    sentences = decode_text(archive.read(text_name), f"{path}!{text_name}").splitlines()
    per_sentence = decode_text(archive.read(labels_name), f"{path}!{labels_name}").split("<")[1:]
    if len(per_sentence) != len(sentences):
        raise DataError(
            f"{path}!{labels_name}", f"document {pmid}: {len(per_sentence)} label groups for {len(sentences)} sentences"
        )
    labels = set()
    for group in per_sentence:
        for label in group.split(" AND"):
            top = label.split("--")[0].strip()
            if top and top != NO_LABEL:
                if top not in HALLMARKS:
                    raise DataError(f"{path}!{labels_name}", f"document {pmid}: {top!r} is not one of the 10 hallmarks")
                labels.add(top)
    return {"id": pmid, "text": " ".join(sentences), "labels": sorted(labels)}
