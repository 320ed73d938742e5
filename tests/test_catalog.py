from pathlib import Path

import pytest
import torch

from biobench import catalog
from biobench.models.build import load_encoder
from biobench.models.build import export_encoder
from biobench.models.loading import count_parameters
from biobench.errors import BiobenchError, UnknownNameError
from biobench.models.cards import load_cards, resolve_model
from builders import write_plugin


def test_builtin_tasks_are_found():
    names = set(catalog.task_folders())
    assert {"ncbi-disease", "ncbi-disease-pubtator", "bc5cdr-chem", "bc5cdr-disease", "bc2gm", "jnlpba",
            "species-800"} <= names


def test_tasks_dir_adds_plugins(ncbi_slice):
    assert "ncbi-slice" in catalog.task_folders([ncbi_slice.parent])
    assert catalog.load_task("ncbi-slice", [ncbi_slice.parent]).name == "ncbi-slice"


def test_a_plugin_folder_is_accepted_as_a_name(ncbi_slice):
    assert catalog.load_task(str(ncbi_slice)).name == "ncbi-slice"


def test_unknown_task_suggests():
    with pytest.raises(UnknownNameError, match="did you mean 'ncbi-disease'"):
        catalog.load_task("ncbi-diseases")


def test_duplicate_task_names_are_refused(tmp_path, ncbi_slice):
    files = {"train": "a\tO\n", "validation": "a\tO\n", "test": "a\tO\n"}
    write_plugin(tmp_path / "other" / "copy", "ncbi-slice", files)
    with pytest.raises(BiobenchError, match="defined twice"):
        catalog.task_folders([ncbi_slice.parent, tmp_path / "other"])


def test_entry_point_plugins(monkeypatch, ncbi_slice):
    class EntryPoint:
        def load(self):
            return lambda: [str(ncbi_slice.parent)]

    monkeypatch.setattr(catalog, "entry_points", lambda group: [EntryPoint()] if group == "biobench.tasks" else [])
    assert "ncbi-slice" in catalog.task_folders()


def test_model_cards_and_resolution(tiny_bert):
    cards = catalog.model_cards()
    assert {"minilm-l6", "biobert-v1.2", "pubmedbert", "distilbiobert", "compactbiobert", "tinybiobert",
            "biomobilebert", "bio-minialbert-128"} <= set(cards)
    assert Path(cards["minilm-l6"].location(), "model.safetensors").is_file()
    local = resolve_model(str(tiny_bert), cards)
    assert (local.kind, local.source) == ("hf", str(tiny_bert.resolve()))
    hub = resolve_model("dmis-lab/biobert-base-cased-v1.2", cards)
    assert (hub.kind, hub.source) == ("hf", "dmis-lab/biobert-base-cased-v1.2")
    assert resolve_model("nlpie/bio-miniALBERT-128", cards).kind == "minialbert"
    with pytest.raises(UnknownNameError, match="did you mean 'minilm-l6'"):
        resolve_model("minilm-l7", cards)


def test_card_sources_starting_with_dot_are_relative_to_the_card(tmp_path):
    (tmp_path / "student.yaml").write_text("name: student\nkind: minialbert\nsource: ./student\n")
    card = load_cards(tmp_path)["student"]
    assert card.location() == str((tmp_path / "student").resolve())
    assert card.source == "./student"  # recorded as declared: the same identity in every checkout


def test_export_keeps_the_encoder_in_half_precision_and_reloads_in_float32(tmp_path, tiny_bert):
    card = resolve_model(str(tiny_bert), {})
    counts = export_encoder(card, tmp_path / "exported", "float16")
    assert (tmp_path / "exported" / "tokenizer.json").is_file()
    original = load_encoder(card)
    exported = load_encoder(resolve_model(str(tmp_path / "exported"), {}))
    assert counts.unique == count_parameters(exported).unique
    weights = dict(exported.named_parameters())
    for name, parameter in original.named_parameters():
        assert weights[name].dtype == torch.float32
        if name.startswith("pooler"):  # not in the tiny checkpoint: freshly initialised at each load
            continue
        assert torch.allclose(weights[name], parameter.half().float())


def test_the_shipped_student_loads_offline_at_under_30_percent_of_its_teacher():
    cards = catalog.model_cards()
    student = load_encoder(cards["minialbert-minilm-l6"])
    teacher = load_encoder(cards["minilm-l6"])
    assert student.config.model_type == "minialbert" and next(student.parameters()).dtype == torch.float32
    assert count_parameters(student).unique == 6_032_160
    assert count_parameters(student).unique <= 0.30 * count_parameters(teacher).unique
