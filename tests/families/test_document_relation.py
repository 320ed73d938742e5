"""Document-level relations: each document (or window of it) encoded once, every candidate pair classified from
its entities' pooled mention vectors; one prediction per candidate pair, as the relation family gives."""

import pytest
import torch
from transformers import AutoModel

from biobench.catalog import load_task, model_cards
from biobench.families.document_relation import DOCUMENT_RELATION, DocumentCollator, document_windows
from biobench.families.entity_markers import marked_document
from biobench.families.relation import RELATION
from biobench.models.build import build_task_model, load_task_tokenizer
from biobench.models.cards import resolve_model
from biobench.models.document_relation_head import DocumentRelationClassifier, pooled_by_entity
from biobench.models.variant import Variant

TEXT = "aspirin causes ulcers ; aspirin and ibuprofen . " + "the " * 40 + "ibuprofen causes ulcers"


def _entity(identifier, kind, *words):
    spans = []
    for word, occurrence in words:
        start = -1
        for _ in range(occurrence + 1):
            start = TEXT.index(word, start + 1)
        spans.append((start, start + len(word)))
    return {"id": identifier, "type": kind, "spans": spans}


ASPIRIN = _entity("D1", "Chemical", ("aspirin", 0), ("aspirin", 1))
IBUPROFEN = _entity("D2", "Chemical", ("ibuprofen", 0), ("ibuprofen", 1))
ULCER = _entity("D3", "Disease", ("ulcers", 0), ("ulcers", 1))
RECORDS = [
    {"id": f"doc:{head['id']}:{tail['id']}", "text": "", "label": label, "document": "doc", "document_text": TEXT,
     "head": head, "tail": tail}
    for head, tail, label in [(ASPIRIN, ULCER, "CID"), (IBUPROFEN, ULCER, "none")]
]


def _tokenizer(tiny_bert, records=RECORDS):
    return load_task_tokenizer(resolve_model(str(tiny_bert), model_cards()), DOCUMENT_RELATION, records)


def test_every_mention_is_wrapped_in_its_type_s_markers():
    marked, order = marked_document("ab cd", [{"id": "1", "type": "T", "spans": [(0, 5), (0, 2)]},
                                              {"id": "2", "type": "U", "spans": [(0, 2), (3, 5)]}])
    assert marked == " [E:T]  [E:T] ab [/E:T]   [E:U] cd [/E:U]  [/E:T] "  # outer first, one marker per span
    assert order == [(0, 5), (0, 2), (3, 5)]


def test_windows_overlap_by_half_and_end_with_the_document():
    assert document_windows(10, 20) == [(0, 10)]
    assert document_windows(50, 20) == [(0, 20), (10, 30), (20, 40), (30, 50)]


def test_one_input_per_document_with_every_mention_at_its_marker(tiny_bert):
    tokenizer = _tokenizer(tiny_bert)
    features = DOCUMENT_RELATION.featurize(RECORDS, tokenizer, 128, {"none": 0, "CID": 1})
    (inputs,) = features.inputs
    assert len(inputs["input_ids"]) == 1 and features.origins == [[[0, 1], [1, 1]]]
    tokens = tokenizer.convert_ids_to_tokens(inputs["input_ids"][0])
    kinds = [tokens[p] for p in inputs["mention_position"]]
    assert kinds == ["[E:Chemical]"] * 2 + ["[E:Disease]"] * 2 + ["[E:Chemical]"] * 2
    assert inputs["mention_entity"] == [0, 0, 1, 1, 2, 2] and inputs["labels"] == [1, 0]
    assert (inputs["pair_head"], inputs["pair_tail"]) == ([0, 2], [1, 1])


def test_long_documents_are_windows_and_far_pairs_are_still_scored(tiny_bert):
    tokenizer = _tokenizer(tiny_bert)
    features = DOCUMENT_RELATION.featurize(RECORDS, tokenizer, 32, {"none": 0, "CID": 1})
    (inputs,) = features.inputs
    assert len(inputs["input_ids"]) > 2 and all(len(window) <= 32 for window in inputs["input_ids"])
    for window, position in zip(inputs["mention_window"], inputs["mention_position"]):
        assert tokenizer.convert_ids_to_tokens(inputs["input_ids"][window][position]).startswith("[E:")
    counts = DOCUMENT_RELATION.feature_counts(RECORDS, features)
    assert counts["encoder passes with one per pair"] == 2 and counts["encoder passes (windows)"] > 2
    assert counts["gold pairs"] == 1 and counts["gold pairs sharing a window"] == 1
    far = [{**RECORDS[0], "id": "doc:D1:D2", "tail": IBUPROFEN | {"spans": IBUPROFEN["spans"][1:]},
            "head": ASPIRIN | {"spans": ASPIRIN["spans"][:1]}}]
    features = DOCUMENT_RELATION.featurize(far, tokenizer, 24, {"none": 0, "CID": 1})
    assert features.origins == [[[0], [0]]]  # never in one window, still a pair of the input
    assert DOCUMENT_RELATION.decode([[1]], features, far, ["none", "CID"]) == ["CID"]


