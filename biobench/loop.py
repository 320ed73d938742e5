"""The one fine-tune/evaluate loop, on transformers' Trainer, for every family.

plugin -> records -> features (family) -> Trainer (length-grouped batches,
dynamic padding, best epoch chosen on validation) -> test scored once, beside
the family's trivial baseline on the same test records.

The epoch is chosen on the whole validation split, or on a fixed random subset
of it (``max_eval_examples``, the same for every seed) where validation is large;
the test split is always scored in full.

Under ``torchrun`` or ``accelerate launch`` the Trainer trains data-parallel;
evaluation stays in dataset order, and accelerate's gathering drops the
duplicates that pad the last batch, so every example is scored exactly once.
"""

from __future__ import annotations

import contextlib
import random
import resource
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import torch

from biobench.baseline import BaselineInfo, trivial_baseline
from biobench.distillation.soft_labels import INDEX, SoftLabels, indexed_collator, teacher_outputs
from biobench.errors import BiobenchError, DataError
from biobench.families.base import Features
from biobench.feature_cache import cached_features, feature_key
from biobench.hardware import keep_freed_memory
from biobench.models.build import build_task_model, load_task_tokenizer
from biobench.models.cards import ModelCard
from biobench.models.loading import ParameterCounts, count_parameters
from biobench.plugin import Task
from biobench.progress import Progress, Silent
from biobench.setting import TrainingConfig, short_value
from biobench.tracking import Tracking
from biobench.trainer_progress import ProgressCallback

SPLITS = ("train", "validation", "test")


@dataclass
class Prepared:
    """A task's data made ready for one model: records per split, the label set, the tokenizer, the features."""

    records: dict[str, list[dict]]
    labels: list[str]
    tokenizer: object
    features: dict[str, Features]


@dataclass
class RunOutcome:
    labels: list[str]
    validation: dict
    test: dict
    predictions: list[dict]
    parameters: ParameterCounts
    timings: dict[str, float]
    throughput: dict[str, float]
    peak_memory_mb: float
    best_epoch: float | None
    baseline: BaselineInfo
    collapsed: bool  # the model's test predictions carry no information (``Family.collapsed``)
    train_outputs: list[dict] | None = None  # the kept model's outputs on the training features (``keep_outputs``)
    search: dict | None = None  # with a grid: every candidate's validation score and the one chosen


def prepare(task: Task, card: ModelCard, config: TrainingConfig, progress: Progress = Silent()) -> Prepared:
    """Read every split, fix the label set, tokenise (through the feature cache; the tokenizer holds the tokens
    the family adds, such as entity markers); train on the inputs the family trains on."""
    records = {split: task.records(split) for split in SPLITS}
    records["train"] = _subsample(records["train"], config.max_train_examples)
    records["validation"] = _subsample(records["validation"], config.max_eval_examples)
    labels = _label_names(task, records)
    tokenizer = load_task_tokenizer(card, task.family, [record for split in SPLITS for record in records[split]])
    features = {split: _featurize(task, records[split], tokenizer, config, labels, split, progress) for split in SPLITS}
    if hasattr(task.family, "training_features"):
        features["train"] = task.family.training_features(features["train"])
    return Prepared(records, labels, tokenizer, features)


