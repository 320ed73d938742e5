"""Alignment and windowing: every word is labelled once and comes back unchanged."""

import numpy as np
import pytest
from transformers import AutoTokenizer

from biobench.families.ner import IGNORE, NER
from biobench.formats.conll import read_conll
from builders import TASKS


@pytest.fixture(scope="module")
def records():
    return read_conll(TASKS / "ncbi-disease" / "data" / "validation.tsv")[:200]


@pytest.fixture(scope="module")
def tokenizer(tiny_bert):
    return AutoTokenizer.from_pretrained(tiny_bert)


def _gold_predictions(features):
    """Predictions equal to the gold labels, as the Trainer would return them (padded)."""
    width = max(len(f["labels"]) for f in features.inputs)
    rows = np.full((len(features.inputs), width), -100)
    for row, feature in zip(rows, features.inputs):
        row[: len(feature["labels"])] = [max(label, 0) for label in feature["labels"]]
    return rows


@pytest.mark.parametrize("max_length", [8, 16, 128])
def test_round_trip_loses_no_word(records, tokenizer, max_length):
    labels = NER.label_names(records, None)
    label_ids = {label: i for i, label in enumerate(labels)}
    features = NER.featurize(records, tokenizer, max_length, label_ids)
    assert all(len(f["input_ids"]) <= max_length for f in features.inputs)
    decoded = NER.decode(_gold_predictions(features), features, records, labels)
    assert decoded == [record["tags"] for record in records]
    labelled = sum(sum(label != IGNORE for label in f["labels"]) for f in features.inputs)
    assert labelled == sum(len(record["tokens"]) for record in records)


def test_short_windows_split_long_sentences(records, tokenizer):
    labels = NER.label_names(records, None)
    features = NER.featurize(records, tokenizer, 8, {label: i for i, label in enumerate(labels)})
    assert len(features.inputs) > len(records)
    words_per_record = {}
    for origin in features.origins:
        words_per_record.setdefault(origin.record, []).extend(origin.words)
    assert all(words == list(range(len(records[i]["tokens"]))) for i, words in words_per_record.items())


def test_only_first_subword_is_labelled(tokenizer):
    record = {"id": "x", "tokens": ["adenomatous", "polyposis"], "tags": ["B-Disease", "I-Disease"]}
    labels = NER.label_names([record], None)
    feature = NER.featurize([record], tokenizer, 32, {label: i for i, label in enumerate(labels)}).inputs[0]
    tokens = tokenizer.convert_ids_to_tokens(feature["input_ids"])
    for token, label in zip(tokens, feature["labels"]):
        assert (label != IGNORE) == (token not in ("[CLS]", "[SEP]") and not token.startswith("##"))


def test_declared_labels_must_cover_the_data(records):
    with pytest.raises(ValueError, match="not among the declared labels"):
        NER.label_names(records, ["Chemical"])
    assert NER.label_names(records, ["Disease"]) == ["O", "B-Disease", "I-Disease"]
