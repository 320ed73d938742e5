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
from biobench.registry import FAMILIES
from biobench.significance import compare, load_run
from builders import ROOT, TASKS

RESULTS = ROOT / "leaderboards"
RESAMPLES = 2000
# Two committed systems on the same test set, per family; where only one system's predictions are committed (or
# both give one answer to everything), B is A with some answers changed.
REAL_PAIRS = {
    "ner": ("minialbert/results/minilm-l6/ncbi-disease/seed-1.json",
            "minialbert/results/minilm-l6/ncbi-disease/seed-2.json"),
    "relation": ("blurb-lite/smoke/results/minilm-l6/gad/fold-1/seed-1.json",
                 "blurb-lite/smoke/results/minilm-l6+mean-pooling/gad/fold-1/seed-1.json"),
    "pair": ("blurb-lite/smoke/results/minilm-l6/nli4ct/seed-1.json",
             "blurb-lite/smoke/results/minilm-l6+mean-pooling/nli4ct/seed-1.json"),
    "classification": ("blurb-lite/smoke/results/minilm-l6/hoc/seed-1.json",
                       "blurb-lite/smoke/results/minilm-l6+mean-pooling/hoc/seed-1.json"),
    "qa": ("blurb-lite/smoke/results/minilm-l6/pubmedqa/seed-1.json", None),
    "extractive-qa": ("blurb-lite/smoke/results/minilm-l6/covid-qa/seed-1.json", None),
    "similarity": ("blurb-lite/smoke/results/minilm-l6/biosses/seed-1.json",
                   "blurb-lite/smoke/results/minilm-l6+mean-pooling/biosses/seed-1.json"),
}


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
    result = {"task": {"name": "ncbi-disease", "version": "1.0", "data_sha256": "x", "family": "ner", "metric": "f1",
                       **task},
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


def _with_answers_changed(path, folder):
    """A copy of a result whose predictions are, for one row in five, the row's gold answer or another row's."""
    result, rows = load_run(path)
    rng = random.Random(0)
    golds = [row["gold"] for row in rows]
    changed = []
    for row in rows:
        draw = rng.random()
        gold = row["gold"] if draw < 0.1 else rng.choice(golds) if draw < 0.2 else None
        if gold is not None:
            row = {**row, "predicted": gold[0] if result["task"]["family"] == "extractive-qa" else gold}
        changed.append(row)
    folder.mkdir()
    (folder / "b.predictions.jsonl").write_text("".join(json.dumps(row) + "\n" for row in changed))
    (folder / "b.json").write_text(json.dumps({**result, "predictions_file": "b.predictions.jsonl"}))
    return folder / "b.json"


def _plain_paired_bootstrap(main, stats_a, stats_b, rng):
    """95% percentile interval of main(B) - main(A) over examples drawn with replacement, and its spread."""
    rows = rng.integers(0, len(stats_a), size=(RESAMPLES, len(stats_a)))
    differences = main(stats_b[rows].sum(axis=1)) - main(stats_a[rows].sum(axis=1))
    return np.percentile(differences, [2.5, 97.5]), differences.std()


def _plain_approximate_randomisation(main, stats_a, stats_b, rng):
    """Two-sided p-value of main(B) - main(A) with each example's A and B swapped with probability 1/2."""
    observed = abs(main(stats_b.sum(axis=0)) - main(stats_a.sum(axis=0)))
    swap = rng.random((RESAMPLES, len(stats_a), 1)) < 0.5
    shuffled_a, shuffled_b = np.where(swap, stats_b, stats_a), np.where(swap, stats_a, stats_b)
    differences = np.abs(main(shuffled_b.sum(axis=1)) - main(shuffled_a.sum(axis=1)))
    return (np.sum(differences >= observed - 1e-12) + 1) / (RESAMPLES + 1)


@pytest.mark.parametrize("family", REAL_PAIRS)
def test_interval_and_p_value_agree_with_plain_resampling_on_real_predictions(family, tmp_path):
    a, b = REAL_PAIRS[family]
    a = RESULTS / a
    b = RESULTS / b if b else _with_answers_changed(a, tmp_path / "b")
    (result, rows_a), (_, rows_b) = load_run(a), load_run(b)
    assert result["task"]["family"] == family
    by_id = {row["id"]: row for row in rows_b}
    rows_b = [by_id[row["id"]] for row in rows_a]
    methods = FAMILIES.get(family)
    stats_a, stats_b = methods.paired_statistics(rows_a), methods.paired_statistics(rows_b)
    rng = np.random.default_rng(1)
    (low, high), spread = _plain_paired_bootstrap(methods.main_from_statistics, stats_a, stats_b, rng)
    p_value = _plain_approximate_randomisation(methods.main_from_statistics, stats_a, stats_b, rng)

    compared = compare(a, b, resamples=RESAMPLES)
    assert compared.difference != 0
    assert compared.interval[0] <= compared.difference <= compared.interval[1]
    # A percentile of 2,000 resamples is off by about 0.06 standard deviations of the resampled difference.
    assert compared.interval == pytest.approx((low, high), abs=0.4 * spread)
    # Each p-value is off by about sqrt(p / 2,000); allow four times the two errors together.
    assert compared.p_value == pytest.approx(p_value, abs=4 * np.sqrt(2 * p_value / RESAMPLES) + 2 / RESAMPLES)