def fine_tune_and_evaluate(
    task: Task, card: ModelCard, config: TrainingConfig, progress: Progress = Silent(), work_dir: Path | None = None,
    tracking: Tracking = Tracking(), soft_labels: SoftLabels | None = None, keep_outputs: bool = False,
) -> RunOutcome:
    """Fine-tune ``card`` on ``task`` and score the best epoch on the test split.

    Checkpoints go to ``work_dir`` (default: a temporary folder), which the caller cleans. ``soft_labels``:
    a teacher's outputs on the training features, learnt beside the hard labels; ``keep_outputs``: return
    the kept model's own (a teacher's soft labels for a student).
    """
    started = time.perf_counter()
    keep_freed_memory()
    data = prepare(task, card, config, progress)
    if soft_labels is not None:
        check_soft_labels(soft_labels, data.features["train"], card)
    with contextlib.nullcontext(work_dir) if work_dir else tempfile.TemporaryDirectory(prefix="biobench-") as folder:
        best, search = _train_best(task, card, config, data, Path(folder), progress, tracking, soft_labels)
        trainer, model, training, validation = best
        test, test_seconds, test_predictions = score(trainer, task, data, "test")
        train_outputs = None
        if keep_outputs:
            collator = task.family.collator(data.tokenizer)
            train_outputs = teacher_outputs(trainer.model, data.features["train"].inputs, collator, config.precision)
    optimisation = training - trainer.seconds["validation"] - trainer.seconds["checkpoint"]
    rows = task.family.prediction_rows(data.records["test"], test_predictions)
    return RunOutcome(
        labels=data.labels,
        validation=validation,
        test=test,
        predictions=rows,
        parameters=count_parameters(model),
        timings={
            "train_seconds": round(optimisation, 3),
            "validation_seconds": round(trainer.seconds["validation"], 3),
            "checkpoint_seconds": round(trainer.seconds["checkpoint"], 3),
            "test_seconds": round(test_seconds, 3),
            "total_seconds": round(time.perf_counter() - started, 3),
        },
        throughput={
            "train_examples_per_second": round(
                len(data.features["train"].inputs) * trainer.args.num_train_epochs / optimisation, 2),
            "test_examples_per_second": round(len(data.records["test"]) / test_seconds, 2),
        },
        peak_memory_mb=_peak_memory_mb(),
        best_epoch=_best_epoch(trainer),
        baseline=trivial_baseline(task.family, task.metric.main, data.records["train"], data.records["test"], rows,
                                  test),
        collapsed=task.family.collapsed(test_predictions),
        train_outputs=train_outputs,
        search=search,
    )


def _train_best(task, card, config, data, folder, progress, tracking, soft_labels):
    """Train at the configured learning rate and epochs, or at each pair of ``config.lr_grid`` x
    ``config.epochs_grid`` (each from the same seed), keeping the one whose kept epoch scores best on validation:
    ``(trainer, model, seconds, validation)`` of that one, and the search (``None`` without a grid)."""
    from transformers import set_seed

    main = task.metric.main
    higher = next(metric for metric in task.family.metrics if metric.name == main).higher_is_better
    searching = bool(config.lr_grid or config.epochs_grid)
    best, tried = None, []
    for lr, epochs in config.candidates:
        chosen = replace(config, lr=lr, epochs=epochs)
        set_seed(config.seed)
        model = build_task_model(card, task.family, data.labels, config.variant, data.tokenizer)
        where = folder / f"lr-{lr:g}-epochs-{epochs:g}" if searching else folder
        trainer = build_trainer(task, model, data, chosen, where, progress, tracking, soft_labels)
        clock = time.perf_counter()
        trainer.train()
        training = time.perf_counter() - clock
        validation = _kept_validation(trainer) or score(trainer, task, data, "validation")[0]
        tried.append({"lr": lr, "epochs": epochs, "validation": validation[main], "best_epoch": _best_epoch(trainer)})
        if best is None or (validation[main] > best[3][main] if higher else validation[main] < best[3][main]):
            best, kept = (trainer, model, training, validation), tried[-1]
    if not searching:
        return best, None
    search = {"metric": f"validation {main}", "grid": {name: list(values) for name, values in config.grid.items()},
              "candidates": tried, "chosen": {"lr": kept["lr"], "epochs": kept["epochs"]}}
    progress.note(f"{task.name}: lr {short_value(kept['lr'])}, {short_value(kept['epochs'])} epochs chosen on "
                  f"validation {main} from " + ", ".join(
                      f"{short_value(entry['lr'])} x {short_value(entry['epochs'])} ({entry['validation']:.4f})"
                      for entry in tried))
    return best, search


def check_soft_labels(soft_labels: SoftLabels, features: Features, card: ModelCard) -> None:
    """The teacher's outputs must be of the student's own training features (the same tokens)."""
    lengths = [sum(feature["attention_mask"]) for feature in features.inputs]
    first = soft_labels.outputs[0] if soft_labels.outputs else {}
    token_level = [name for name, output in first.items() if name != "logits" or output.dim() == 2]
    if len(soft_labels.outputs) != len(lengths) or any(
            [output[name].shape[0] for output in soft_labels.outputs] != lengths for name in token_level):
        raise BiobenchError(f"--teacher: the teacher's soft labels are of other training features than "
                            f"{card.name!r}'s (another tokenizer or max length): task distillation needs the same "
                            "tokens")


