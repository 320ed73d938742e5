"""Suites are YAML files: the built-in ones, a user's folder beside them, and the CLI that lists and runs them."""

import json

import pytest
from typer.testing import CliRunner

from biobench.catalog import task_folders
from biobench.cli import app
from biobench.errors import BiobenchError, UnknownNameError
from biobench.suites import get_suite, suites


def test_built_in_suites_name_real_tasks_and_models():
    from biobench.catalog import model_cards

    found = suites()
    assert {"quick", "ner", "blurb-lite"} <= set(found)
    for suite in found.values():
        assert set(suite.tasks) <= set(task_folders()) and set(suite.models) <= set(model_cards())


def test_a_user_suite_folder_adds_suites_and_refuses_a_second_quick(tmp_path):
    (tmp_path / "mine.yaml").write_text("name: mine\ndescription: two NER tasks\ntasks: [ncbi-disease, bc2gm]\n")
    assert get_suite("mine", [tmp_path]).tasks == ["ncbi-disease", "bc2gm"]
    with pytest.raises(UnknownNameError, match="did you mean 'quick'"):
        get_suite("quik")
    (tmp_path / "quick.yaml").write_text("name: quick\ndescription: again\ntasks: [bc2gm]\n")
    with pytest.raises(BiobenchError, match="suite 'quick' is defined twice"):
        suites([tmp_path])


def test_suites_list_as_json(tmp_path):
    result = CliRunner().invoke(app, ["suites", "list", "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert {row["suite"] for row in rows} >= {"quick", "ner", "blurb-lite"}


def test_piped_tables_are_never_cut(tmp_path):
    """CliRunner's output is not a terminal: one tab-separated line per task, names and descriptions whole."""
    result = CliRunner().invoke(app, ["tasks", "list"])
    lines = result.output.splitlines()
    assert lines[0].split("\t") == ["task", "family", "format", "version", "description"]
    assert "covid-qa\textractive-qa\tsquad-json" in result.output and all(line.count("\t") == 4 for line in lines)


def test_a_suites_teacher_must_be_one_of_its_models(tmp_path):
    (tmp_path / "s.yaml").write_text("name: s\ndescription: d\ntasks: [ncbi-disease]\nmodels: [a, b]\nteacher: c\n")
    with pytest.raises(BiobenchError, match="teacher 'c' is not one of the suite's models"):
        suites([tmp_path])
