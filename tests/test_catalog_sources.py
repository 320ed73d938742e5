"""Plugin sources that fail alone: a broken package (entry point) or plugin folder is
named in one warning line and left out; every other plugin is still found."""

import pytest
from typer.testing import CliRunner

from biobench import catalog
from biobench.cli import app
from biobench.formats.conll import read_conll
from biobench.registry import FORMATS
from builders import TASKS, first_sentences, write_plugin

runner = CliRunner()
GOOD = "IL\tB-Disease\n2\tO\n"


class FakeEntryPoint:
    """What ``importlib.metadata.entry_points`` yields, with a ``load`` of our choosing."""

    def __init__(self, name, load, value="plugin_pkg:tasks"):
        self.name, self.value, self._load = name, value, load

    def load(self):
        return self._load()


def _broken():
    raise ModuleNotFoundError("No module named 'plugin_pkg'")


@pytest.fixture
def entry_points(monkeypatch):
    """Install fake ``biobench.tasks`` entry points; formats they register are forgotten afterwards."""
    monkeypatch.setattr(FORMATS, "_entries", dict(FORMATS._entries))

    def install(*fakes):
        monkeypatch.setattr(catalog, "entry_points", lambda group: list(fakes) if group == "biobench.tasks" else [])
    return install


def _lines(text):
    return [line for line in text.splitlines() if line.strip()]


def test_a_broken_package_is_described_and_the_others_still_load(entry_points, ncbi_slice):
    entry_points(FakeEntryPoint("broken", _broken), FakeEntryPoint("good", lambda: str(ncbi_slice.parent)),
                 FakeEntryPoint("nowhere", lambda: "/no/such/folder"))
    found = catalog.entry_point_plugins()
    assert found.folders == [ncbi_slice.parent]
    assert found.problems[0] == ("entry point biobench.tasks 'broken' (plugin_pkg:tasks): failed to load: "
                                 "ModuleNotFoundError: No module named 'plugin_pkg'")
    assert "'nowhere'" in found.problems[1] and "no tasks folder at /no/such/folder" in found.problems[1]
    assert {"ncbi-disease", "ncbi-slice"} <= set(catalog.task_folders())


@pytest.mark.parametrize("command", [["tasks", "list"], ["tasks", "validate", "ncbi-slice"],
                                     ["tasks", "show", "ncbi-slice"]])
def test_task_commands_warn_in_one_line_and_go_on(entry_points, ncbi_slice, command):
    entry_points(FakeEntryPoint("broken", _broken), FakeEntryPoint("good", lambda: str(ncbi_slice.parent)))
    result = runner.invoke(app, command)
    assert result.exit_code == 0, result.output
    assert _lines(result.stderr) == ["warning: entry point biobench.tasks 'broken' (plugin_pkg:tasks): failed to load: "
                                     "ModuleNotFoundError: No module named 'plugin_pkg'; its tasks are left out"]
    assert "ncbi-slice" in result.stdout and "Traceback" not in result.output


def test_tasks_list_names_a_broken_plugin_and_lists_the_others(tmp_path):
    write_plugin(tmp_path / "plugins" / "good", "good", {"train": GOOD, "validation": GOOD, "test": GOOD})
    bad = write_plugin(tmp_path / "plugins" / "bad", "bad", {"train": GOOD, "validation": GOOD, "test": GOOD})
    (bad / "task.yaml").write_bytes((bad / "task.yaml").read_bytes().replace(b"test plugin", b"caf\xe9 plugin"))
    result = runner.invoke(app, ["tasks", "list", "--tasks-dir", str(tmp_path / "plugins")])
    assert result.exit_code == 0, result.output
    (warning,) = _lines(result.stderr)
    assert warning.startswith("warning: ") and "bad/task.yaml: not UTF-8 text: byte 0xe9 at line" in warning
    assert warning.endswith("; task bad left out")
    assert "good" in result.stdout and "ncbi-disease" in result.stdout


def read_words(path, entity_type: str = "Thing"):
    """A format a plugin package registers: CoNLL words of one entity type."""
    return read_conll(path, entity_type)


def test_tasks_new_knows_the_formats_of_plugin_packages(entry_points, tmp_path):
    def load():
        FORMATS.register("words", read_words)
        return []
    entry_points(FakeEntryPoint("words", load))
    source = tmp_path / "corpus.tsv"
    source.write_text(first_sentences(TASKS / "ncbi-disease" / "data" / "train.tsv", 20), encoding="utf-8")
    made = runner.invoke(app, ["tasks", "new", "mine", "--family", "ner", "--format", "words", "--train", str(source),
                               "--into", str(tmp_path)])
    assert made.exit_code == 0 and not made.stderr, made.output
    spec = (tmp_path / "mine" / "task.yaml").read_text()
    assert "format: words" in spec and "entity_type: Thing" in spec