def _subsample(records: list[dict], limit: int | None) -> list[dict]:
    """A fixed random subset (the same for every seed), in the original order."""
    if not limit or limit >= len(records):
        return records
    keep = sorted(random.Random(0).sample(range(len(records)), limit))
    return [records[i] for i in keep]


def _label_names(task: Task, records: dict[str, list[dict]]) -> list[str]:
    try:
        return task.family.label_names([r for split in SPLITS for r in records[split]], task.spec.labels)
    except ValueError as error:
        raise DataError(task.yaml_path, str(error)) from None


def _featurize(task, records, tokenizer, config, labels, split, progress) -> Features:
    """The split's features, from the on-disk cache when the same inputs made them before."""
    key = feature_key(tokenizer, task, split, labels, config.max_length)
    subset = {"train": config.max_train_examples, "validation": config.max_eval_examples}.get(split)
    if subset:
        key += f"-subset{subset}"
    progress.start(f"tokenising {task.name}/{split}", None)
    features = cached_features(
        key,
        lambda: task.family.featurize(records, tokenizer, config.max_length, {k: i for i, k in enumerate(labels)}),
    )
    progress.finish()
    if hasattr(task.family, "feature_counts"):
        counts = task.family.feature_counts(records, features)
        progress.note(f"{task.name}/{split}: " + ", ".join(f"{count:,} {what}" for what, count in counts.items()))
    if split != "train":  # evaluation in length order wastes no padding; origins keep the mapping
        tokens = features.token_counts()
        order = sorted(range(len(features.inputs)), key=tokens.__getitem__)
        features = Features([features.inputs[i] for i in order], [features.origins[i] for i in order])
    return features


def build_trainer(task: Task, model, data: Prepared, config: TrainingConfig, work_dir: Path,
                  progress: Progress = Silent(), tracking: Tracking = Tracking(),
                  soft_labels: SoftLabels | None = None):
    """The Trainer of one run: validation scored every epoch, the best epoch kept; with ``soft_labels``, the
    teacher's outputs learnt beside the hard labels."""
    from datasets import Dataset
    from transformers import PrinterCallback, TrainingArguments

    family, main = task.family, task.metric.main
    metric = next(metric for metric in family.metrics if metric.name == main)
    validation_history: list[dict] = []  # every epoch's full validation scores, in order

    def compute_metrics(prediction):
        decoded = family.decode(prediction.predictions, data.features["validation"], data.records["validation"],
                                data.labels)
        validation_history.append(family.score(data.records["validation"], decoded))
        return {key: value for key, value in validation_history[-1].items() if isinstance(value, (int, float))}

    arguments = TrainingArguments(
        output_dir=str(work_dir),
        num_train_epochs=config.epochs,
        learning_rate=config.lr,
        per_device_train_batch_size=config.batch_size,
        per_device_eval_batch_size=max(32, config.batch_size),
        lr_scheduler_type=config.scheduler,
        warmup_steps=config.warmup_ratio,  # a float below 1 is a ratio of all steps
        weight_decay=config.weight_decay,
        seed=config.seed,
        data_seed=config.seed,
        bf16=config.precision == "bf16",
        fp16=config.precision == "fp16",
        use_cpu=not (torch.cuda.is_available() or torch.backends.mps.is_available()),
        train_sampling_strategy="group_by_length",
        eval_strategy="epoch",
        save_strategy="best",
        save_only_model=True,
        save_total_limit=1,
        load_best_model_at_end=True,
        metric_for_best_model=main,
        greater_is_better=metric.higher_is_better,
        logging_strategy="steps",
        logging_steps=25,
        **tracking.trainer_arguments(),
        disable_tqdm=True,
        dataloader_num_workers=0,
    )
    train = data.features["train"].inputs
    collator = family.collator(data.tokenizer)
    if soft_labels is not None:
        train = [feature | {INDEX: index} for index, feature in enumerate(train)]
        collator = indexed_collator(collator)
    trainer = _timed_ordered_trainer_class()(
        model=model,
        args=arguments,
        train_dataset=Dataset.from_list(train),
        eval_dataset=Dataset.from_list(data.features["validation"].inputs),
        data_collator=collator,
        compute_metrics=compute_metrics,
        preprocess_logits_for_metrics=lambda logits, _: family.reduce_logits(logits),
        callbacks=[ProgressCallback(progress, task.name, main), *tracking.trainer_callbacks()],
    )
    trainer.remove_callback(PrinterCallback)  # progress goes through ``progress`` only
    trainer.token_counts = data.features["train"].token_counts()
    trainer.validation_history = validation_history
    trainer.soft_labels = soft_labels
    return trainer


