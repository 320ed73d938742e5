"""Setting labels: the head ``auto`` picks is no difference (one model, one row), a head chosen otherwise is;
the epoch is chosen on a fixed validation subset where a task or the command line asks for one."""

import json

import pytest
import yaml

from biobench import loop
from biobench.benchmark import Overrides, plan
from biobench.catalog import load_task, model_cards
from biobench.errors import BiobenchError
from biobench.models.variant import Variant
from biobench.results import ResultStore, upgraded
from builders import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "results"


def _run(model="minilm-l6", task="biosses", head="auto", seed=1, **overrides):
    overrides = Overrides(variant=Variant(precision="fp32", head=head), **overrides)
    task = load_task(task, []) if isinstance(task, str) else task
    (planned,) = plan([model_cards()[model]], [task], [seed], overrides, ResultStore("unused"))
    return planned


def _label(planned):
    from biobench.setting import setting_label

    return setting_label(planned.config.as_dict(), planned.defaults)


@pytest.mark.parametrize(("model", "head", "label", "pooling"), [
    ("minilm-l6", "auto", [], "mean"),  # a sentence-transformers model pooled by the mean: its default head
    ("minilm-l6", "mean", [], "mean"),  # chosen, but what auto picks: the same setting
    ("minilm-l6", "cls", ["cls pooling"], "cls"),
    ("minialbert-minilm-l6", "auto", [], "cls"),
    ("minialbert-minilm-l6", "mean", ["mean pooling"], "mean"),
])
def test_only_a_head_other_than_the_default_is_named(model, head, label, pooling):
    planned = _run(model, head=head)
    assert planned.config.variant.head == pooling
    assert planned.defaults["pooling"] == {"minilm-l6": "mean", "minialbert-minilm-l6": "cls"}[model]
    assert _label(planned) == label
    assert planned.path.parent.name.split(".")[0] == ("_".join(label).replace(" ", "-") or "defaults")


def test_heads_stay_settings_of_their_own():
    auto, mean, cls = (_run(head=head) for head in ("auto", "mean", "cls"))
    assert auto.config_hash == mean.config_hash != cls.config_hash


def test_token_level_tasks_have_no_head_to_name():
    planned = _run(task="ncbi-disease")
    assert "pooling" not in planned.defaults and _label(planned) == []


def test_results_written_with_an_explicit_mean_head_keep_their_label():
    """Schema 1 (leaderboards/blurb-lite/smoke): made with --pooling mean, when [CLS] was every model's default."""
    smoke = ROOT / "leaderboards" / "blurb-lite" / "smoke" / "results"
    saved = json.loads((smoke / "minilm-l6+mean-pooling" / "biosses" / "seed-1.json").read_text())
    assert upgraded(saved)["setting"]["label"] == ["mean pooling", "1,000 train examples"]


@pytest.fixture
def subset_slice(ncbi_slice):
    spec = yaml.safe_load((ncbi_slice / "task.yaml").read_text())
    spec["validation_subset"] = 10
    (ncbi_slice / "task.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    return load_task(str(ncbi_slice))


def test_a_task_s_validation_subset_is_its_default_and_enters_the_hash(subset_slice, ncbi_slice):
    planned = _run(task=subset_slice)
    assert planned.config.max_eval_examples == 10 == planned.config.as_dict()["max_eval_examples"]
    assert _label(planned) == [] and planned.defaults["max_eval_examples"] == 10
    same = _run(task=subset_slice, max_eval_examples=10)
    assert same.config_hash == planned.config_hash
    other, whole = _run(task=subset_slice, max_eval_examples=20), _run(task=subset_slice, max_eval_examples=0)
    assert _label(other) == ["20 validation examples"] and _label(whole) == ["all validation examples"]
    assert "max_eval_examples" not in whole.config.as_dict()
    assert len({planned.config_hash, other.config_hash, whole.config_hash}) == 3


def test_max_eval_examples_on_a_task_without_a_subset(ncbi_slice):
    task = load_task(str(ncbi_slice))
    plain, subset = _run(task=task), _run(task=task, max_eval_examples=12)
    assert "max_eval_examples" not in plain.config.as_dict() and _label(plain) == []
    assert _label(subset) == ["12 validation examples"]
    assert subset.path.parent.name.startswith("12-validation-examples.")
    with pytest.raises(BiobenchError, match="--max-eval-examples -1"):
        Overrides(max_eval_examples=-1)


def test_the_validation_subset_is_fixed_across_seeds_and_the_test_split_whole(subset_slice, tiny_bert):
    from biobench.models.cards import resolve_model

    card = resolve_model(str(tiny_bert), {})
    prepared = [loop.prepare(subset_slice, card, _run(task=subset_slice, seed=seed).config) for seed in (1, 2)]
    ids = [[record["id"] for record in data.records["validation"]] for data in prepared]
    assert len(ids[0]) == 10 and ids[0] == ids[1]
    assert {origin[0] for origin in prepared[0].features["validation"].origins} == set(range(10))  # windows of 10
    assert len(prepared[0].records["test"]) == len(subset_slice.records("test")) == 48
