"""A distillation smoke run: losses fall, an interrupted run resumes to the same student, the CLI saves a
student that `biobench run` fine-tunes."""

import json

import pytest
import torch
from transformers import AutoTokenizer, BertForMaskedLM
from typer.testing import CliRunner

from biobench.cli import app
from biobench.distillation.student_init import student_config, student_from_teacher
from biobench.distillation.trainer import CHECKPOINT, DistillationSettings, Distiller, pack_passages
from biobench.errors import BiobenchError
from biobench.progress import Silent
from builders import TASKS, result_file


@pytest.fixture(scope="module")
def passages():
    blocks = (TASKS / "ncbi-disease" / "data" / "train.tsv").read_text(encoding="utf-8").split("\n\n")[:120]
    return [" ".join(line.split("\t")[0] for line in block.splitlines()) for block in blocks]


def _distiller(tiny_bert, passages, **settings):
    teacher = BertForMaskedLM.from_pretrained(tiny_bert, attn_implementation="eager").requires_grad_(False)
    tokenizer = AutoTokenizer.from_pretrained(tiny_bert)
    sequences = pack_passages(tokenizer, passages, 32)
    config = student_config(teacher.config, recursions=2, embedding_size=16, adapters=True, reduction_factor=4)
    student = student_from_teacher(config, teacher, 1, sequences[:4], seed=0)
    settings = DistillationSettings(**{"batch_size": 8, "sequence_length": 32, "lr": 3e-3, **settings})
    return Distiller(teacher, student, tokenizer, sequences, settings, output_term=True)


def test_packed_rows_are_full_except_the_last(tiny_bert, passages):
    tokenizer = AutoTokenizer.from_pretrained(tiny_bert)
    rows = pack_passages(tokenizer, passages, 32)
    assert (rows[:-1] != tokenizer.pad_token_id).all()
    assert (rows[:, 0] == tokenizer.cls_token_id).all()


def test_losses_fall(tiny_bert, passages, tmp_path):
    state = _distiller(tiny_bert, passages, steps=40, checkpoint_every=100).run(tmp_path)
    assert set(state.losses[0]) == {"total", "mlm", "attention", "hidden", "output"}
    for term in ("total", "hidden", "attention"):
        first, last = (sum(row[term] for row in rows) / 5 for rows in (state.losses[:5], state.losses[-5:]))
        assert last < 0.95 * first, term


def test_the_mlm_weight_scales_only_the_students_own_term(tiny_bert, passages):
    steps = {}
    for weight in (1.0, 0.0):
        distiller = _distiller(tiny_bert, passages, mlm_weight=weight)
        steps[weight] = distiller.train_step(0)
    for weight, losses in steps.items():
        teacher_terms = 3 * losses["attention"] + 3 * losses["hidden"] + 5 * losses["output"]
        assert losses["total"] == pytest.approx(teacher_terms + weight * losses["mlm"], rel=1e-5)
    assert steps[0.0]["mlm"] == pytest.approx(steps[1.0]["mlm"], rel=1e-5)  # the same first batch, still reported


class InterruptAfter(Silent):
    """Progress that stops the run (like Ctrl-C) after ``steps`` advances."""

    def __init__(self, steps: int):
        self.left = steps

    def advance(self, steps: int = 1, **fields: str) -> None:
        if fields:
            self.left -= steps
            if self.left < 0:
                raise KeyboardInterrupt


def test_resumed_run_equals_an_uninterrupted_run(tiny_bert, passages, tmp_path):
    whole = _distiller(tiny_bert, passages, steps=6, checkpoint_every=3)
    whole.run(tmp_path / "whole")
    interrupted = _distiller(tiny_bert, passages, steps=6, checkpoint_every=3)
    with pytest.raises(KeyboardInterrupt):
        interrupted.run(tmp_path / "resumed", InterruptAfter(4))
    resumed = _distiller(tiny_bert, passages, steps=6, checkpoint_every=3)
    resumed.load_checkpoint(tmp_path / "resumed" / CHECKPOINT)
    assert resumed.state.step == 3
    resumed.run(tmp_path / "resumed")
    assert resumed.state.losses == whole.state.losses
    for (name, a), b in zip(whole.student.state_dict().items(), resumed.student.state_dict().values()):
        assert torch.equal(a, b), name


def test_resume_with_other_settings_is_refused(tiny_bert, passages, tmp_path):
    _distiller(tiny_bert, passages, steps=2, checkpoint_every=2).run(tmp_path)
    with pytest.raises(BiobenchError, match="different settings \\(lr\\)"):
        _distiller(tiny_bert, passages, steps=2, checkpoint_every=2, lr=1e-4).load_checkpoint(tmp_path / CHECKPOINT)


def test_cli_distills_a_student_that_biobench_run_fine_tunes(tiny_bert, passages, ncbi_slice, tmp_path):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(passages), encoding="utf-8")
    student = tmp_path / "student"
    command = ["distill", "--teacher", str(tiny_bert), "--corpus", str(corpus), "-o", str(student),
               "--recursions", "2", "--embedding-size", "16", "--reduction-factor", "4", "--steps", "4",
               "--batch-size", "4", "--sequence-length", "32", "--checkpoint-every", "2"]
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 0, result.output
    card = json.loads((student / "biobench_card.json").read_text())
    assert card["run"]["steps_done"] == 4 and card["teacher"]["masked_lm_head"] is True
    assert card["corpus"]["sources"] == [str(corpus)]
    again = CliRunner().invoke(app, command)
    assert again.exit_code == 2 and "pass --resume" in again.output
    assert CliRunner().invoke(app, [*command, "--resume"]).exit_code == 0
    run = CliRunner().invoke(app, ["run", "--model", str(student), "--task", "ncbi-slice", "--tasks-dir",
                                   str(ncbi_slice.parent), "--output", str(tmp_path / "out"), "--precision", "fp32"])
    assert run.exit_code == 0, run.output
    saved = json.loads(result_file(tmp_path / "out", "student", "ncbi-slice").read_text())
    assert saved["model"]["kind"] == "minialbert"
