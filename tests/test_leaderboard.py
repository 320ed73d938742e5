import statistics

from biobench.leaderboard import markdown


def _result(model, task, seed, score):
    return {
        "model": {"name": model, "kind": "hf", "parameters": {"total": 22_700_000, "unique": 22_700_000, "trainable": 22_700_000}},
        "task": {"name": task, "metric": "f1"},
        "seed": seed,
        "metrics": {"test": {"f1": score}},
        "hyperparameters": {"precision": "fp32"},
        "timings": {"train_seconds": 100.0},
        "throughput": {"test_examples_per_second": 50.0},
    }


def test_mean_and_std_over_seeds():
    scores = [0.80, 0.82, 0.84]
    results = [_result("a", "ncbi-disease", seed, score) for seed, score in enumerate(scores, start=1)]
    results.append(_result("a", "species-800", 1, 0.70))
    table = markdown(results)
    expected = f"{100 * statistics.mean(scores):.2f} ± {100 * statistics.stdev(scores):.2f}"
    row = next(line for line in table.splitlines() if line.startswith("| `a`"))
    assert expected in row
    assert "| 70.00 |" in row
    assert "22.7M" in row and "1, 2, 3" in row


def test_missing_cells_and_no_results():
    table = markdown([_result("a", "t1", 1, 0.5), _result("b", "t2", 1, 0.6)])
    assert "–" in table
    assert "No results found" in markdown([])
