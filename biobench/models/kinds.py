"""Kinds of model (``kind:`` of a model card), each registered in ``biobench.registry.MODEL_KINDS``.

A kind knows how to load its checkpoints with a task head or bare, how to
freeze them for adapter tuning, whether they have a depth to cut, which
pooling they declare, and which checkpoint folders are theirs. Adding a kind
is one class here (or in a plugin) and one ``MODEL_KINDS.register`` line.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from biobench.errors import BiobenchError
from biobench.models.cards import ModelCard

if TYPE_CHECKING:
    import torch

SENTENCE_TRANSFORMERS_POOLING = "sentence_transformers.models.Pooling"


class HfKind:
    """Any transformers model loaded through its Auto classes (BERT, PubMedBERT, MiniLM, ...)."""

    has_depth = False

    def load_task_model(self, card: ModelCard, auto_class: str, head_options: dict, recursions: int | None = None):
        """The card's weights under a fresh task head of ``auto_class`` (``AutoModel``: no head), in float32.

        A half-precision checkpoint is fine-tuned in full precision (``--precision bf16`` autocasts).
        """
        import torch
        import transformers

        options = dict(head_options, revision=card.revision, trust_remote_code=card.trust_remote_code)
        return _loaded(card, lambda: getattr(transformers, auto_class).from_pretrained(
            card.location(), dtype=torch.float32, **options))

    def load_encoder(self, card: ModelCard, recursions: int | None = None) -> "torch.nn.Module":
        """The bare encoder (no head) in eval mode."""
        return self.load_task_model(card, "AutoModel", {}, recursions).eval()

    def prepare_adapter_tuning(self, model) -> None:
        """Insert Houlsby bottleneck adapters and freeze the backbone but its LayerNorms."""
        from biobench.models.tuning import insert_houlsby_adapters

        insert_houlsby_adapters(model)

    def declared_pooling(self, card: ModelCard) -> str:
        """``mean`` where the model's sentence-transformers files say it averages its tokens, else ``cls``."""
        return _declared_pooling(card.location(), card.revision)

    def knows_model_type(self, model_type: str | None) -> bool:
        """Whether checkpoints of this ``model_type`` load as this kind."""
        from transformers.models.auto.configuration_auto import CONFIG_MAPPING

        return model_type in CONFIG_MAPPING

    def claims(self, config: dict) -> bool:
        """Whether a checkpoint's ``config.json`` is of this kind (``hf``, the fallback, takes every one)."""
        return True

    def claims_hub_id(self, hub_id: str) -> bool:
        """Whether a Hub id names a model of this kind (``hf``, the fallback, takes every one)."""
        return True


class MiniAlbertKind(HfKind):
    """MiniALBERT students: published nlpie checkpoints (``model_type: albert``) and our own saves."""

    has_depth = True

    def load_task_model(self, card: ModelCard, auto_class: str, head_options: dict, recursions: int | None = None):
        import torch

        import biobench.minialbert as minialbert
        from biobench.minialbert.loading import load_minialbert

        # AutoModel -> MiniAlbertModel, AutoModelForX -> MiniAlbertForX
        task_class = getattr(
            minialbert, auto_class.replace("AutoModelFor", "MiniAlbertFor").replace("AutoModel", "MiniAlbertModel")
        )
        return _loaded(card, lambda: load_minialbert(
            card.location(), task_class, recursions=recursions, revision=card.revision, dtype=torch.float32,
            **head_options))

    def prepare_adapter_tuning(self, model) -> None:
        """Train the student's own per-recursion adapters and the head; freeze the rest."""
        from biobench.models.tuning import freeze_all_but_minialbert_adapters

        freeze_all_but_minialbert_adapters(model)

    def knows_model_type(self, model_type: str | None) -> bool:
        return model_type in ("minialbert", "albert")

    def claims(self, config: dict) -> bool:
        return config.get("model_type") == "minialbert" or "use_adapter" in config

    def claims_hub_id(self, hub_id: str) -> bool:
        return "minialbert" in hub_id.lower()


def _loaded(card: ModelCard, load):
    import pickle

    try:
        return load()
    except pickle.UnpicklingError as error:
        raise BiobenchError(
            f"model {card.name!r}: refused: its pickled weights hold more than tensors, and loading them would run "
            f"code ({str(error).splitlines()[0][:120]}); convert them to safetensors where you trust their source"
        ) from None
    except OSError as error:
        raise BiobenchError(f"cannot load model {card.name!r} from {card.location()!r}: {error}") from None


@lru_cache(maxsize=None)
def _declared_pooling(location: str, revision: str | None) -> str:
    modules = _model_json(location, "modules.json", revision)
    for module in modules or []:
        if module.get("type") == SENTENCE_TRANSFORMERS_POOLING:
            config = _model_json(location, f"{module['path']}/config.json", revision) or {}
            return "mean" if config.get("pooling_mode_mean_tokens") else "cls"
    return "cls"


def _model_json(location: str, name: str, revision: str | None):
    """A JSON file of a local model folder or a Hub repository; ``None`` where the model has no such file.

    Anything else (no network, a gated repository) is an error: guessing would put
    the same command's results in different folders online and offline.
    """
    if Path(location).is_dir():
        path = Path(location) / name
        if not path.is_file():
            return None
    else:
        from huggingface_hub import hf_hub_download
        from huggingface_hub.errors import RemoteEntryNotFoundError

        try:
            path = Path(hf_hub_download(location, name, revision=revision))
        except RemoteEntryNotFoundError:
            return None
        except Exception as error:  # offline, gated, unknown repository
            raise BiobenchError(
                f"model {location!r}: cannot read {name} to choose its sentence-level head ({type(error).__name__}); "
                "connect, or choose the head with --pooling cls or --pooling mean"
            ) from None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BiobenchError(f"{path}: not readable JSON ({error})") from None


HF = HfKind()
MINIALBERT = MiniAlbertKind()
