"""Training curves reach an experiment tracker: TensorBoard event files, offline, for a run and a distillation."""

import pytest
from typer.testing import CliRunner

from biobench.cli import app
from biobench.errors import BiobenchError
from biobench.tracking import Tracking


def _scalars(folder):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(folder))
    events.Reload()
    return events.Tags()["scalars"]


def test_a_run_writes_tensorboard_events_that_outlive_its_work_folder(tiny_bert, ncbi_slice, tmp_path):
    result = CliRunner().invoke(app, [
        "run", "--model", str(tiny_bert), "--task", "ncbi-slice", "--tasks-dir", str(ncbi_slice.parent),
        "--output", str(tmp_path / "out"), "--precision", "fp32", "--epochs", "2", "--report-to", "tensorboard",
        "--run-name", "trial"])
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "out" / "tensorboard").iterdir()
    assert folder.name.startswith("trial-tiny-bert") and folder.name.endswith("seed1")
    tags = _scalars(folder)
    assert any(tag.startswith("train/") for tag in tags) and "eval/f1" in tags


def test_distillation_logs_its_loss_terms(tiny_bert, tmp_path):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(["the disease of the gene in the patient"] * 40), encoding="utf-8")
    result = CliRunner().invoke(app, [
        "distill", "--teacher", str(tiny_bert), "--corpus", str(corpus), "--output", str(tmp_path / "students" / "s"),
        "--recursions", "2", "--embedding-size", "16", "--steps", "3", "--batch-size", "2", "--sequence-length", "16",
        "--report-to", "tensorboard"])
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "students" / "tensorboard").iterdir()
    assert {"distill/total", "distill/hidden", "distill/attention"} <= set(_scalars(folder))


def test_an_unknown_or_missing_tracker_is_refused():
    with pytest.raises(BiobenchError, match="--report-to 'comet'"):
        Tracking("comet")
