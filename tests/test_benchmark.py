"""The run matrix through the Python API: shards, stable hashes, settings side by side, bad settings refused."""

import json

import pytest
import torch

from biobench.benchmark import Overrides, plan
from biobench.catalog import load_task, model_cards
from biobench.errors import BiobenchError
from biobench.plugin import Task
from biobench.families.ner import NER
from biobench.models.build import build_task_model
from biobench.models.cards import ModelCard, resolve_model
from biobench.models.variant import Variant
from biobench.registry import MODEL_KINDS
from biobench.results import ResultStore
from builders import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "results"


def _plan(cards, tasks, seeds=(1,), store=None, **overrides):
    overrides.setdefault("variant", Variant(precision="fp32"))
    return plan(cards, tasks, list(seeds), Overrides(**overrides), store or ResultStore("unused"))


@pytest.fixture
def tiny(tiny_bert):
    return resolve_model(str(tiny_bert), {})


def test_shards_split_the_matrix_without_overlap(tiny, ncbi_slice):
    task = load_task(str(ncbi_slice))
    everything = _plan([tiny], [task], seeds=range(1, 8))
    overrides = Overrides(variant=Variant(precision="fp32"))
    shards = [plan([tiny], [task], list(range(1, 8)), overrides, ResultStore("unused"), (i, 3)) for i in range(3)]
    assert sorted(run.config_hash for shard in shards for run in shard) == sorted(run.config_hash for run in everything)
    assert len(everything) == 7 == len({run.config_hash for run in everything})


@pytest.mark.parametrize(("fixture", "overrides"), [
    ("minilm-l6-biosses-cls-schema1.json",
     {"epochs": 20, "batch_size": 8, "max_length": 256, "max_train_examples": 1000,
      "variant": Variant(head="cls", precision="fp32"), "task_defaults": {"warmup_ratio": 0.0}}),
    ("minilm-l6-ncbi-adapters-schema1.json",
     {"max_train_examples": 2000, "epochs": 3,  # the task's default then
      "variant": Variant(tuning="adapters", precision="fp32")}),
])
def test_results_written_before_settings_keep_their_hash(fixture, overrides):
    """The same setting gives the same hash (the task's defaults then, where they have changed since)."""
    saved = json.loads((FIXTURES / fixture).read_text())
    task = load_task(saved["task"]["name"])
    overrides = dict(overrides)
    if then := overrides.pop("task_defaults", None):
        spec = task.spec.model_copy(update={"hyperparameters": task.spec.hyperparameters.model_copy(update=then)})
        task = Task(spec, task.folder, task.fold)
    (run,) = _plan([model_cards()["minilm-l6"]], [task], seeds=[saved["seed"]], **overrides)
    assert run.config_hash == saved["config_hash"]


def test_settings_live_side_by_side_and_seeds_share_a_folder(tiny, ncbi_slice):
    task = load_task(str(ncbi_slice))
    full = _plan([tiny], [task], seeds=[1, 2])
    budget = _plan([tiny], [task], max_train_examples=10, lr=2e-3)
    adapters = _plan([tiny], [task], variant=Variant(tuning="adapters", precision="fp32"))
    lora = _plan([tiny], [task], variant=Variant(tuning="lora", precision="fp32"))
    assert full[0].path.parent == full[1].path.parent
    folders = {run.path.parent for run in (full[0], budget[0], adapters[0], lora[0])}
    assert len(folders) == 4
    assert budget[0].path.parent.name.startswith("10-train-examples_lr-2e-3.")
    assert adapters[0].path.parent.name.startswith("adapters.") and adapters[0].config.lr == 1e-3


def test_auto_precision_is_recorded_as_what_runs(tiny, ncbi_slice):
    from biobench.hardware import resolve_precision

    (run,) = _plan([tiny], [load_task(str(ncbi_slice))], variant=Variant())
    assert run.config.as_dict()["precision"] == resolve_precision("auto") != "auto"


