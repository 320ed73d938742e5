"""Sentence-level relations read the literature's way: entity markers as added tokens, the entity-start head,
windows that keep both entities, and the task's own negative label."""

import json

import pytest
import torch
import yaml
from transformers import AutoModel, AutoTokenizer
from typer.testing import CliRunner

from biobench.cli import app
from biobench.families.entity_markers import marked_pair_text, pair_tokens
from biobench.families.relation import RELATION, RelationFamily, pair_window
from biobench.feature_cache import feature_key
from biobench.catalog import load_task
from biobench.models.build import build_task_model, load_task_tokenizer
from biobench.catalog import model_cards
from biobench.models.cards import resolve_model as _resolve
from biobench.models.heads import EntityStartClassifier
from biobench.models.variant import Variant
from biobench.records import NO_RELATION
from builders import write_plugin



def resolve_model(reference: str):
    return _resolve(reference, model_cards())


CHEMPROT = {"id": "c", "text": "<< aspirin >> inhibits [[ COX-2 ]] .", "label": "INHIBITOR"}
GAD = {"id": "g", "text": "the @GENE$ variant and @DISEASE$ risk", "label": "1"}
BIOC = CHEMPROT | {"id": "b", "head": {"id": "D1", "type": "Chemical", "spans": []},
                   "tail": {"id": "D2", "type": "Disease", "spans": []}}


def test_reader_marks_become_marker_tokens_typed_where_records_name_types():
    assert marked_pair_text(CHEMPROT) == "[E1] aspirin [/E1] inhibits [E2] COX-2 [/E2] ."
    assert marked_pair_text(BIOC) == "[E1:Chemical] aspirin [/E1:Chemical] inhibits [E2:Disease] COX-2 [/E2:Disease] ."
    assert marked_pair_text(GAD) == GAD["text"]  # the placeholder itself is the marker
    assert pair_tokens([CHEMPROT, GAD]) == ["@DISEASE$", "@GENE$", "[/E1]", "[/E2]", "[E1]", "[E2]"]


def test_markers_are_added_tokens_in_the_same_order_every_time(tiny_bert):
    card = resolve_model(str(tiny_bert))
    first, second = (load_task_tokenizer(card, RELATION, [GAD, CHEMPROT]) for _ in range(2))
    plain = AutoTokenizer.from_pretrained(tiny_bert)
    assert len(first) == len(plain) + 6 and first.get_added_vocab() == second.get_added_vocab()
    assert first.tokenize("the @GENE$ and [E1] x") == ["the", "@GENE$", "and", "[E1]", "x"]
    task = load_task("gad")
    assert feature_key(first, task, "train", ["none", "1"], 128) == feature_key(second, task, "train", ["none", "1"],
                                                                                  128)
    assert feature_key(first, task, "train", ["none", "1"], 128) != feature_key(plain, task, "train", ["none", "1"],
                                                                                  128)


def test_entity_starts_point_at_the_opening_markers(tiny_bert):
    tokenizer = load_task_tokenizer(resolve_model(str(tiny_bert)), RELATION, [CHEMPROT, GAD])
    features = RELATION.featurize([CHEMPROT, GAD], tokenizer, 32, {"INHIBITOR": 0, "1": 1})
    for inputs, first, second in zip(features.inputs, ["[E1]", "@GENE$"], ["[E2]", "@DISEASE$"]):
        tokens = tokenizer.convert_ids_to_tokens(inputs["input_ids"])
        assert (tokens[inputs["e1_start"]], tokens[inputs["e2_start"]]) == (first, second) and tokens[0] == "[CLS]"


def test_a_plain_tokenizer_is_refused(tiny_bert):
    with pytest.raises(Exception, match="lacks the entity marker"):
        RELATION.featurize([CHEMPROT], AutoTokenizer.from_pretrained(tiny_bert), 32, {"INHIBITOR": 0})


def test_windows_never_cut_a_marker_away(tiny_bert):
    """A long sentence keeps a window holding both entities; entities farther apart than a window keep a piece
    around each; both are counted."""
    filler = " ".join(["the"] * 60)
    near = {"id": "n", "text": f"{filler} << a >> and [[ b ]] end", "label": "X"}
    far = {"id": "f", "text": f"<< a >> {filler} [[ b ]] end", "label": "X"}
    tokenizer = load_task_tokenizer(resolve_model(str(tiny_bert)), RELATION, [near, far])
    features = RELATION.featurize([near, far], tokenizer, 24, {"X": 0})
    for inputs in features.inputs:
        tokens = tokenizer.convert_ids_to_tokens(inputs["input_ids"])
        assert len(tokens) == 24 and tokens[inputs["e1_start"]] == "[E1]" and tokens[inputs["e2_start"]] == "[E2]"
    assert "[/E2]" in tokenizer.convert_ids_to_tokens(features.inputs[0]["input_ids"])
    counts = RELATION.feature_counts([near, far], features)
    assert counts["pairs cut to a window holding both entities"] == 1
    assert counts["pairs in two pieces (entities farther apart than a window)"] == 1
    assert pair_window(100, [10, 20], [12, 22], 50) == [(0, 50)]
    assert pair_window(100, [5, 90], [None, None], 20) == [(3, 13), (88, 98)]


