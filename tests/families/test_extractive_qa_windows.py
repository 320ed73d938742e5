"""Extractive QA that fits a CPU: training reads the windows holding the answer and a declared number of
answerless ones per question; evaluation reads every window; the stride is a task option."""

import pytest
from transformers import AutoTokenizer

from biobench.catalog import load_task
from biobench.families.base import with_options
from biobench.families.extractive_qa import EXTRACTIVE_QA
from biobench.plugin import Task
from biobench.setting import TrainingConfig

CONTEXT = " ".join(f"word{i}" if i != 70 else "fever" for i in range(120))
RECORDS = [
    {"id": "q1", "question": "what symptom ?", "context": CONTEXT,
     "answers": [{"text": "fever", "start": CONTEXT.index("fever")}], "document": "a"},
    {"id": "q2", "question": "which word ?", "context": CONTEXT,
     "answers": [{"text": "word3", "start": CONTEXT.index("word3")}], "document": "a"},
]


@pytest.fixture
def tokenizer(tiny_bert):
    return AutoTokenizer.from_pretrained(tiny_bert)


def test_training_keeps_answer_windows_and_the_declared_answerless_ones(tokenizer):
    family = with_options(EXTRACTIVE_QA, {"answerless_windows": 1})
    features = family.featurize(RECORDS, tokenizer, 32, {})
    answered = [k for k, inputs in enumerate(features.inputs) if inputs["start_positions"] != 0]
    kept = family.training_features(features)
    assert len(features.inputs) > len(kept.inputs) == len(answered) + 2  # one answerless window per question
    assert all(any(inputs is features.inputs[k] for inputs in kept.inputs) for k in answered)
    assert [o[0] for o in kept.origins].count(0) >= 2 and [o[0] for o in kept.origins].count(1) >= 2
    again = family.training_features(family.featurize(RECORDS, tokenizer, 32, {}))
    assert again.inputs == kept.inputs  # drawn with a fixed seed
    counts = family.feature_counts(RECORDS, features)
    assert counts == {"questions": 2, "windows": len(features.inputs), "windows holding the answer": len(answered),
                      "windows kept for training": len(kept.inputs)}
    assert EXTRACTIVE_QA.training_features(features) is features  # by default every window trains


def test_the_stride_is_a_task_option(tokenizer):
    windows = [len(with_options(EXTRACTIVE_QA, {"stride": stride}).featurize(RECORDS, tokenizer, 32, {}).inputs)
               for stride in (0, 8)]
    assert windows[0] < windows[1] == len(EXTRACTIVE_QA.featurize(RECORDS, tokenizer, 32, {}).inputs)


def test_options_are_checked():
    with pytest.raises(ValueError, match="answerless_windows"):
        with_options(EXTRACTIVE_QA, {"answerless_windows": -1})
    with pytest.raises(ValueError, match="not an option of family 'extractive-qa'"):
        with_options(EXTRACTIVE_QA, {"negatives": 1})


def test_covid_qa_trains_on_one_answerless_window_per_question():
    task = load_task("covid-qa")
    assert task.spec.family_options == {"stride": 96, "answerless_windows": 1} and task.spec.version == "1.1"
    assert task.family.answerless_windows == 1
    assert load_task("covid-qa").data_sha256 == task.data_sha256  # options enter the data digest, stably


def test_family_options_enter_the_data_digest():
    task = load_task("covid-qa")
    other = Task(task.spec.model_copy(update={"family_options": {"stride": 96, "answerless_windows": 2}}),
                 task.folder)
    assert other.data_sha256 != task.data_sha256 and other.family.answerless_windows == 2


class Notes:
    def __init__(self):
        self.notes = []

    def start(self, *_):
        pass

    def finish(self):
        pass

    def note(self, message):
        self.notes.append(message)


def test_the_loop_trains_on_the_kept_windows_and_notes_the_counts(tiny_bert, tmp_path):
    import json

    from biobench import loop
    from biobench.models.cards import resolve_model
    from builders import write_plugin

    article = {"data": [{"title": "a", "paragraphs": [{"context": CONTEXT, "document_id": 1, "qas": [
        {"id": r["id"], "question": r["question"], "answers": [{"text": a["text"], "answer_start": a["start"]}
                                                               for a in r["answers"]]} for r in RECORDS]}]}]}
    text = json.dumps(article)
    folder = write_plugin(tmp_path / "qa", "qa", {split: text for split in ("train", "validation", "test")},
                          family="extractive-qa", format="squad-json", max_length=32,
                          family_options={"answerless_windows": 1})
    task = Task.load(folder)
    progress = Notes()
    config = TrainingConfig(seed=1, epochs=1, lr=1e-3, batch_size=8, max_length=32)
    data = loop.prepare(task, resolve_model(str(tiny_bert), {}), config, progress)
    windows = len(data.features["test"].inputs)
    assert len(data.features["train"].inputs) < windows == len(data.features["validation"].inputs)
    assert any(note.startswith("qa/train: 2 questions") and "windows kept for training" in note
               for note in progress.notes)
