import statistics

from biobench.leaderboard import markdown


def _result(model, task, seed, score):
    return {
        "model": {"name": model, "kind": "hf",
                  "parameters": {"total": 22_700_000, "unique": 22_700_000, "trainable": 22_700_000}},
        "task": {"name": task, "metric": "f1"},
        "seed": seed,
        "setting": {"id": f"{model}/{task}", "label": [], "defaults": None},
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


def test_other_formats(tmp_path):
    import json as json_module

    from typer.testing import CliRunner

    from biobench.cli import app
    from biobench.leaderboard import render
    from biobench.results import ResultStore

    results = [_result("a", "ncbi-disease", 1, 0.8), _result("a", "ncbi-disease", 2, 0.9),
               _result("b", "ncbi-disease", 1, 0.7)]
    rows = json_module.loads(render(results, "json"))
    assert [row["model"] for row in rows] == ["a", "b"] and abs(rows[0]["ncbi-disease"] - 85.0) < 1e-9
    assert render(results, "csv").splitlines()[0].startswith("model,parameters,trainable")
    page = render(results, "html")
    assert "<table" in page and "<svg" in page and "sortBy" in page

    store = ResultStore(tmp_path / "results")
    for result in results:
        result["schema_version"], result["config_hash"] = 2, f"{result['setting']['id']}/{result['seed']}"
        store.write(store.path(result["model"]["name"], result["task"]["name"], result["seed"], "0" * 16), result, [])
    for suffix in ("html", "csv", "json", "md"):
        target = tmp_path / f"board.{suffix}"
        outcome = CliRunner().invoke(app, ["leaderboard", str(tmp_path / "results"), "-o", str(target)])
        assert outcome.exit_code == 0, outcome.output
        assert (tmp_path / f"board.{suffix}").read_text()
    bad = CliRunner().invoke(app, ["leaderboard", str(tmp_path / "results"), "--format", "pdf"])
    assert bad.exit_code == 2 and "unknown leaderboard format" in bad.output


def test_blurb_style_score_is_the_mean_of_family_means():
    results = []
    for task, family, score in [("n1", "ner", 0.9), ("n2", "ner", 0.7), ("n3", "ner", 0.8), ("r1", "relation", 0.5)]:
        result = _result("a", task, 1, score)
        result["task"]["family"] = family
        results.append(result)
    table = markdown(results)
    row = next(line for line in table.splitlines() if line.startswith("| `a`"))
    assert row.endswith("| 72.50 | 65.00 | 1 |")  # plain mean (90+70+80+50)/4; families (80 + 50)/2
    assert "BLURB-style" in table and "ner: n1, n2, n3; relation: r1" in table


def test_blurb_lite_suite_names_every_built_in_task():
    from biobench.catalog import task_folders
    from biobench.suites import get_suite

    assert set(get_suite("blurb-lite").tasks) == set(task_folders())