@pytest.mark.parametrize(("make", "message"), [
    (lambda: Variant(tuning="prefix"), "--tuning 'prefix'"),
    (lambda: Variant(head="max"), "--pooling 'max'"),
    (lambda: Variant(precision="fp8"), "--precision 'fp8'"),
    (lambda: Variant(recursions=0), "--recursions 0"),
    (lambda: Overrides(epochs=0), "--epochs 0"),
    (lambda: Overrides(epochs=-1), "--epochs -1"),
    (lambda: Overrides(lr=-1.0), "--lr -1.0"),
    (lambda: Overrides(batch_size=0), "--batch-size 0"),
    (lambda: Overrides(max_length=0), "--max-length 0"),
])
def test_impossible_settings_are_refused_through_the_api(make, message):
    with pytest.raises(BiobenchError, match=message.replace("(", r"\(")):
        make()


def test_plan_refuses_what_the_model_or_tasks_cannot_do(tiny, ncbi_slice):
    task = load_task(str(ncbi_slice))
    with pytest.raises(BiobenchError, match="models with recursions"):
        _plan([tiny], [task], variant=Variant(recursions=2))
    with pytest.raises(BiobenchError, match="none of the selected tasks is sentence-level"):
        _plan([tiny], [task], variant=Variant(head="mean"))
    with pytest.raises(BiobenchError, match="--seed -3"):
        _plan([tiny], [task], seeds=[-3])


class _TinyKind:
    """A model kind added by a plugin: one class and one register line, nothing else of biobench touched."""

    has_depth = False

    def load_task_model(self, card, auto_class, head_options, recursions=None):
        import transformers

        return getattr(transformers, auto_class).from_pretrained(card.location(), **head_options)

    def load_encoder(self, card, recursions=None):
        return self.load_task_model(card, "AutoModel", {}).eval()

    def prepare_adapter_tuning(self, model):
        raise BiobenchError("no adapters for this kind")

    def declared_pooling(self, card):
        return "cls"

    def claims(self, config):
        return config.get("model_type") == "tiny-kind"

    def claims_hub_id(self, hub_id):
        return False


def test_a_new_model_kind_is_one_class_and_one_register_line(tiny_bert):
    MODEL_KINDS.register("tiny-kind", _TinyKind())
    try:
        card = ModelCard(name="tiny", kind="tiny-kind", source=str(tiny_bert))
        model = build_task_model(card, NER, ["O", "B-Disease", "I-Disease"], Variant(head=None, precision="fp32"))
        logits = model(input_ids=torch.tensor([[2, 7, 3]])).logits
        assert logits.shape == (1, 3, 3)
        with pytest.raises(BiobenchError, match="no adapters"):
            build_task_model(card, NER, ["O"], Variant(tuning="adapters", head=None, precision="fp32"))
    finally:
        MODEL_KINDS._entries.pop("tiny-kind")
    with pytest.raises(ValueError, match="unknown model kind"):
        ModelCard(name="tiny", kind="tiny-kind", source=str(tiny_bert))


def test_a_cards_recommended_fine_tuning_is_the_models_default(tiny, ncbi_slice):
    from biobench.models.cards import FineTuning

    task = load_task(str(ncbi_slice))
    tuned = tiny.model_copy(update={"fine_tuning": FineTuning(lr=5e-4, warmup_ratio=0.1, chosen="on validation")})
    (run,) = _plan([tuned], [task])
    assert (run.config.lr, run.config.warmup_ratio, run.config.epochs) == (5e-4, 0.1, task.spec.hyperparameters.epochs)
    assert run.path.parent.name.startswith("defaults.")  # the model's defaults: no label
    (plain,) = _plan([tiny], [task])
    assert plain.config.lr == task.spec.hyperparameters.lr and plain.config_hash != run.config_hash
    (chosen,) = _plan([tuned], [task], lr=1e-4)
    assert chosen.config.lr == 1e-4 and chosen.path.parent.name.startswith("lr-1e-4.")
    (adapters,) = _plan([tuned], [task], variant=Variant(tuning="adapters", precision="fp32"))
    assert adapters.config.lr == 1e-3 and adapters.config.warmup_ratio == 0.1
