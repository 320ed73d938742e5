"""task.yaml validation: every problem names the file (and line) and what is wrong."""

import pytest
import yaml

from biobench.errors import DataError
from biobench.plugin import Task


def _edit(folder, change):
    path = folder / "task.yaml"
    spec = yaml.safe_load(path.read_text())
    change(spec)
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return folder


def test_real_plugin_loads_and_verifies(ncbi_slice):
    task = Task.load(ncbi_slice)
    task.verify()
    assert len(task.records("train")) == 48
    assert task.metric.main == "f1"


def test_unknown_key_names_the_line_and_suggests(ncbi_slice):
    _edit(ncbi_slice, lambda spec: spec.update(max_lenght=64))
    lines = (ncbi_slice / "task.yaml").read_text().splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if text.startswith("max_lenght"))
    with pytest.raises(DataError, match=rf"task.yaml:{line}: unknown key 'max_lenght'; did you mean 'max_length'"):
        Task.load(ncbi_slice)


def test_unknown_nested_key(ncbi_slice):
    _edit(ncbi_slice, lambda spec: spec["hyperparameters"].update(epoch=2))
    with pytest.raises(DataError, match=r"unknown key 'hyperparameters.epoch'; did you mean 'epochs'"):
        Task.load(ncbi_slice)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("family", "nerr", r"unknown family 'nerr'; did you mean 'ner'"),
    ("format", "conl", r"unknown format 'conl'; did you mean 'conll'"),
])
def test_unknown_family_or_format(ncbi_slice, field, value, message):
    _edit(ncbi_slice, lambda spec: spec.update({field: value}))
    with pytest.raises(DataError, match=message):
        Task.load(ncbi_slice)


def test_missing_file(ncbi_slice):
    (ncbi_slice / "data" / "test.tsv").unlink()
    with pytest.raises(DataError, match=r"file 'data/test.tsv' does not exist"):
        Task.load(ncbi_slice).verify()


def test_checksum_mismatch(ncbi_slice):
    with open(ncbi_slice / "data" / "train.tsv", "a") as handle:
        handle.write("extra\tO\n")
    with pytest.raises(DataError, match=r"train.tsv: sha256 mismatch"):
        Task.load(ncbi_slice).verify()


def test_paths_cannot_leave_the_plugin(ncbi_slice):
    def escape(spec):
        spec["splits"]["test"] = "../../outside.tsv"
        spec["sha256"]["../../outside.tsv"] = "0" * 64
    _edit(ncbi_slice, escape)
    (ncbi_slice.parent.parent / "outside.tsv").write_text("a\tO\n")
    with pytest.raises(DataError, match="leaves the plugin folder"):
        Task.load(ncbi_slice).verify()


def test_missing_checksum_for_a_split(ncbi_slice):
    _edit(ncbi_slice, lambda spec: spec["sha256"].pop("data/test.tsv"))
    with pytest.raises(DataError, match=r"no sha256 given for file 'data/test.tsv'"):
        Task.load(ncbi_slice)


def test_unknown_format_option(ncbi_slice):
    _edit(ncbi_slice, lambda spec: spec.update(format_options={"entity_typ": "X"}))
    with pytest.raises(DataError, match=r"unknown option of format conll 'entity_typ'; did you mean 'entity_type'"):
        Task.load(ncbi_slice)


def test_invalid_yaml(ncbi_slice):
    (ncbi_slice / "task.yaml").write_text("name: x\nsplits: [unclosed\n")
    with pytest.raises(DataError, match=r"task.yaml:\d+: invalid YAML"):
        Task.load(ncbi_slice)
