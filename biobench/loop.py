"""The one fine-tune/evaluate loop, on transformers' Trainer, for every family.

plugin -> records -> features (family) -> Trainer (length-grouped batches,
dynamic padding, best epoch chosen on validation) -> test scored once.
"""

from __future__ import annotations

import random
import resource
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from biobench.backbones import ParameterCounts, count_parameters, load_model, load_tokenizer
from biobench.errors import DataError
from biobench.families.base import Features
from biobench.feature_cache import cached_features, feature_key
from biobench.mean_pooling import MeanPooledClassifier
from biobench.model_cards import ModelCard
from biobench.plugin import Task
from biobench.progress import Progress, Silent
from biobench.tuning import apply_tuning
from biobench.trainer_progress import ProgressCallback

SPLITS = ("train", "validation", "test")


@dataclass(frozen=True)
class TrainingConfig:
    """Everything that shapes one fine-tuning run besides the model and task."""

    seed: int
    epochs: float
    lr: float
    batch_size: int
    max_length: int
    scheduler: str = "linear"
    warmup_ratio: float = 0.0
    weight_decay: float = 0.0
    max_train_examples: int | None = None
    precision: str = "fp32"  # fp32 | bf16 (autocast)
    tuning: str = "full"  # full | adapters | lora (see biobench.tuning)
    recursions: int | None = None  # MiniALBERT: run only the first k recursions
    pooling: str | None = None  # sentence-level families: "mean" replaces the [CLS] head

    def as_dict(self) -> dict:
        """The fields; ``pooling`` only when set, so results from before it existed keep their hash."""
        fields = asdict(self)
        if fields["pooling"] is None:
            del fields["pooling"]
        return fields


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


def fine_tune_and_evaluate(
    task: Task, card: ModelCard, config: TrainingConfig, progress: Progress = Silent()
) -> RunOutcome:
    """Fine-tune ``card`` on ``task`` and score the best epoch on the test split."""
    from transformers import set_seed

    started = time.perf_counter()
    family = task.family
    records = {split: task.records(split) for split in SPLITS}
    records["train"] = _subsample(records["train"], config.max_train_examples)
    labels = _label_names(task, records)
    tokenizer = load_tokenizer(card)
    features = {split: _featurize(task, records[split], tokenizer, config, labels, split, progress) for split in SPLITS}

    set_seed(config.seed)
    model = apply_tuning(_task_model(card, family, labels, config), config.tuning, card.kind)
    with tempfile.TemporaryDirectory(prefix="biobench-") as work_dir:
        trainer = _trainer(task, model, tokenizer, features, records, labels, config, Path(work_dir), progress)
        clock = time.perf_counter()
        trainer.train()
        train_seconds = time.perf_counter() - clock
        validation, validation_seconds = _kept_validation(trainer) or _score(
            trainer, task, features, records, labels, "validation", progress
        )[:2]
        test, test_seconds, test_predictions = _score(trainer, task, features, records, labels, "test", progress)
    return RunOutcome(
        labels=labels,
        validation=validation,
        test=test,
        predictions=family.prediction_rows(records["test"], test_predictions),
        parameters=count_parameters(model),
        timings={
            "train_seconds": round(train_seconds, 2),
            "validation_seconds": round(validation_seconds, 2),
            "test_seconds": round(test_seconds, 2),
            "total_seconds": round(time.perf_counter() - started, 2),
        },
        throughput={
            "train_examples_per_second": round(len(features["train"].inputs) * config.epochs / train_seconds, 2),
            "test_examples_per_second": round(len(records["test"]) / test_seconds, 2),
        },
        peak_memory_mb=_peak_memory_mb(),
        best_epoch=_best_epoch(trainer),
    )