@pytest.mark.parametrize("side", ["right", "left"])
def test_the_collator_keeps_the_entity_positions_on_their_tokens(tiny_bert, side):
    tokenizer = load_task_tokenizer(resolve_model(str(tiny_bert)), RELATION, [CHEMPROT, GAD])
    features = RELATION.featurize([CHEMPROT, GAD], tokenizer, 32, {"INHIBITOR": 0, "1": 1})
    tokenizer.padding_side = side
    batch = RELATION.collator(tokenizer)(features.inputs)
    ids = batch["input_ids"]
    assert ids.shape[0] == 2 and ids.shape[1] > min(len(f["input_ids"]) for f in features.inputs)
    for row, first, second in zip(range(2), ["[E1]", "@GENE$"], ["[E2]", "@DISEASE$"]):
        tokens = tokenizer.convert_ids_to_tokens(ids[row])
        assert (tokens[batch["e1_start"][row]], tokens[batch["e2_start"][row]]) == (first, second)


def test_entity_start_head_reads_the_concatenated_start_vectors(tiny_bert):
    torch.manual_seed(0)
    model = EntityStartClassifier(AutoModel.from_pretrained(tiny_bert), {"num_labels": 3}).eval()
    ids = torch.randint(5, 100, (2, 9))
    mask = torch.tensor([[1] * 9, [1] * 6 + [0] * 3])
    e1, e2 = torch.tensor([1, 2]), torch.tensor([4, 5])
    hidden = model.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
    expected = model.classifier(torch.cat([hidden[1, 2], hidden[1, 5]])[None])
    output = model(input_ids=ids, attention_mask=mask, e1_start=e1, e2_start=e2, labels=torch.tensor([0, 2]))
    assert torch.allclose(output.logits[1:], expected, atol=1e-6) and output.loss > 0


@pytest.mark.parametrize("head", ["entity-start", "cls", "mean"])
def test_the_embeddings_grow_to_hold_the_markers(tiny_bert, head):
    card = resolve_model(str(tiny_bert))
    tokenizer = load_task_tokenizer(card, RELATION, [CHEMPROT])
    model = build_task_model(card, RELATION, ["INHIBITOR", "X"], Variant(head=head, precision="fp32"), tokenizer)
    assert model.base_model.get_input_embeddings().num_embeddings == len(tokenizer)
    features = RELATION.featurize([CHEMPROT], tokenizer, 32, {"INHIBITOR": 0, "X": 1})
    batch = {key: torch.tensor([value]) for key, value in features.inputs[0].items()}
    if head != "entity-start":
        batch = {key: value for key, value in batch.items() if not key.startswith("e")}
    assert model(**batch).logits.shape == (1, 2)


def test_auto_picks_entity_start_for_relations_even_for_a_mean_pooled_model():
    card = resolve_model("minilm-l6")  # declares mean pooling (sentence-transformers)
    pair = load_task("nli4ct").family
    assert Variant().resolved(card, RELATION).head == "entity-start"
    assert Variant(head="cls").resolved(card, RELATION).head == "cls"
    assert Variant().resolved(card, pair).head == "mean"
    assert Variant(head="entity-start").resolved(card, pair).head == "mean"  # not a head pairs offer


def _relation_plugin(tmp_path, labels, **fields):
    lines = "".join(json.dumps({"text": f"<< a{i} >> x [[ b ]]", "label": label}) + "\n"
                    for i, label in enumerate(labels))
    return write_plugin(tmp_path / "rel", "rel", {"train": lines, "validation": lines, "test": lines},
                        family="relation", format="jsonl", **fields)


def test_validate_refuses_a_negative_label_the_data_lacks(tmp_path):
    runner = CliRunner()
    plugin = _relation_plugin(tmp_path, ["false", "binds", "false"])
    result = runner.invoke(app, ["tasks", "validate", str(plugin)])
    assert result.exit_code == 2 and "negative label 'none'" in result.output
    assert len(result.output.strip().splitlines()) == 1
    spec = yaml.safe_load((plugin / "task.yaml").read_text()) | {"family_options": {"negative_label": "false"}}
    (plugin / "task.yaml").write_text(yaml.safe_dump(spec))
    result = runner.invoke(app, ["tasks", "validate", str(plugin)])
    assert result.exit_code == 0, result.output


def test_unknown_family_options_are_refused(tmp_path):
    plugin = _relation_plugin(tmp_path, ["none", "binds"], family_options={"negativ_label": "none"})
    result = CliRunner().invoke(app, ["tasks", "validate", str(plugin)])
    assert result.exit_code == 2 and "negativ_label" in result.output and "negative_label" in result.output


def test_the_declared_negative_label_is_left_out_of_the_metric():
    family = RelationFamily(negative_label="false")
    records = [{"id": str(i), "text": "", "label": label} for i, label in enumerate(["binds", "false", "false"])]
    predicted = ["binds", "binds", "false"]
    scores = family.score(records, predicted)
    assert scores["precision"] == pytest.approx(0.5) and set(scores["per_class"]) == {"binds"}
    rows = family.prediction_rows(records, predicted)
    assert family.main_from_statistics(family.paired_statistics(rows).sum(axis=0)) == pytest.approx(scores["f1"])
    assert RELATION.negative_label == NO_RELATION and "negative=false" in family.metric_version
    everything = RelationFamily(negative_label=None).score(records, predicted)
    assert everything["f1"] == pytest.approx(2 / 3)  # no negative class: micro F1 is accuracy
