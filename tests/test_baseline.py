"""The trivial baseline beside every score: scored on the same test records, tested against the model
by a paired permutation test, recorded in each result; a collapsed run is warned of by the CLI."""

import json
import random

from typer.testing import CliRunner

from biobench.baseline import trivial_baseline
from biobench.cli import app
from biobench.families.ner import NerFamily
from biobench.families.similarity import SIMILARITY
from biobench.families.text_pair import QA
from builders import result_file


def _questions(labels):
    return [{"id": str(i), "question": "", "context": "", "label": label} for i, label in enumerate(labels)]


def _baseline(family, train, test, predicted, main):
    rows = family.prediction_rows(test, predicted)
    return trivial_baseline(family, main, train, test, rows, family.score(test, predicted))


def test_a_model_right_where_the_majority_is_wrong_is_above_it():
    train = _questions(["yes"] * 6 + ["no"] * 4)
    test = _questions(["yes", "no"] * 20)
    baseline = _baseline(QA, train, test, [record["label"] for record in test], "accuracy")
    assert baseline["predictor"] == "majority class 'yes'" and baseline["prediction"] == "yes"
    assert baseline["test"]["accuracy"] == 0.5 and set(baseline["test"]) == {"accuracy", "f1_macro"}
    assert baseline["p_value"] < 0.001 and baseline["above"] is True
    assert "paired permutation test of accuracy" in baseline["p_value_method"]


def test_a_model_no_better_than_the_majority_is_not_above_it():
    train, test = _questions(["yes"] * 6 + ["no"] * 4), _questions(["yes", "no"] * 20)
    same = _baseline(QA, train, test, ["yes"] * 40, "accuracy")
    assert same["p_value"] == 1.0 and same["above"] is False
    barely = _baseline(QA, train, test, ["yes"] * 38 + ["no"] * 2, "accuracy")  # one more right: not significant
    assert barely["p_value"] > 0.05 and barely["above"] is False


def test_a_main_metric_without_paired_statistics_gets_no_p_value():
    train, test = _questions(["yes", "no", "no"]), _questions(["yes", "no"] * 5)
    baseline = _baseline(QA, train, test, ["yes", "no"] * 5, "f1_macro")
    assert baseline["p_value"] is None and baseline["above"] is None
    assert "not the task's main metric f1_macro" in baseline["p_value_method"]


def test_similarity_is_tested_on_pearson_against_the_training_mean():
    rng = random.Random(1)
    pairs = [{"id": str(i), "text_a": "", "text_b": "", "score": rng.uniform(0, 4)} for i in range(30)]
    predicted = [pair["score"] + rng.gauss(0, 0.5) for pair in pairs]
    baseline = _baseline(SIMILARITY, pairs[:10], pairs[10:], predicted[10:], "pearson")
    assert baseline["test"] == {"pearson": 0.0, "spearman": 0.0}
    assert baseline["predictor"].startswith("training mean ") and baseline["p_value"] < 0.01 and baseline["above"]


def test_a_run_records_its_baseline_and_the_cli_warns_when_it_collapsed(tiny_bert, ncbi_slice, tmp_path, monkeypatch):
    monkeypatch.setattr(NerFamily, "collapsed", lambda self, predictions: True)
    output = tmp_path / "out"
    run = CliRunner().invoke(app, ["run", "--model", str(tiny_bert), "--task", str(ncbi_slice), "--output",
                                   str(output), "--precision", "fp32"])
    assert run.exit_code == 0, run.output
    result = json.loads(result_file(output, tiny_bert.name, "ncbi-slice").read_text())
    baseline = result["baseline"]
    assert baseline["predictor"] == "every word O" and baseline["test"]["f1"] == 0.0
    assert 0.0 <= baseline["p_value"] <= 1.0 and isinstance(baseline["above"], bool)
    assert result["collapsed"] is True
    said = " ".join(run.output.split())  # the console wraps long lines
    assert f"test f1 {result['metrics']['test']['f1']:.4f} (baseline 0.0000, p {baseline['p_value']:.4f})" in said
    assert said.count("collapsed:") == 1 and "the trivial baseline is every word O" in said


def test_a_run_that_did_not_collapse_is_not_warned_of(tiny_bert, ncbi_slice, tmp_path, monkeypatch):
    monkeypatch.setattr(NerFamily, "collapsed", lambda self, predictions: False)
    run = CliRunner().invoke(app, ["run", "--model", str(tiny_bert), "--task", str(ncbi_slice), "--output",
                                   str(tmp_path / "out"), "--precision", "fp32"])
    assert run.exit_code == 0 and "collapsed" not in run.output
