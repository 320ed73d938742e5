"""What every family provides to the one fine-tune/evaluate loop: the contract for adding a family.

A family is an object registered in ``biobench.registry.FAMILIES`` that
satisfies ``Family`` below. The data path through it:

    records (its ``record_type``) -> featurize -> Trainer (its head, its collator)
    -> reduce_logits -> decode -> score / prediction_rows -> paired_statistics (compare)

and beside every score, the family's trivial predictor (``trivial_predictions``)
fitted on the training split, and whether the model's answers ``collapsed``.

Optional, where a family needs them: ``special_tokens(records)`` (tokens the model
wing adds to the tokenizer and the embeddings before featurize, e.g. entity
markers), ``training_features(features)`` (the inputs trained on, e.g. fewer
answerless QA windows; evaluation keeps all), ``feature_counts(records, features)``
(figures a run notes per split), ``head_class`` (its own head, a name in
``models.heads.HEAD_CLASSES``), and options a task sets in ``family_options``:
a family that takes options is a frozen dataclass whose fields they are
(``with_options``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

# Batches are padded to a multiple of this many tokens. On a CPU, oneDNN compiles a kernel per matmul shape and
# keeps 1,024: length-grouped batches of every length overflow it and recompile all epoch long. Multiples of 8
# leave 16 widths up to 128: for 1.10x the tokens, the MiniALBERT student's step is 1.26x faster and MiniLM-L6's
# unchanged (benchmarks/training_step.py).
PAD_MULTIPLE = 8


class MetricSpec(BaseModel):
    """A task's metrics (``metric:`` of task.yaml): the main one, ranked on, and those reported beside it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    main: str
    also: list[str] = []


@dataclass(frozen=True)
class Metric:
    """One metric a family's ``score`` returns."""

    name: str
    higher_is_better: bool = True
    scalar: bool = True  # a number (may be the main metric); False: a breakdown such as F1 per type


def default_metric(metrics: tuple[Metric, ...]) -> MetricSpec:
    """The first metric as the main one, the rest beside it."""
    return MetricSpec(main=metrics[0].name, also=[metric.name for metric in metrics[1:]])


def check_metric_spec(spec: MetricSpec, metrics: tuple[Metric, ...], family: str) -> None:
    """Raise ``ValueError`` where ``spec`` names a metric the family does not compute, or a breakdown as main."""
    known = {metric.name: metric for metric in metrics}
    for name in [spec.main, *spec.also]:
        if name not in known:
            raise ValueError(f"metric {name!r} is not computed by family {family!r} (it gives {', '.join(known)})")
    if not known[spec.main].scalar:
        raise ValueError(f"metric {spec.main!r} is a breakdown, not a number: it cannot be the main metric")


def classification_head_options(labels: list[str]) -> dict[str, Any]:
    """``from_pretrained`` options for a head over ``labels``."""
    return {
        "num_labels": len(labels),
        "id2label": dict(enumerate(labels)),
        "label2id": {label: i for i, label in enumerate(labels)},
    }


def check_declared_labels(found: list[str], declared: list[str] | None, what: str = "label(s)") -> list[str]:
    """The declared labels (which must cover the data), else the sorted labels found."""
    undeclared = set(found) - set(declared or found)
    if undeclared:
        raise ValueError(f"{what} {sorted(undeclared)} in the data are not among the declared labels")
    return list(declared or sorted(found))


@dataclass
class Features:
    """Model inputs of one split plus what is needed to map outputs back.

    ``inputs`` are dicts of model inputs (``input_ids``, ``labels``, ...);
    ``origins`` says, per input, which record (and part of it) it came from.
    Both hold JSON values only (NamedTuples read back as lists), so features
    can be cached on disk.
    """

    inputs: list[dict[str, list[int]]]
    origins: list[Any] = field(default_factory=list)

    def token_counts(self) -> list[int]:
        """Tokens per input: its ``input_ids``, or all its windows' where an input is a document of windows."""
        return [sum(map(len, ids)) if ids and isinstance(ids[0], list) else len(ids)
                for ids in (inputs["input_ids"] for inputs in self.inputs)]


