"""The fine-tune/evaluate loop: the validation scores it reports are those of the epoch it kept."""

from biobench import loop
from biobench.catalog import load_task
from biobench.models.cards import resolve_model


def test_validation_is_scored_during_training_only_and_matches_the_kept_model(tiny_bert, monkeypatch):
    """BIOSSES: its validation Pearson moves every epoch, so each epoch's scores differ."""
    scored = []
    original = loop.score

    def spy(trainer, task, data, split):
        scored.append((split, (trainer, task, data)))
        return original(trainer, task, data, split)

    monkeypatch.setattr(loop, "score", spy)
    build = loop.build_trainer

    def keeping_the_worst_epoch(*args):  # so that the kept epoch is not simply the last one
        trainer = build(*args)
        trainer.args.greater_is_better = False
        return trainer

    monkeypatch.setattr(loop, "build_trainer", keeping_the_worst_epoch)
    task = load_task("biosses", [])
    config = loop.TrainingConfig(seed=1, epochs=3, lr=1e-3, batch_size=8, max_length=64)
    outcome = loop.fine_tune_and_evaluate(task, resolve_model(str(tiny_bert), {}), config)

    assert outcome.best_epoch < config.epochs
    assert [split for split, _ in scored] == ["test"]  # no second validation pass after training
    rescored, _, _ = original(*scored[0][1], "validation")
    assert outcome.validation == rescored and outcome.timings["validation_seconds"] > 0
