"""YAML specs (task.yaml, model cards): UTF-8 only, and no key given twice, each refused
with the file and line."""

import pytest

from biobench.errors import DataError
from biobench.plugin import Task
from biobench.yaml_spec import UniqueKeyLoader


def _append(folder, text: str) -> int:
    """Append ``text`` to the plugin's task.yaml; return the line number of its first line."""
    path = folder / "task.yaml"
    before = path.read_text(encoding="utf-8")
    path.write_text(before + text, encoding="utf-8")
    return before.count("\n") + 1


def test_a_second_top_level_block_is_refused_at_its_line(ncbi_slice):
    first = next(i for i, line in enumerate((ncbi_slice / "task.yaml").read_text().splitlines(), 1)
                 if line.startswith("hyperparameters:"))
    line = _append(ncbi_slice, "hyperparameters:\n  epochs: 9\n")
    message = rf"task.yaml:{line}: duplicate key 'hyperparameters' \(first given on line {first};"
    with pytest.raises(DataError, match=message):
        Task.load(ncbi_slice)


def test_a_nested_duplicate_is_refused(ncbi_slice):
    line = _append(ncbi_slice, "format_options:\n  entity_type: Disease\n  entity_type: Chemical\n")
    with pytest.raises(DataError, match=rf"task.yaml:{line + 2}: duplicate key 'entity_type'"):
        Task.load(ncbi_slice)


def test_merge_keys_may_still_be_overridden():
    import yaml

    text = "base: &b {epochs: 1, lr: 0.1}\nhyper:\n  <<: *b\n  epochs: 3\n"
    assert yaml.load(text, Loader=UniqueKeyLoader)["hyper"] == {"epochs": 3, "lr": 0.1}


def test_a_task_yaml_that_is_not_utf8(ncbi_slice):
    path = ncbi_slice / "task.yaml"
    path.write_bytes(path.read_bytes().replace(b"description: test plugin", b"description: caf\xe9 plugin"))
    with pytest.raises(DataError, match=r"task.yaml: not UTF-8 text: byte 0xe9 at line \d+, column 17"):
        Task.load(ncbi_slice)


def test_a_task_yaml_with_a_bom_loads(ncbi_slice):
    path = ncbi_slice / "task.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert Task.load(ncbi_slice).name == "ncbi-slice"