@dataclass(frozen=True)
class Trivial:
    """A family's trivial predictor fitted on a training split, and its answers: what a model must beat."""

    predictor: str
    """In words, e.g. ``majority class 'yes'``."""
    prediction: Any
    """The one answer it gives every record (NER: the tag of every word), so a prediction file can be rescored."""
    predictions: list[Any]
    """Its prediction for each record asked, in the shape ``decode`` gives."""


class Family(Protocol):
    """A task family: how records become model inputs, which head reads them, how outputs are scored."""

    name: str
    """The family's name in task.yaml (``family:``)."""
    record_type: type
    """The TypedDict of ``biobench.records`` that its readers produce."""
    auto_class: str
    """The transformers Auto class of its own task head, e.g. ``AutoModelForTokenClassification``."""
    heads: tuple[str, ...]
    """Heads a run may choose instead (``Variant.head``), the family's default first; ``()``: its own head only."""
    metrics: tuple[Metric, ...]
    """Every metric ``score`` returns, the default main metric first; task.yaml's ``metric:`` is checked against it."""
    metric_version: str
    """Names the metric's definition and library; recorded in each result, so changed scoring is visible."""
    soft_labels: str | None
    """How a student learns a teacher's outputs (``--teacher``): softmax, sigmoid or regression; ``None``: not
    offered (``biobench.distillation.soft_labels``)."""

    def texts(self, record: dict) -> tuple[str, ...]:
        """The text(s) the model reads for ``record`` (also the distillation corpus's text of a task)."""

    def label_names(self, records: list[dict], declared: list[str] | None) -> list[str]:
        """The output labels of the head, from the task's declared ``labels`` (checked) or the records."""

    def head_options(self, labels: list[str]) -> dict[str, Any]:
        """``from_pretrained`` options of the head (``num_labels``, ``id2label``, ``problem_type``, ...)."""

    def collator(self, tokenizer):
        """The transformers data collator that pads a batch of this family's features."""

    def reduce_logits(self, logits):
        """What evaluation keeps of a batch's logits (e.g. the arg-max), so predictions stay small."""

    def featurize(self, records: list[dict], tokenizer, max_length: int, label_ids: dict[str, int]) -> Features:
        """Model inputs (with targets) for ``records``; a long record may give several inputs (windows)."""

    def decode(self, predictions, features: Features, records: list[dict], labels: list[str]) -> list[Any]:
        """One prediction per record, in record order, from the reduced logits of every input."""

    def score(self, records: list[dict], predictions: list[Any]) -> dict[str, Any]:
        """Every metric of ``metrics`` against the records' gold answers, from the library that defines it."""

    def prediction_rows(self, records: list[dict], predictions: list[Any]) -> list[dict]:
        """One JSON row per record (``id``, ``gold``, ``predicted``, ...), the predictions file of a result."""

    def paired_statistics(self, rows: list[dict]):
        """Per prediction row, an array whose column sums determine the main metric (for paired tests)."""

    def main_from_statistics(self, totals):
        """The family's default main metric (``metrics[0]``) from summed statistics; works on stacked totals
        (``totals[..., k]``) too."""

    def trivial_predictions(self, train_records: list[dict], records: list[dict]) -> Trivial:
        """The family's trivial predictor fitted on ``train_records`` (majority class, all ``O``, training
        mean, ...), applied to ``records``: the baseline a fine-tuned model has to beat."""

    def collapsed(self, predictions: list[Any]) -> bool:
        """Whether ``predictions`` carry no information: one answer for every record (NER: no entity)."""


def with_options(family, options: dict[str, Any]):
    """``family`` as a task's ``family_options`` configure it (the fields of a dataclass family, e.g. the
    relation family's ``negative_label``); ``ValueError`` for an option the family does not take."""
    accepted = [item.name for item in dataclasses.fields(family)] if dataclasses.is_dataclass(family) else []
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        takes = f"it takes {', '.join(accepted)}" if accepted else "it takes none"
        raise ValueError(f"family_options {', '.join(unknown)}: not an option of family {family.name!r} ({takes})")
    return dataclasses.replace(family, **options) if options else family