def test_log_sum_exp_per_entity():
    mentions, entity = torch.randn(5, 3), torch.tensor([0, 1, 0, 2, 1])
    pooled = pooled_by_entity(mentions, entity)
    for k in range(3):
        assert torch.allclose(pooled[k], torch.logsumexp(mentions[entity == k], dim=0), atol=1e-6)


def test_a_batch_of_documents_scores_each_as_alone(tiny_bert):
    """Windows, mentions and entities numbered across the batch; padded pairs carry no loss."""
    tokenizer = _tokenizer(tiny_bert)
    one = DOCUMENT_RELATION.featurize(RECORDS, tokenizer, 32, {"none": 0, "CID": 1}).inputs[0]
    other = DOCUMENT_RELATION.featurize(RECORDS[:1], tokenizer, 128, {"none": 0, "CID": 1}).inputs[0]
    torch.manual_seed(0)
    model = DocumentRelationClassifier(AutoModel.from_pretrained(tiny_bert), {"num_labels": 2}).eval()
    model.encoder.resize_token_embeddings(len(tokenizer))
    collate = DocumentCollator(tokenizer.pad_token_id)
    together = model(**collate([one, other]))
    alone = [model(**collate([features])) for features in (one, other)]
    assert together.logits.shape == (2, 2, 2)
    assert torch.allclose(together.logits[0], alone[0].logits[0], atol=1e-5)
    assert torch.allclose(together.logits[1, :1], alone[1].logits[0], atol=1e-5)
    labels = torch.tensor([1, 0, 1])
    expected = torch.nn.functional.cross_entropy(torch.cat([alone[0].logits[0], alone[1].logits[0]]), labels)
    assert torch.allclose(together.loss, expected, atol=1e-5)


def test_the_model_is_the_family_s_own_head(tiny_bert):
    card = resolve_model(str(tiny_bert), model_cards())
    tokenizer = _tokenizer(tiny_bert)
    variant = Variant().resolved(card, DOCUMENT_RELATION)
    model = build_task_model(card, DOCUMENT_RELATION, ["none", "CID"], variant, tokenizer)
    assert variant.head is None and isinstance(model, DocumentRelationClassifier)
    assert model.base_model.get_input_embeddings().num_embeddings == len(tokenizer)


@pytest.mark.parametrize("task", ["bc5cdr-cid", "biored"])
def test_built_in_document_tasks_give_the_relation_family_s_pairs(task):
    """The same candidate pairs as reading each marked copy (the relation family), typed markers per entity type."""
    loaded = load_task(task)
    assert loaded.spec.family == "document-relation" and loaded.spec.version == "1.1"
    records = loaded.records("test")
    assert {record["document"] for record in records} and all(record["text"] for record in records)
    types = {kind for pair in loaded.spec.format_options["pair_types"] for kind in pair}
    assert DOCUMENT_RELATION.special_tokens(records) == sorted(f"[{end}E:{kind}]" for kind in types
                                                               for end in ("", "/"))
    assert RELATION.label_names(records, loaded.spec.labels) == loaded.spec.labels


def test_documents_are_batched_by_tokens_not_by_their_count_of_windows(tmp_path):
    from datasets import Dataset
    from transformers import TrainingArguments

    from biobench.families.base import Features
    from biobench.loop import _timed_ordered_trainer_class

    lengths = [10, 500, 12, 480, 11, 490, 9, 510]
    features = Features([{"input_ids": [[1] * n], "labels": [0]} for n in lengths])  # one window each
    assert features.token_counts() == lengths
    arguments = TrainingArguments(output_dir=str(tmp_path), per_device_train_batch_size=2, use_cpu=True,
                                  train_sampling_strategy="group_by_length", report_to=[])
    trainer = _timed_ordered_trainer_class()(model=torch.nn.Linear(1, 1), args=arguments,
                                             train_dataset=Dataset.from_list(features.inputs))
    trainer.token_counts = features.token_counts()
    assert trainer._get_train_sampler().lengths == lengths  # transformers' own would group by windows: all 1
