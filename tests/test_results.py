import json
import os
import stat

import pytest

from biobench.files import write_atomic
from biobench.results import ResultStore, read_results
from biobench.setting import config_hash


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


def test_store_finds_finished_runs_by_hash_wherever_they_are(tmp_path):
    store = ResultStore(tmp_path)
    path = store.path("org/model", "ncbi-disease", 3, "0123456789abcdef", ["adapters", "2,000 train examples"])
    assert path == tmp_path / "org__model" / "ncbi-disease" / "adapters_2000-train-examples.01234567" / "seed-3.json"
    assert store.path("m", "t", 1, "fedcba9876543210", [], fold="2").parts[-4:] == ("t", "fold-2", "defaults.fedcba98",
                                                                                   "seed-1.json")
    assert not store.finished("abc")
    store.write(path, {"schema_version": 2, "config_hash": "abc", "setting": {"id": "x"}}, [{"id": "1"}])
    assert store.finished("abc") and not store.finished("def")
    assert ResultStore(tmp_path).finished("abc")  # a new store reads the folder
    assert json.loads(path.with_suffix(".predictions.jsonl").read_text()) == {"id": "1"}
    assert read_results(tmp_path)[0]["predictions_file"] == "seed-3.predictions.jsonl"


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_write_atomic_gives_the_mode_open_would(tmp_path, umask, mode):
    previous = os.umask(umask)
    try:
        write_atomic(tmp_path / "result.json", "{}")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "result.json").stat().st_mode) == mode


def test_write_atomic_reads_the_umask_where_proc_is_missing(tmp_path, monkeypatch):
    def no_proc(*args, **kwargs):
        raise OSError("no /proc")

    monkeypatch.setattr("biobench.files.open", no_proc, raising=False)
    previous = os.umask(0o027)
    try:
        write_atomic(tmp_path / "result.json", "{}")
        assert os.umask(0o027) == 0o027  # left as it was
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "result.json").stat().st_mode) == 0o640
