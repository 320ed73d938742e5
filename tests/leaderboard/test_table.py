"""The leaderboard model's rules: settings never pooled, a (setting, seed) counted once, folds sharing a cell,
family means and the BLURB-style mean, missing cells, the runs' hardware."""

import statistics

import pytest

from biobench.leaderboard import build, markdown

from .make import result

FAMILIES = {"n1": "ner", "n2": "ner", "n3": "ner", "r1": "relation", "r2": "relation", "s1": "similarity"}


def test_mean_std_and_runs_over_seeds():
    scores = [0.80, 0.82, 0.84]
    results = [result("a", "ncbi-disease", seed, score) for seed, score in enumerate(scores, start=1)]
    results.append(result("a", "species-800", 1, 0.70))
    (row,) = build(results).rows
    cell = row.cells["ncbi-disease"]
    assert cell.mean == pytest.approx(100 * statistics.mean(scores))
    assert cell.std == pytest.approx(100 * statistics.stdev(scores)) and cell.runs == 3
    assert row.cells["species-800"].std is None and row.seeds == (1, 2, 3)
    line = next(line for line in markdown(results).splitlines() if line.startswith("| `a`"))
    assert f"{100 * statistics.mean(scores):.2f} ± {100 * statistics.stdev(scores):.2f} (n=3)" in line
    assert "| 70.00 (n=1) |" in line and "22.7M" in line and "1, 2, 3" in line


def test_settings_are_never_pooled():
    same_label = [result("a", "t1", 1, 0.5, setting="1111111111111111"),
                  result("a", "t1", 2, 0.6, setting="1111111111111111"),
                  result("a", "t1", 1, 0.9, setting="2222222222222222")]
    other_label = [result("a", "t1", 1, 0.1, label=("adapters",))]
    rows = {row.model: row for row in build(same_label + other_label).rows}
    assert set(rows) == {"a [setting 11111111]", "a [setting 22222222]", "a (adapters)"}
    assert rows["a [setting 11111111]"].cells["t1"].mean == pytest.approx(55.0)
    assert rows["a [setting 11111111]"].cells["t1"].runs == 2
    assert rows["a [setting 22222222]"].cells["t1"].mean == pytest.approx(90.0)
    assert rows["a (adapters)"].cells["t1"].mean == pytest.approx(10.0)
    assert rows["a [setting 22222222]"].setting == "defaults [setting 22222222]"


def test_a_setting_and_seed_counts_once_the_latest():
    first = result("a", "t1", 1, 0.5, created="2026-01-01T00:00:00+00:00")
    again = result("a", "t1", 1, 0.7, created="2026-02-01T00:00:00+00:00")
    (row,) = build([again, first, result("a", "t1", 2, 0.6)]).rows
    assert row.cells["t1"].runs == 2 and row.cells["t1"].mean == pytest.approx(65.0)
    assert len(build([again, first]).runs) == 1


def test_the_folds_of_a_task_share_its_cell():
    folds = [result("a", "euadr", 1, 0.8, family="relation", fold="1"),
             result("a", "euadr", 1, 0.6, family="relation", fold="2")]
    (row,) = build(folds).rows
    assert row.model == "a" and row.cells["euadr"].runs == 2 and row.cells["euadr"].mean == pytest.approx(70.0)


def test_family_means_and_blurb_style_mean_against_a_plain_computation():
    scores = {("a", "n1"): [0.91, 0.89], ("a", "n2"): [0.70], ("a", "n3"): [0.80, 0.84, 0.79],
              ("a", "r1"): [0.50], ("a", "r2"): [0.35, 0.45], ("a", "s1"): [0.62],
              ("b", "n1"): [0.55], ("b", "n2"): [0.65], ("b", "n3"): [0.75], ("b", "r1"): [0.40],
              ("b", "r2"): [0.30], ("b", "s1"): [0.20, 0.22]}
    results = [result(model, task, seed, score, family=FAMILIES[task])
               for (model, task), values in scores.items() for seed, score in enumerate(values, start=1)]
    board = build(results)
    assert board.families == {"ner": ("n1", "n2", "n3"), "relation": ("r1", "r2"), "similarity": ("s1",)}
    for row in board.rows:
        task_means = {task: 100 * statistics.mean(scores[(row.model, task)]) for task in FAMILIES}
        families = {family: statistics.mean(mean for task, mean in task_means.items() if FAMILIES[task] == family)
                    for family in board.families}
        assert row.families == pytest.approx(families)
        assert row.mean == pytest.approx(statistics.mean(task_means.values()))
        assert row.blurb == pytest.approx(statistics.mean(families.values()))
        line = next(line for line in markdown(results).splitlines() if line.startswith(f"| `{row.model}`"))
        assert f"| {families['ner']:.2f} | {families['relation']:.2f} | {families['similarity']:.2f} | " \
               f"{row.mean:.2f} | {row.blurb:.2f} |" in line