def _kept_validation(trainer) -> dict | None:
    """The validation scores of the epoch the trainer kept, as scored during training.

    Evaluation is deterministic, so scoring the kept model again would repeat
    one whole validation pass; ``None`` where no epoch was evaluated.
    """
    passes = [entry for entry in trainer.state.log_history if "eval_runtime" in entry]
    for entry, scores in zip(passes, trainer.validation_history):
        if entry["step"] == trainer.state.best_global_step:
            return scores
    return None


def _timed_ordered_trainer_class():
    from torch.utils.data import SequentialSampler
    from transformers import Trainer

    class TimedOrderedTrainer(Trainer):
        """Evaluates in dataset order (predictions must line up with feature origins, in every process),
        and times its validation passes and checkpoint saves apart from optimisation."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.seconds = {"validation": 0.0, "checkpoint": 0.0}
            self.soft_labels = None
            self.token_counts: list[int] = []

        def _set_signature_columns_if_needed(self):
            super()._set_signature_columns_if_needed()
            if INDEX not in self._signature_columns:
                self._signature_columns.append(INDEX)  # kept for the soft labels; the loss takes it out

        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            index = inputs.pop(INDEX, None)
            if self.soft_labels is None or index is None:
                return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
            outputs = model(**inputs)
            weight = self.soft_labels.weight
            loss = (1 - weight) * outputs.loss + weight * self.soft_labels.loss(outputs, inputs, index)
            return (loss, outputs) if return_outputs else loss

        def _get_train_sampler(self, train_dataset=None):
            """Batches grouped by tokens, not by ``len(input_ids)`` (a document's is its count of windows)."""
            dataset = train_dataset if train_dataset is not None else self.train_dataset
            if self.args.train_sampling_strategy != "group_by_length" or len(dataset) != len(self.token_counts):
                return super()._get_train_sampler(train_dataset)
            from transformers.trainer_pt_utils import LengthGroupedSampler

            size = self.args.train_batch_size * self.args.gradient_accumulation_steps
            return LengthGroupedSampler(size, lengths=self.token_counts)

        def _get_eval_sampler(self, eval_dataset):
            return SequentialSampler(eval_dataset)  # the stock one shuffles under group_by_length

        def evaluate(self, *args, **kwargs):
            clock = time.perf_counter()
            try:
                return super().evaluate(*args, **kwargs)
            finally:
                self.seconds["validation"] += time.perf_counter() - clock

        def _save_checkpoint(self, *args, **kwargs):
            clock = time.perf_counter()
            try:
                return super()._save_checkpoint(*args, **kwargs)
            finally:
                self.seconds["checkpoint"] += time.perf_counter() - clock

    return TimedOrderedTrainer


def score(trainer, task: Task, data: Prepared, split: str) -> tuple[dict, float, list]:
    """Predict ``split`` with the selected model, decode it onto records, score it; and the seconds it took."""
    from datasets import Dataset

    trainer.compute_metrics = None  # scored here, against this split's own records
    clock = time.perf_counter()
    output = trainer.predict(Dataset.from_list(data.features[split].inputs), metric_key_prefix=split)
    seconds = time.perf_counter() - clock
    decoded = task.family.decode(output.predictions, data.features[split], data.records[split], data.labels)
    return task.family.score(data.records[split], decoded), seconds, decoded


def _best_epoch(trainer) -> float | None:
    best = trainer.state.best_global_step
    for entry in trainer.state.log_history:
        if entry.get("step") == best and "epoch" in entry:
            return round(float(entry["epoch"]), 2)
    return None


def _peak_memory_mb() -> float:
    if torch.cuda.is_available():
        return round(torch.cuda.max_memory_allocated() / 2**20, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
