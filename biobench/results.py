"""Result files: one JSON per (setting, seed), written atomically, with
per-example predictions (JSONL) beside it.

Schema 2, as typed dicts below:

    {"schema_version": 2, "config_hash": str, "seed": int,
     "model": ModelInfo, "task": TaskInfo, "hyperparameters": {...},
     "variant": {"tuning", "recursions", "head", "precision"},
     "setting": {"id": str, "label": [str, ...], "defaults": {...}},
     "metrics": {"validation": {...}, "test": {...}, "main": str, "best_epoch": float, "labels": [...]},
     "baseline": BaselineInfo, "collapsed": bool,
     "timings": {"train_seconds", "validation_seconds", "checkpoint_seconds", "test_seconds", "total_seconds"},
     "throughput": {"train_examples_per_second", "test_examples_per_second"},
     "peak_memory_mb": float, "hardware": {...}, "packages": {...},
     "predictions_file": str, "created": ISO-8601 str}

``config_hash`` identifies the run (setting and seed), ``setting.id`` the
setting alone; ``setting.label`` says in words how the setting differs from
the task's defaults (``setting.defaults``: the task's hyperparameters, its
``max_eval_examples`` and the head, ``pooling``, that ``auto`` picks for the
model). Since schema 2, ``train_seconds`` is optimisation alone: the per-epoch
validation passes and checkpoint saves are timed apart. ``metrics.validation``
is scored on the validation records the epoch was chosen on
(``hyperparameters.max_eval_examples`` of them, when set); the test split is
always scored in full.

Added to schema 2 without a new version (readers must allow them to be absent,
as in files written before): ``baseline``, the family's trivial predictor
fitted on the training split and scored on the same test records
(``biobench.baseline``: its words, its one ``prediction``, its ``test``
metrics, the ``p_value`` of a paired permutation test of the model against it,
and whether the model is ``above`` it); ``collapsed``, whether the model's
test predictions are all alike (one class, no entity, one value, all empty);
and ``task.reference_scores``, the published scores of the task's
``task.yaml`` (``biobench.plugin.ReferenceScore``) at the time of the run.
The baseline's predictions can be rebuilt from the prediction rows: each
row's ``predicted`` replaced by ``baseline.prediction`` (NER: that tag for
every word of ``tokens``).

Schema 1 (before settings were recorded) is read too: its setting is
recomputed from the recorded model, task and hyperparameters, its label from
what those show without the task's defaults (variant, precision, budget).

Files live at ``<model>/<task>[/fold-<k>]/<setting>/seed-<n>.json``, where
``<setting>`` is the label in a few words and the setting id; a run whose
``config_hash`` is found anywhere under the folder is finished, whatever its path.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, NotRequired, TypedDict

from biobench.baseline import BaselineInfo
from biobench.distributed import is_main_process
from biobench.errors import DataError
from biobench.files import write_atomic
from biobench.setting import config_hash, run_identity, setting_id, setting_label

SCHEMA_VERSION = 2
READABLE_SCHEMAS = (1, 2)


class ModelInfo(TypedDict):
    name: str
    kind: str
    source: str
    revision: str | None
    parameters: dict[str, int]  # total, unique, trainable


class TaskInfo(TypedDict):
    name: str
    version: str
    family: str
    fold: str | None  # the cross-validation fold, for tasks that have folds
    data_sha256: str
    metric: str
    metric_version: str
    reference_scores: NotRequired[list[dict[str, Any]]]  # ReferenceScore fields (model, metric, score, ...)


class SettingInfo(TypedDict):
    id: str
    label: list[str]
    defaults: dict[str, Any] | None  # the task's hyperparameters for this variant (None in schema 1)


class Result(TypedDict):
    schema_version: int
    config_hash: str
    seed: int
    model: ModelInfo
    task: TaskInfo
    hyperparameters: dict[str, Any]
    variant: dict[str, Any]
    setting: SettingInfo
    metrics: dict[str, Any]
    baseline: NotRequired[BaselineInfo]
    collapsed: NotRequired[bool]
    timings: dict[str, float]
    throughput: dict[str, float]
    peak_memory_mb: float
    hardware: dict[str, Any]
    packages: dict[str, str]
    predictions_file: str
    created: str


def new_result(model: ModelInfo, task: TaskInfo, seed: int, hyperparameters: dict, variant: dict,
               defaults: dict, **measured: Any) -> Result:
    """A schema-2 result: identity, setting and hash computed here, measurements as given."""
    identity = run_identity(model, task, hyperparameters)
    return {
        "schema_version": SCHEMA_VERSION,
        "config_hash": config_hash(identity),
        "seed": seed,
        "model": model,
        "task": task,
        "hyperparameters": hyperparameters,
        "variant": variant,
        "setting": {"id": setting_id(identity), "label": setting_label(hyperparameters, defaults),
                    "defaults": defaults},
        **measured,
        "predictions_file": "",
    }


def upgraded(result: dict) -> Result:
    """A result of any readable schema with the fields of the current one (schema 1: setting recomputed)."""
    if result.get("schema_version") == 1:
        from biobench.models.variant import Variant

        identity = run_identity(result["model"], result["task"], result["hyperparameters"])
        result = dict(result)
        result["variant"] = Variant.from_hyperparameters(result["hyperparameters"]).record()
        result["setting"] = {"id": setting_id(identity), "label": setting_label(result["hyperparameters"], None),
                             "defaults": None}
    return result


@dataclass(frozen=True)
class Unreadable:
    """A file under a results folder that is not a result this version can read, and why."""

    path: Path
    problem: str


class ResultStore:
    """A results folder: result files by setting and seed, found again by their ``config_hash``.

    A run in progress holds ``.locks/<config_hash>.lock`` (an ``flock``, which the
    operating system releases when the process dies, so a killed run never blocks)
    and trains in ``.work/<config_hash>/`` (checkpoints), both removed when it ends;
    a re-run after a kill starts that work folder afresh.
    """

    def __init__(self, root: Path, work_root: Path | None = None):
        self.root = Path(root)
        self.work_root = Path(work_root) if work_root else self.root / ".work"
        self._hashes: set[str] | None = None

    def path(self, model: str, task: str, seed: int, setting: str, label: list[str] = (),
             fold: str | None = None) -> Path:
        """``<model>/<task>[/fold-<k>]/<label words>.<setting id>/seed-<n>.json``."""
        folder = self.root / _slug(model) / task
        if fold is not None:
            folder = folder / f"fold-{fold}"
        words = "_".join(word.replace(",", "").replace(" ", "-") for word in label) or "defaults"
        return folder / f"{_slug(words)}.{setting[:8]}" / f"seed-{seed}.json"

    def finished(self, expected_hash: str) -> bool:
        """Whether a result of this run (setting and seed) is anywhere in the folder."""
        if self._hashes is None:
            results, _ = scan_results(self.root)
            self._hashes = {result["config_hash"] for result in results}
        return expected_hash in self._hashes

    def check_room(self, needed_bytes: int) -> None:
        """Refuse, before any work, a results folder that is not a writable folder with room for ``needed_bytes``."""
        if self.root.exists() and not self.root.is_dir():
            raise DataError(self.root, "the results folder exists and is not a folder")
        for folder in {self.root, self.work_root}:
            existing = next(parent for parent in (folder, *folder.parents) if parent.exists())
            if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
                raise DataError(existing, "not a writable folder (results and checkpoints are written here)")
            free = shutil.disk_usage(existing).free
            if free < needed_bytes:
                raise DataError(existing, f"{free / 2**20:,.0f} MB free; the runs need about "
                                          f"{needed_bytes / 2**20:,.0f} MB (results, predictions, checkpoints)")

    @contextlib.contextmanager
    def claim(self, config_hash: str) -> Iterator[bool]:
        """Hold the run ``config_hash`` for this process: yields False where another live process holds it."""
        locks = self.root / ".locks"
        locks.mkdir(parents=True, exist_ok=True)
        path = locks / f"{config_hash}.lock"
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            yield False
            return
        try:
            self._hashes = None  # another process may have finished runs since the folder was read
            yield True
        finally:
            path.unlink(missing_ok=True)  # safe: a later holder finds the result written before this release
            os.close(handle)
            _remove_if_empty(locks)

    @contextlib.contextmanager
    def work_folder(self, config_hash: str) -> Iterator[Path]:
        """The run's scratch folder (checkpoints), fresh, and removed when the run ends."""
        folder = self.work_root / config_hash
        if not is_main_process():  # the main process of a multi-process run owns the folder
            folder.mkdir(parents=True, exist_ok=True)
            yield folder
            return
        shutil.rmtree(folder, ignore_errors=True)  # left by a killed run
        folder.mkdir(parents=True)
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            _remove_if_empty(self.work_root)

    def write(self, path: Path, result: Result, predictions: Iterable[dict]) -> None:
        """Predictions first, then the result: a result file implies complete predictions."""
        predictions_path = path.with_suffix(".predictions.jsonl")
        try:
            write_atomic(predictions_path, "".join(json.dumps(row) + "\n" for row in predictions))
            result["predictions_file"] = predictions_path.name
            write_atomic(path, json.dumps(result, indent=2, sort_keys=False) + "\n")
        except OSError as error:
            predictions_path.unlink(missing_ok=True)
            raise DataError(path, f"cannot write the result: {error.strerror or error}") from None
        if self._hashes is not None:
            self._hashes.add(result["config_hash"])


def scan_results(root: Path) -> tuple[list[Result], list[Unreadable]]:
    """Every result under ``root`` (upgraded to the current schema), and the files that could not be read."""
    results, unreadable = [], []
    for path in sorted(Path(root).rglob("seed-*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            unreadable.append(Unreadable(path, f"not a readable JSON result ({error})"))
            continue
        if not isinstance(data, dict) or data.get("schema_version") not in READABLE_SCHEMAS:
            version = data.get("schema_version") if isinstance(data, dict) else None
            unreadable.append(Unreadable(path, f"schema_version {version!r} is not one this biobench reads"))
            continue
        try:
            results.append(upgraded(data))
        except (KeyError, TypeError) as error:
            unreadable.append(Unreadable(path, f"a result without the field {error}"))
    return results, unreadable


def read_results(root: Path) -> list[Result]:
    """Every result under ``root``; an unreadable result file is an error naming it."""
    results, unreadable = scan_results(root)
    if unreadable:
        raise DataError(unreadable[0].path, unreadable[0].problem)
    return results


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()


def _slug(name: str) -> str:
    return name.replace("/", "__")
