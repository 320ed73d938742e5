"""NLI4CT (SemEval-2023 Task 7), read straight from the published zip: a split
file (``{uuid: {Type, Section_id, Primary_id, [Secondary_id], Statement, Label}}``)
and the clinical-trial reports it cites (``CT json/<NCT id>.json``).

Each statement is paired with the cited section of its primary trial (and of
its secondary trial, for comparison statements); the gold evidence indices are
not used, so the model must find the evidence itself.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from biobench.errors import DataError
from biobench.formats.text_files import decode_text
from biobench.records import PairRecord


def read_nli4ct_zip(path: Path, member: str, trials_folder: str = "Complete_dataset/CT json") -> list[PairRecord]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise DataError(path, f"not a readable zip: {error}") from None
    with archive:
        statements = _json_member(archive, member, path)
        trials: dict[str, dict] = {}
        records = []
        for uuid, entry in statements.items():
            missing = [key for key in ("Section_id", "Primary_id", "Statement", "Label") if key not in entry]
            if missing:
                raise DataError(f"{path}!{member}", f"statement {uuid}: missing key(s) {missing}")
            evidence = [
                f"{role} trial: "
                + _section(archive, trials, trials_folder, entry[key], entry["Section_id"], path, uuid)
                for role, key in (("Primary", "Primary_id"), ("Secondary", "Secondary_id"))
                if entry.get(key)
            ]
            text_b = " ".join(evidence)
            records.append({"id": uuid, "text_a": entry["Statement"], "text_b": text_b, "label": entry["Label"]})
    if not records:
        raise DataError(f"{path}!{member}", "no statements: the split is empty")
    return records


def _json_member(archive: zipfile.ZipFile, member: str, path: Path):
    try:
        return json.loads(decode_text(archive.read(member), f"{path}!{member}"))
    except KeyError:
        raise DataError(path, f"no member {member!r} in the zip") from None
    except json.JSONDecodeError as error:
        raise DataError(f"{path}!{member}", f"invalid JSON: {error.msg}", error.lineno) from None


def _section(archive, trials: dict, folder: str, trial_id: str, section: str, path: Path, uuid: str) -> str:
    if trial_id not in trials:
        report = f"{folder}/{trial_id}.json"
        try:
            archive.getinfo(report)
        except KeyError:
            raise DataError(path, f"statement {uuid}: trial {trial_id} has no report {report}") from None
        trials[trial_id] = _json_member(archive, report, path)
    lines = trials[trial_id].get(section)
    if lines is None:
        raise DataError(path, f"statement {uuid}: trial {trial_id} has no section {section!r}")
    return " ".join(line.strip() for line in lines if line.strip())
