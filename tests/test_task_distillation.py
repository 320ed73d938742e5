"""Task distillation (``--teacher``): the soft-label loss against a plain computation, and a student run that
learns its teacher's kept outputs, records its retention and is a setting of its own."""

import json
import shutil
from types import SimpleNamespace

import pytest
import torch
from typer.testing import CliRunner

from biobench.cli import app
from biobench.distillation.soft_labels import SoftLabels, teacher_outputs


def _plain_kl(student, teacher, t):
    p = torch.softmax(teacher / t, -1)
    return float((p * (torch.log(p) - torch.log_softmax(student / t, -1))).sum(-1).mean() * t * t)


def test_token_level_soft_loss_against_a_plain_computation():
    torch.manual_seed(0)
    student = torch.randn(2, 5, 3)
    attention = torch.tensor([[1, 1, 1, 1, 0], [1, 1, 1, 1, 1]])
    labels = torch.tensor([[-100, 0, 2, -100, -100], [-100, 1, -100, 0, -100]])
    teachers = [{"logits": torch.randn(4, 3)}, {"logits": torch.randn(5, 3)}]  # real tokens only
    soft = SoftLabels(teachers, "softmax", temperature=2.0)
    loss = soft.loss(SimpleNamespace(logits=student), {"input_ids": attention, "attention_mask": attention,
                                                       "labels": labels}, torch.tensor([0, 1]))
    first = _plain_kl(student[0, [1, 2]], teachers[0]["logits"][[1, 2]], 2.0)
    second = _plain_kl(student[1, [1, 3]], teachers[1]["logits"][[1, 3]], 2.0)
    assert float(loss) == pytest.approx((first + second) / 2, rel=1e-5)


def test_sequence_regression_and_multilabel_soft_losses():
    torch.manual_seed(1)
    student, teacher = torch.randn(2, 4), torch.randn(2, 4)
    inputs = {"input_ids": torch.ones(2, 7, dtype=torch.long), "attention_mask": torch.ones(2, 7, dtype=torch.long)}
    outputs = [{"logits": row} for row in teacher]
    index = torch.tensor([1, 0])  # batch rows are features 1 and 0
    softmax = SoftLabels(outputs, "softmax", temperature=1.0).loss(SimpleNamespace(logits=student), inputs, index)
    plain = (_plain_kl(student[0:1], teacher[1:2], 1.0) + _plain_kl(student[1:2], teacher[0:1], 1.0)) / 2
    assert float(softmax) == pytest.approx(plain, rel=1e-5)
    regression = SoftLabels(outputs, "regression").loss(SimpleNamespace(logits=student), inputs, index)
    assert float(regression) == pytest.approx(float(((student - teacher[[1, 0]]) ** 2).mean()), rel=1e-5)
    sigmoid = SoftLabels(outputs, "sigmoid").loss(SimpleNamespace(logits=student), inputs, index)
    target = torch.sigmoid(teacher[[1, 0]])
    plain = -(target * torch.nn.functional.logsigmoid(student) + (1 - target) * torch.nn.functional.logsigmoid(
        -student)).mean()
    assert float(sigmoid) == pytest.approx(float(plain), rel=1e-5)


def test_teacher_outputs_keep_the_real_tokens_in_feature_order(tiny_bert):
    from transformers import AutoModelForTokenClassification, AutoTokenizer, DataCollatorForTokenClassification

    tokenizer = AutoTokenizer.from_pretrained(tiny_bert)
    model = AutoModelForTokenClassification.from_pretrained(tiny_bert, num_labels=3)
    inputs = [dict(tokenizer(text)) for text in ("cancer of the breast", "a", "the colon cancer risk")]
    kept = teacher_outputs(model, inputs, DataCollatorForTokenClassification(tokenizer), "fp32", batch_size=2)
    for feature, output in zip(inputs, kept):
        alone = model(input_ids=torch.tensor([feature["input_ids"]])).logits[0]
        assert output["logits"].shape == (len(feature["input_ids"]), 3)
        assert torch.allclose(output["logits"].float(), alone, atol=1e-2)


