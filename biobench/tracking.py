"""Where training curves go: an experiment tracker (TensorBoard, Weights & Biases, MLflow, Trackio) or nowhere.

Tracking is not part of a run's setting: it changes no number. Fine-tuning
reports through transformers' own integrations; distillation logs its loss
terms through ``StepLogger``. TensorBoard event files are written under
``<results>/tensorboard/<run name>/`` so they outlive the run's work folder.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from biobench.errors import BiobenchError

TRACKERS = ("none", "tensorboard", "wandb", "mlflow", "trackio")
PACKAGES = {"tensorboard": "tensorboard", "wandb": "wandb", "mlflow": "mlflow", "trackio": "trackio"}


@dataclass(frozen=True)
class Tracking:
    """A tracker, the run's name in it, and where TensorBoard writes."""

    report_to: str = "none"
    run_name: str | None = None
    folder: Path | None = None  # TensorBoard: the parent of each run's event folder

    def __post_init__(self):
        if self.report_to not in TRACKERS:
            raise BiobenchError(f"--report-to {self.report_to!r}: choose one of {', '.join(TRACKERS)}")
        package = PACKAGES.get(self.report_to)
        if package and importlib.util.find_spec(package) is None:
            raise BiobenchError(f"--report-to {self.report_to}: the {package} package is not installed "
                                f"(pip install {package})")

    def named(self, run_name: str) -> "Tracking":
        """This tracking for one run: ``run_name``, after the ``--run-name`` prefix when one was given."""
        return Tracking(self.report_to, f"{self.run_name}-{run_name}" if self.run_name else run_name, self.folder)

    def trainer_arguments(self) -> dict:
        """``TrainingArguments`` fields: the integration to report to (TensorBoard goes through a callback)."""
        integration = "none" if self.report_to in ("none", "tensorboard") else self.report_to
        return {"report_to": integration, "run_name": self.run_name}

    def trainer_callbacks(self) -> list:
        """TensorBoard's callback with its events in a folder of their own."""
        if self.report_to != "tensorboard":
            return []
        from torch.utils.tensorboard import SummaryWriter
        from transformers.integrations import TensorBoardCallback

        return [TensorBoardCallback(SummaryWriter(log_dir=str(self.events_folder())))]

    def events_folder(self) -> Path:
        return Path(self.folder or "runs") / "tensorboard" / _slug(self.run_name or "run")


class StepLogger:
    """Scalars per step to the chosen tracker, for loops that are not transformers' Trainer (distillation)."""

    def __init__(self, tracking: Tracking, config: dict):
        self.tracking, self.writer = tracking, None
        if tracking.report_to == "tensorboard":
            from torch.utils.tensorboard import SummaryWriter

            self.writer = SummaryWriter(log_dir=str(tracking.events_folder()))
        elif tracking.report_to == "wandb":
            import wandb

            self.writer = wandb.init(name=tracking.run_name, config=config)
        elif tracking.report_to == "mlflow":
            import mlflow

            mlflow.start_run(run_name=tracking.run_name)
            mlflow.log_params(config)
        elif tracking.report_to == "trackio":
            import trackio

            self.writer = trackio.init(project="biobench", name=tracking.run_name, config=config)

    def log(self, step: int, values: dict[str, float]) -> None:
        if self.tracking.report_to == "tensorboard":
            for name, value in values.items():
                self.writer.add_scalar(f"distill/{name}", value, step)
        elif self.tracking.report_to in ("wandb", "trackio"):
            self.writer.log(values, step=step)
        elif self.tracking.report_to == "mlflow":
            import mlflow

            mlflow.log_metrics(values, step=step)

    def close(self) -> None:
        if self.tracking.report_to == "tensorboard":
            self.writer.close()
        elif self.tracking.report_to in ("wandb", "trackio"):
            self.writer.finish()
        elif self.tracking.report_to == "mlflow":
            import mlflow

            mlflow.end_run()


def _slug(name: str) -> str:
    return "".join(character if character.isalnum() or character in "-_.+" else "-" for character in name)