def test_missing_cells_leave_out_the_means_they_belong_to():
    results = [result("a", task, 1, 0.5, family=FAMILIES[task]) for task in ("n1", "n2", "r1")]
    results += [result("b", task, 1, 0.6, family=FAMILIES[task]) for task in ("n1", "r1")]
    rows = {row.model: row for row in build(results).rows}
    assert rows["b"].cells["n2"].mean is None and rows["b"].cells["n2"].runs == 0
    assert rows["b"].families == {"ner": None, "relation": pytest.approx(60.0)}
    assert rows["b"].mean is None and rows["b"].blurb is None and rows["b"].partial
    assert rows["b"].mean_of_present == pytest.approx(60.0)
    assert not rows["a"].partial and rows["a"].mean == pytest.approx(50.0)
    line = next(line for line in markdown(results).splitlines() if line.startswith("| `b`"))
    assert line.startswith("| `b` | 60.00 (n=1) | – | 60.00 (n=1) | – | 60.00 | – | – |")
    assert "No results found" in markdown([])


def test_hardware_of_the_runs_and_mixed_where_they_differ():
    assert build([result("a", "t1", 1, 0.5)]).hardware == {
        "processor": "Test CPU", "threads": "2", "accelerator": "none"}
    mixed = build([result("a", "t1", 1, 0.5, threads=1), result("a", "t1", 2, 0.5, threads=12)]).hardware
    assert mixed["threads"] == "mixed (1, 12)" and mixed["processor"] == "Test CPU"
    unrecorded = result("a", "t1", 1, 0.5)
    del unrecorded["hardware"]
    assert build([unrecorded]).hardware["accelerator"] == "not recorded"


def _judged(model, task, seed, score, baseline, above, collapsed=False, references=()):
    judged = result(model, task, seed, score)
    judged["baseline"] = {"predictor": "every word O", "prediction": "O", "test": {"f1": baseline},
                          "p_value": 0.001 if above else 0.6, "p_value_method": "test", "above": above}
    judged["collapsed"] = collapsed
    judged["task"]["reference_scores"] = list(references)
    return judged


REFERENCE = {"model": "BioBERT", "metric": "f1", "score": 0.8971, "source": "paper", "split_matches": True,
             "metric_matches": True}


def test_baseline_and_reference_rows_and_cells_not_above_the_baseline():
    results = [_judged("a", "t1", 1, 0.80, 0.0, True, references=[REFERENCE]),
               _judged("a", "t1", 2, 0.02, 0.0, False, collapsed=True, references=[REFERENCE]),
               _judged("a", "t2", 1, 0.50, 0.40, False,
                       references=[REFERENCE | {"score": 0.7, "split_matches": False},
                                   REFERENCE | {"model": "other", "metric": "accuracy"}]),
               _judged("b", "t2", 1, 0.90, 0.40, True)]
    board = build(results)
    rows = {row.model: row for row in board.rows}
    assert (rows["a"].cells["t1"].below, rows["a"].cells["t1"].collapsed) == (1, 1)
    assert (rows["a"].cells["t2"].below, rows["b"].cells["t2"].below) == (1, 0)
    baseline, reference = board.guides
    assert (baseline.kind, reference.kind, reference.model) == ("baseline", "reference", "reference: BioBERT")
    assert baseline.cells["t1"].mean == pytest.approx(0.0) and baseline.cells["t2"].mean == pytest.approx(40.0)
    assert baseline.mean == pytest.approx(20.0)
    assert reference.cells["t1"].mean == pytest.approx(89.71) and not reference.cells["t1"].approximate
    assert reference.cells["t2"].mean == pytest.approx(70.0) and reference.cells["t2"].approximate
    text = markdown(results)
    assert "| `a` | 41.00 ± 55.15 †‡ (n=2) | 50.00 † (n=1) |" in text
    assert "| *trivial baseline* | 0.00 (n=2) | 40.00 (n=2) |" in text
    assert "| *reference: BioBERT* | 89.71 | 70.00 * |" in text and "other" not in text
    assert "† marks a cell" in text and "‡ marks" in text and "* where the published" in text
    assert not baseline.partial and all(row.kind == "model" for row in board.rows)


def test_results_without_baselines_give_no_baseline_row():
    board = build([result("a", "t1", 1, 0.5)])
    assert board.guides == () and "trivial baseline" not in markdown([result("a", "t1", 1, 0.5)])


def test_retention_of_distilled_rows_against_a_plain_computation():
    ratios = [0.931, 0.95, 0.902]
    results = []
    for seed, ratio in enumerate(ratios, start=1):
        student = result("student", "t1", seed, 0.8 * ratio, label=("distilled from teacher",))
        student["teacher"] = {"model": "teacher", "result": "x.json", "test": 0.8, "retention": ratio}
        results += [student, result("teacher", "t1", seed, 0.8)]
    board = build(results)
    rows = {row.model: row for row in board.rows}
    kept = rows["student (distilled from teacher)"].retention
    assert kept.mean == pytest.approx(100 * statistics.mean(ratios)) and kept.runs == 3
    assert kept.std == pytest.approx(100 * statistics.stdev(ratios))
    assert rows["teacher"].retention is None and board.distilled
    text = markdown(results)
    assert "retention %" in text.splitlines()[2]
    line = next(line for line in text.splitlines() if line.startswith("| `student"))
    assert f"{100 * statistics.mean(ratios):.2f} ± {100 * statistics.stdev(ratios):.2f} (n=3)" in line
    assert "retention %" not in markdown([result("teacher", "t1", 1, 0.8)])