@pytest.fixture
def student(tiny_bert, tmp_path):
    """Another tiny BERT (one layer) with the teacher's tokenizer."""
    from transformers import BertConfig, BertForMaskedLM

    folder = tmp_path / "tiny-student"
    shutil.copytree(tiny_bert, folder)
    config = BertConfig.from_pretrained(folder)
    config.num_hidden_layers = 1
    torch.manual_seed(1)
    BertForMaskedLM(config).save_pretrained(folder)
    return folder


def test_a_student_learns_its_teachers_kept_soft_labels(tiny_bert, student, ncbi_slice, tmp_path):
    output = tmp_path / "results"
    command = ["run", "-m", str(student), "-t", str(ncbi_slice), "--teacher", str(tiny_bert), "--epochs", "1",
               "--precision", "fp32", "-o", str(output)]
    ran = CliRunner().invoke(app, command)
    assert ran.exit_code == 0, ran.output
    assert "keeps" in ran.output and "of its teacher's test f1" in ran.output
    results = {path.parts[-4]: json.loads(path.read_text()) for path in output.rglob("seed-1.json")}
    teacher, learnt = results[tiny_bert.name], results["tiny-student"]
    assert learnt["setting"]["label"] == [f"distilled from {tiny_bert.name}"]
    assert learnt["hyperparameters"]["teacher"]["setting"] == teacher["setting"]["id"]
    info = learnt["teacher"]
    assert info["test"] == teacher["metrics"]["test"]["f1"]
    assert (output / info["result"]).is_file()
    if info["test"]:
        assert info["retention"] == pytest.approx(learnt["metrics"]["test"]["f1"] / info["test"], abs=1e-4)
    (kept,) = (output / ".soft-labels").glob("*.pt")
    assert kept.stem == teacher["config_hash"]

    kept.unlink()  # a teacher finished earlier but without its soft labels is run again for them
    again = CliRunner().invoke(app, command + ["--temperature", "3"])
    assert again.exit_code == 0, again.output
    assert "finished earlier, skipped" in again.output and "running the teacher first" in again.output
    assert kept.is_file()
    labels = sorted(json.loads(path.read_text())["setting"]["label"] for path in output.rglob("seed-1.json"))
    assert labels == [[], [f"distilled from {tiny_bert.name}"], [f"distilled from {tiny_bert.name}", "temperature 3"]]


def test_teacher_without_soft_labels_or_other_model_is_refused(tiny_bert, tmp_path):
    from builders import TASKS

    refused = CliRunner().invoke(app, ["run", "-m", str(tiny_bert), "-t", str(TASKS / "bc5cdr-cid"), "--teacher",
                                       "minilm-l6", "-o", str(tmp_path / "r")])
    assert refused.exit_code == 2 and "offers no soft labels" in refused.output
    alone = CliRunner().invoke(app, ["run", "-m", str(tiny_bert), "-t", "ncbi-disease", "--teacher", str(tiny_bert),
                                     "-o", str(tmp_path / "r")])
    assert alone.exit_code == 2 and "no other model to distil into" in alone.output
    assert not (tmp_path / "r").exists()


def _searched(tiny_bert, ncbi_slice, output, *grids) -> tuple[dict, dict, str]:
    """A run with the given grid options: its result, its search and what it printed; the kept candidate is the
    one best on validation."""
    ran = CliRunner().invoke(app, ["run", "-m", str(tiny_bert), "-t", str(ncbi_slice), *grids, "--precision", "fp32",
                                   "-o", str(output)])
    assert ran.exit_code == 0, ran.output
    (path,) = output.rglob("seed-1.json")
    result = json.loads(path.read_text())
    search = result["hyperparameter_search"]
    best = max(search["candidates"], key=lambda candidate: candidate["validation"])  # first of equals
    assert search["chosen"] == {"lr": best["lr"], "epochs": best["epochs"]}
    assert result["metrics"]["validation"]["f1"] == best["validation"]
    return result, search, ran.output


def test_lr_grid_keeps_the_rate_best_on_validation_and_scores_only_it(tiny_bert, ncbi_slice, tmp_path):
    result, search, printed = _searched(tiny_bert, ncbi_slice, tmp_path / "r", "--lr-grid", "1e-5,3e-3",
                                        "--epochs", "2")
    assert [candidate["lr"] for candidate in search["candidates"]] == [1e-5, 3e-3]
    assert search["grid"] == {"lr": [1e-5, 3e-3], "epochs": [2.0]}
    assert "lr" not in result["hyperparameters"] and result["hyperparameters"]["lr_grid"] == [1e-5, 3e-3]
    assert result["setting"]["label"] == ["lr chosen from 1e-5, 3e-3", "epochs 2"]
    assert "chosen on validation f1" in printed


