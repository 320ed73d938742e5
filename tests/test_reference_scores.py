"""Published reference scores in task.yaml: validated strictly, shown by `tasks show`, copied into results."""

import json

import pytest
import yaml
from typer.testing import CliRunner

from biobench.catalog import load_task, task_folders
from biobench.cli import app
from biobench.errors import DataError
from biobench.plugin import Task
from builders import result_file

REFERENCE = {"model": "BioBERT v1.1 (+PubMed)", "metric": "f1", "score": 0.8971, "source": "Lee et al. 2020, Table 6",
             "split_matches": True, "metric_matches": True, "note": "the same test abstracts"}


def _with_reference(folder, **changes):
    path = folder / "task.yaml"
    spec = yaml.safe_load(path.read_text())
    spec["reference_scores"] = [REFERENCE | changes]
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return folder


def test_a_reference_loads(ncbi_slice):
    (reference,) = Task.load(_with_reference(ncbi_slice)).spec.reference_scores
    assert reference.score == 0.8971 and reference.split_matches and reference.note == "the same test abstracts"


@pytest.mark.parametrize(("changes", "message"), [
    ({"scroe": 0.5}, r"unknown key 'reference_scores.0.scroe'; did you mean 'score'"),
    ({"score": 89.71}, r"reference_scores.0.score: Input should be less than or equal to 1"),
    ({"metric": "accuracy"}, r"reference_scores \(BioBERT v1.1 \(\+PubMed\)\): metric 'accuracy' is not computed"),
    ({"metric": "per_type"}, r"'per_type' is a breakdown"),
    ({"split_matches": "perhaps"}, r"reference_scores.0.split_matches: Input should be a valid boolean"),
])
def test_a_bad_reference_is_refused_when_the_task_loads(ncbi_slice, changes, message):
    with pytest.raises(DataError, match=message):
        Task.load(_with_reference(ncbi_slice, **changes))


def test_a_reference_needs_its_source_and_both_match_flags(ncbi_slice):
    path = _with_reference(ncbi_slice) / "task.yaml"
    spec = yaml.safe_load(path.read_text())
    del spec["reference_scores"][0]["metric_matches"]
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    with pytest.raises(DataError, match=r"missing required key 'reference_scores.0.metric_matches'"):
        Task.load(ncbi_slice)


def test_built_in_references_are_on_the_results_scale_and_say_whether_they_compare():
    references = {name: load_task(name, []).spec.reference_scores for name in task_folders([])}
    assert {name for name, found in references.items() if found} >= {"ncbi-disease", "bc5cdr-chem", "pubmedqa"}
    chemprot = references["chemprot"][0]
    assert not chemprot.split_matches and not chemprot.metric_matches  # SciBERT's copy: no negative class
    assert all(not reference.split_matches for name in ("gad", "euadr") for reference in references[name])
    assert all(0 < reference.score < 1 for found in references.values() for reference in found)


def test_tasks_show_lists_the_references():
    shown = CliRunner().invoke(app, ["tasks", "show", "ncbi-disease"])
    assert shown.exit_code == 0
    listed = yaml.safe_load(shown.output)["reference_scores"]
    assert [reference["model"] for reference in listed] == ["PubMedBERT (uncased, abstracts)", "BioBERT v1.1 (+PubMed)"]


def test_a_result_carries_its_task_s_references(tiny_bert, ncbi_slice, tmp_path):
    _with_reference(ncbi_slice)
    run = CliRunner().invoke(app, ["run", "--model", str(tiny_bert), "--task", str(ncbi_slice), "--output",
                                   str(tmp_path / "out"), "--precision", "fp32"])
    assert run.exit_code == 0, run.output
    result = json.loads(result_file(tmp_path / "out", tiny_bert.name, "ncbi-slice").read_text())
    assert result["task"]["reference_scores"] == [REFERENCE]