def _task_model(card: ModelCard, family, labels: list[str], config: TrainingConfig):
    """The card's encoder under a fresh head for ``family``: its own, or a mean-pooled one."""
    depth = {"recursions": config.recursions} if config.recursions else {}
    if config.pooling == "mean":
        return MeanPooledClassifier(load_model(card, "AutoModel", depth), family.head_options(labels))
    return load_model(card, family.auto_class, family.head_options(labels) | depth)


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
    if config.max_train_examples and split == "train":
        key += f"-subset{config.max_train_examples}"
    progress.start(f"tokenising {task.name}/{split}", None)
    features = cached_features(
        key, lambda: task.family.featurize(records, tokenizer, config.max_length, {l: i for i, l in enumerate(labels)})
    )
    progress.finish()
    if split != "train":  # evaluation in length order wastes no padding; origins keep the mapping
        order = sorted(range(len(features.inputs)), key=lambda i: len(features.inputs[i]["input_ids"]))
        features = Features([features.inputs[i] for i in order], [features.origins[i] for i in order])
    return features


def _trainer(task, model, tokenizer, features, records, labels, config, work_dir, progress):
    from datasets import Dataset
    from transformers import PrinterCallback, TrainingArguments

    family, main = task.family, task.metric.main

    validation_history: list[dict] = []  # every epoch's full validation scores, in order

    def compute_metrics(prediction):
        decoded = family.decode(prediction.predictions, features["validation"], records["validation"], labels)
        validation_history.append(family.score(records["validation"], decoded))
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
        use_cpu=not torch.cuda.is_available(),
        train_sampling_strategy="group_by_length",
        eval_strategy="epoch",
        save_strategy="best",
        save_only_model=True,
        save_total_limit=1,
        load_best_model_at_end=True,
        metric_for_best_model=main,
        greater_is_better=True,
        logging_strategy="steps",
        logging_steps=25,
        report_to="none",
        disable_tqdm=True,
        dataloader_num_workers=0,
    )
    trainer = _ordered_eval_trainer_class()(
        model=model,
        args=arguments,
        train_dataset=Dataset.from_list(features["train"].inputs),
        eval_dataset=Dataset.from_list(features["validation"].inputs),
        data_collator=family.collator(tokenizer),
        compute_metrics=compute_metrics,
        preprocess_logits_for_metrics=lambda logits, _: family.reduce_logits(logits),
        callbacks=[ProgressCallback(progress, task.name, main)],
    )
    trainer.remove_callback(PrinterCallback)  # progress goes through ``progress`` only
    trainer.validation_history = validation_history
    return trainer


def _kept_validation(trainer) -> tuple[dict, float] | None:
    """The validation scores and pass time of the epoch the trainer kept, as scored during training.

    Evaluation is deterministic, so scoring the kept model again would repeat
    one whole validation pass; ``None`` where no epoch was evaluated.
    """
    passes = [entry for entry in trainer.state.log_history if "eval_runtime" in entry]
    for entry, scores in zip(passes, trainer.validation_history):
        if entry["step"] == trainer.state.best_global_step:
            return scores, entry["eval_runtime"]
    return None


def _ordered_eval_trainer_class():
    from torch.utils.data import SequentialSampler
    from transformers import Trainer

    class OrderedEvalTrainer(Trainer):
        """Evaluates in dataset order: predictions must line up with feature origins.

        (With ``group_by_length`` the stock Trainer also shuffles evaluation batches.)
        """

        def _get_eval_sampler(self, eval_dataset):
            if self.args.world_size > 1:
                return super()._get_eval_sampler(eval_dataset)
            return SequentialSampler(eval_dataset)

    return OrderedEvalTrainer


def _score(trainer, task, features, records, labels, split, progress):
    """Predict ``split`` with the selected model, decode it onto records, score it."""
    from datasets import Dataset

    trainer.compute_metrics = None  # scored here, against this split's own records
    clock = time.perf_counter()
    output = trainer.predict(Dataset.from_list(features[split].inputs), metric_key_prefix=split)
    seconds = time.perf_counter() - clock
    decoded = task.family.decode(output.predictions, features[split], records[split], labels)
    return task.family.score(records[split], decoded), seconds, decoded


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