def test_epochs_grid_with_lr_grid_tries_every_pair(tiny_bert, ncbi_slice, tmp_path):
    result, search, _ = _searched(tiny_bert, ncbi_slice, tmp_path / "r", "--lr-grid", "1e-5,3e-3",
                                  "--epochs-grid", "1,2")
    pairs = [(candidate["lr"], candidate["epochs"]) for candidate in search["candidates"]]
    assert pairs == [(1e-5, 1.0), (1e-5, 2.0), (3e-3, 1.0), (3e-3, 2.0)]
    hyperparameters = result["hyperparameters"]
    assert "epochs" not in hyperparameters and hyperparameters["epochs_grid"] == [1.0, 2.0]
    assert result["setting"]["label"] == ["lr chosen from 1e-5, 3e-3", "epochs chosen from 1, 2"]


@pytest.mark.parametrize(("options", "message"), [
    (["--lr-grid", "1e-4"], "give two or more different rates"),
    (["--lr-grid", "1e-4,1e-4"], "give two or more different rates"),
    (["--lr-grid", "1e-4,-1"], "give two or more different rates"),
    (["--lr-grid", "1e-4,x"], "expected numbers separated by commas"),
    (["--lr-grid", "1e-4,2e-4", "--lr", "1e-4"], "give either --lr or --lr-grid"),
    (["--epochs-grid", "3"], "give two or more different epoch counts"),
    (["--epochs-grid", "2,0"], "give two or more different epoch counts"),
    (["--epochs-grid", "2,three"], "expected numbers separated by commas, e.g. 2,3,5"),
    (["--epochs-grid", "2,3", "--epochs", "2"], "give either --epochs or --epochs-grid"),
])
def test_bad_lr_grids_are_refused(options, message, tmp_path):
    refused = CliRunner().invoke(app, ["run", "-t", "ncbi-disease", "-o", str(tmp_path / "r"), *options])
    assert refused.exit_code == 2 and message in refused.output, refused.output
    assert not (tmp_path / "r").exists()


def test_the_teacher_runs_at_its_own_defaults_on_the_students_data(tiny_bert, student, ncbi_slice):
    from biobench.benchmark import Overrides, plan
    from biobench.catalog import load_task
    from biobench.models.cards import resolve_model
    from biobench.models.variant import Variant
    from biobench.results import ResultStore

    task = load_task(str(ncbi_slice))
    teacher, learner = resolve_model(str(tiny_bert), {}), resolve_model(str(student), {})
    overrides = Overrides(lr=3e-4, epochs=2, max_train_examples=20, teacher=teacher,
                          variant=Variant(tuning="adapters", precision="fp32"))
    first, second = plan([learner], [task], [1], overrides, ResultStore("unused"))
    assert (first.card.name, first.keep_outputs, second.teacher) == (tiny_bert.name, True, first)
    assert (first.config.lr, first.config.epochs) == (task.spec.hyperparameters.lr, task.spec.hyperparameters.epochs)
    assert first.config.max_train_examples == 20 and first.config.variant.tuning == "full"
    assert (second.config.lr, second.config.epochs, second.config.variant.tuning) == (3e-4, 2, "adapters")


def test_a_suites_teacher_distils_its_other_models(tiny_bert, student, ncbi_slice, tmp_path):
    suites = tmp_path / "suites"
    suites.mkdir()
    (suites / "pair.yaml").write_text(f"name: pair\ndescription: d\ntasks: ['{ncbi_slice}']\n"
                                      f"models: ['{tiny_bert}', '{student}']\nteacher: '{tiny_bert}'\n")
    output = tmp_path / "results"
    ran = CliRunner().invoke(app, ["run", "--suite", "pair", "--suites-dir", str(suites), "--epochs", "1",
                                   "--precision", "fp32", "-o", str(output)])
    assert ran.exit_code == 0, ran.output
    (learnt,) = (json.loads(path.read_text()) for path in output.glob("tiny-student/**/seed-1.json"))
    assert learnt["teacher"]["model"] == tiny_bert.name and "keeps" in ran.output
