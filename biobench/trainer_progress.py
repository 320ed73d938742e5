"""A Trainer callback that forwards training and evaluation steps to a Progress."""

from __future__ import annotations

from transformers import TrainerCallback

from biobench.progress import Progress


class ProgressCallback(TrainerCallback):
    def __init__(self, progress: Progress, task: str, main_metric: str):
        self.progress, self.task, self.main_metric = progress, task, main_metric
        self.loss = ""
        self.evaluating = False

    def on_train_begin(self, args, state, control, **kwargs):
        self.progress.start(f"training {self.task}", state.max_steps)

    def on_step_end(self, args, state, control, **kwargs):
        self.progress.advance(1, loss=self.loss)

    def on_log(self, args, state, control, logs=None, **kwargs):
        if logs and "loss" in logs:
            self.loss = f"{logs['loss']:.4f}"

    def on_prediction_step(self, args, state, control, eval_dataloader=None, **kwargs):
        if not self.evaluating:
            self.evaluating = True
            self.progress.start(f"evaluating {self.task}", len(eval_dataloader) if eval_dataloader else None)
        self.progress.advance(1)

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        self._end_evaluation()
        key = f"eval_{self.main_metric}"
        if metrics and key in metrics:
            self.progress.note(f"{self.task} epoch {state.epoch:.0f}: validation {self.main_metric} {metrics[key]:.4f}")
        self.progress.start(f"training {self.task}", state.max_steps)
        self.progress.advance(state.global_step)

    def on_predict(self, args, state, control, metrics=None, **kwargs):
        self._end_evaluation()

    def on_train_end(self, args, state, control, **kwargs):
        self.progress.finish()

    def _end_evaluation(self):
        if self.evaluating:
            self.evaluating = False
            self.progress.finish()
