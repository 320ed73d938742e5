"""Paired comparison of two systems on the same test examples, from their
prediction files alone: a paired permutation (approximate randomisation) test
and a paired bootstrap confidence interval for the difference in the main metric.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from biobench.errors import BiobenchError, DataError
from biobench.registry import FAMILIES

_BATCH = 1000  # resamples evaluated at once: bounds memory at about batch x rows x statistics floats


@dataclass(frozen=True)
class Comparison:
    task: str
    metric: str
    examples: int
    score_a: float
    score_b: float
    difference: float  # b - a
    p_value: float
    interval: tuple[float, float]  # 95% paired bootstrap interval of b - a


def load_run(path: Path) -> tuple[dict, list[dict]]:
    """A result JSON and its prediction rows."""
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
        predictions_path = path.parent / result["predictions_file"]
        rows = [json.loads(line) for line in predictions_path.read_text(encoding="utf-8").splitlines() if line]
    except (OSError, ValueError, KeyError) as error:
        raise DataError(path, f"not a readable result with predictions ({error})") from None
    return result, rows


def compare(path_a: Path, path_b: Path, resamples: int = 9999, seed: int = 0) -> Comparison:
    from scipy.stats import bootstrap, permutation_test

    (result_a, rows_a), (result_b, rows_b) = load_run(path_a), load_run(path_b)
    _check_comparable(path_b, result_a, result_b, rows_a, rows_b)
    family = FAMILIES.get(result_a["task"]["family"])
    stats_a = family.paired_statistics(rows_a)
    stats_b = family.paired_statistics(_aligned(rows_a, rows_b))
    samples, difference = _paired_difference(family, stats_a, stats_b)
    test = permutation_test(samples, difference, permutation_type="samples", vectorized=True,
                            n_resamples=resamples, batch=_BATCH, random_state=seed)
    interval = bootstrap(samples, difference, paired=True, vectorized=True, n_resamples=resamples,
                         batch=_BATCH, random_state=seed, method="percentile").confidence_interval
    return Comparison(
        task=result_a["task"]["name"],
        metric=result_a["task"]["metric"],
        examples=len(rows_a),
        score_a=float(family.main_from_statistics(stats_a.sum(axis=0))),
        score_b=float(family.main_from_statistics(stats_b.sum(axis=0))),
        difference=float(test.statistic),
        p_value=float(test.pvalue),
        interval=(float(interval.low), float(interval.high)),
    )


def paired_p_value(family, stats_a: np.ndarray, stats_b: np.ndarray, resamples: int = 9999, seed: int = 0) -> float:
    """Two-sided paired permutation test of the main metric: each row's statistics swapped between A and B."""
    from scipy.stats import permutation_test

    samples, difference = _paired_difference(family, stats_a, stats_b)
    test = permutation_test(samples, difference, permutation_type="samples", vectorized=True,
                            n_resamples=resamples, batch=_BATCH, random_state=seed)
    return float(np.clip(test.pvalue, 0.0, 1.0))


def _paired_difference(family, stats_a: np.ndarray, stats_b: np.ndarray):
    """scipy's samples and statistic for B - A of the main metric over paired rows of statistics.

    scipy moves the resampled axis of a sample last and adds batch axes where it likes, so a 2-D sample's columns
    land in different places for bootstrap and permutation_test. It resamples row numbers instead (B's numbered
    after A's), and the statistic looks the rows up: their columns stay last.
    """
    stats = np.concatenate([stats_a, stats_b])
    samples = (np.arange(len(stats_a)), np.arange(len(stats_a), len(stats)))

    def main(rows, axis):
        return family.main_from_statistics(stats[np.moveaxis(rows, axis, -1)].sum(axis=-2))

    def difference(rows_a, rows_b, axis=-1):
        return main(rows_b, axis) - main(rows_a, axis)

    return samples, difference


def _check_comparable(path_b: Path, result_a: dict, result_b: dict, rows_a: list[dict], rows_b: list[dict]) -> None:
    for key in ("name", "version", "data_sha256"):
        if result_a["task"][key] != result_b["task"][key]:
            different = f"{result_a['task'][key]!r} vs {result_b['task'][key]!r}"
            raise DataError(path_b, f"task {key} differs ({different}): not the same test set")
    if sorted(row["id"] for row in rows_a) != sorted(row["id"] for row in rows_b):
        raise DataError(path_b, "the two prediction files cover different examples")
    if len(rows_a) < 2:
        raise BiobenchError("a paired test needs at least two examples")


def _aligned(reference: list[dict], rows: list[dict]) -> list[dict]:
    by_id = {row["id"]: row for row in rows}
    return [by_id[row["id"]] for row in reference]
