import json
import random

import numpy as np
import pytest
from typer.testing import CliRunner

from biobench.cli import app
from biobench.errors import DataError
from biobench.families.ner import NER
from biobench.formats.conll import read_conll
from biobench.metrics import entity_scores
from biobench.significance import compare
from builders import TASKS


def _rows(damage: float, seed: int = 0):
    """Gold NCBI test tags as predictions, with a fraction of entity starts erased."""
    rng = random.Random(seed)
    rows = []
    for record in read_conll(TASKS / "ncbi-disease" / "data" / "test.tsv"):
        predicted = [("O" if tag == "B-Disease" and rng.random() < damage else tag) for tag in record["tags"]]
        rows.append({"id": record["id"], "tokens": record["tokens"], "gold": record["tags"], "predicted": predicted})
    return rows


def _write(folder, name, rows, **task):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.predictions.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = {"task": {"name": "ncbi-disease", "version": "1.0", "data_sha256": "x", "family": "ner", "metric": "f1", **task},
              "predictions_file": f"{name}.predictions.jsonl"}
    (folder / f"{name}.json").write_text(json.dumps(result))
    return folder / f"{name}.json"


def test_summed_statistics_give_seqeval_strict_f1():
    rows = _rows(0.3)
    totals = NER.paired_statistics(rows).sum(axis=0)
    assert NER.main_from_statistics(totals) == pytest.approx(
        entity_scores([r["gold"] for r in rows], [r["predicted"] for r in rows])["f1"], abs=1e-12)


def test_identical_systems_do_not_differ(tmp_path):
    a, b = _write(tmp_path, "a", _rows(0.2)), _write(tmp_path, "b", _rows(0.2))
    result = compare(a, b, resamples=999)
    assert result.difference == 0 and result.p_value == 1.0


def test_a_clearly_better_system_is_significant(tmp_path):
    a, b = _write(tmp_path, "a", _rows(0.4)), _write(tmp_path, "b", _rows(0.05))
    result = compare(a, b, resamples=999)
    assert result.difference > 0.1 and result.p_value < 0.01
    assert result.interval[0] > 0


def test_different_test_sets_are_refused(tmp_path):
    a, b = _write(tmp_path, "a", _rows(0.1)), _write(tmp_path, "b", _rows(0.1), data_sha256="other")
    with pytest.raises(DataError, match="data_sha256 differs"):
        compare(a, b)


def test_cli_compare(tmp_path):
    a, b = _write(tmp_path, "a", _rows(0.4)), _write(tmp_path, "b", _rows(0.05))
    result = CliRunner().invoke(app, ["compare", str(a), str(b), "--resamples", "999"])
    assert result.exit_code == 0, result.output
    assert "p = " in result.output and "B - A +" in result.output
