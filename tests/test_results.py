import json

import pytest

from biobench.files import write_atomic
from biobench.results import ResultStore, config_hash, read_results


def test_config_hash_is_stable_and_sensitive():
    identity = {"model": {"name": "m"}, "config": {"seed": 1, "lr": 5e-5}}
    assert config_hash(identity) == config_hash({"config": {"lr": 5e-5, "seed": 1}, "model": {"name": "m"}})
    assert config_hash(identity) != config_hash({**identity, "config": {"seed": 2, "lr": 5e-5}})


def test_write_atomic_leaves_nothing_half_written(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old")

    class Boom:
        def __str__(self):
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        write_atomic(target, "new" + str(Boom()))
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_store_marks_finished_runs_by_hash(tmp_path):
    store = ResultStore(tmp_path)
    path = store.path("org/model", "ncbi-disease", 3)
    assert path == tmp_path / "org__model" / "ncbi-disease" / "seed-3.json"
    assert not store.finished(path, "abc")
    store.write(path, {"schema_version": 1, "config_hash": "abc"}, [{"id": "1"}])
    assert store.finished(path, "abc") and not store.finished(path, "def")
    assert json.loads(path.with_suffix(".predictions.jsonl").read_text()) == {"id": "1"}
    assert read_results(tmp_path)[0]["predictions_file"] == "seed-3.predictions.jsonl"
