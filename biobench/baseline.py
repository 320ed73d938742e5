"""The trivial baseline beside every score: the family's trivial predictor, fitted on the
training split, scored on the same test records as the model, and a paired permutation
test of the model against it on those records.

A model that does not beat its baseline (majority class, every word ``O``, the
training mean, ...) has learnt nothing the leaderboard should rank; one whose
answers are all alike has collapsed (``Family.collapsed``).
"""

from __future__ import annotations

from typing import Any, TypedDict


RESAMPLES = 9999
SIGNIFICANCE = 0.05


class BaselineInfo(TypedDict):
    predictor: str  # in words: "majority class 'yes'", "every word O", "training mean 2.1"
    prediction: Any  # its one answer for every record (NER: the tag of every word)
    test: dict[str, Any]  # the baseline's test metrics, from the family's own ``score``
    p_value: float | None  # paired permutation test, model vs baseline, two-sided; None: see p_value_method
    p_value_method: str  # how p_value was computed, or why there is none
    above: bool | None  # the model's main metric better than the baseline's with p < SIGNIFICANCE


def trivial_baseline(family, main: str, train_records: list[dict], test_records: list[dict],
                     model_rows: list[dict], model_test: dict[str, Any]) -> BaselineInfo:
    """The baseline of one run: ``model_rows`` are the model's prediction rows of ``test_records``,
    ``model_test`` its test scores, ``main`` the task's main metric."""
    trivial = family.trivial_predictions(train_records, test_records)
    test = family.score(test_records, trivial.predictions)
    baseline_rows = family.prediction_rows(test_records, trivial.predictions)
    p_value, method = paired_p_value(family, main, model_rows, baseline_rows)
    metric = next(metric for metric in family.metrics if metric.name == main)
    better = model_test[main] > test[main] if metric.higher_is_better else model_test[main] < test[main]
    return {
        "predictor": trivial.predictor,
        "prediction": trivial.prediction,
        "test": test,
        "p_value": p_value,
        "p_value_method": method,
        "above": None if p_value is None else bool(better and p_value < SIGNIFICANCE),
    }


def paired_p_value(family, main: str, rows_a: list[dict], rows_b: list[dict], resamples: int = RESAMPLES,
                   seed: int = 0) -> tuple[float | None, str]:
    """Two-sided paired permutation test of the main metric on the same records (rows in the same order),
    as ``biobench compare`` runs it: each record's answers swapped between the systems at random."""
    from biobench.significance import paired_p_value as permutation_p_value

    computed = family.metrics[0].name
    if main != computed:
        return None, f"the family's paired statistics give {computed}, not the task's main metric {main}"
    if len(rows_a) < 2:
        return None, "a paired test needs at least two test examples"
    p_value = permutation_p_value(family, family.paired_statistics(rows_a), family.paired_statistics(rows_b),
                                  resamples, seed)
    method = f"paired permutation test of {computed}, two-sided, {resamples:,} resamples, seed {seed}"
    return p_value, method
