"""Model cards: the built-in ``models/*.yaml``, a Hub id, or a local directory.

A card says how to load a model (``kind``) and from where (``source``): a Hub
id, a local path (``./NAME`` is relative to the card's folder, e.g. a student
shipped beside its card), or ``package:MODULE/PATH`` for weights shipped inside
an installed Python package (the embedded, offline default).
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, PrivateAttr, field_validator

from biobench.errors import BiobenchError, UnknownNameError
from biobench.registry import MODEL_KINDS
from biobench.yaml_spec import load_yaml_spec

HUB_ID = re.compile(r"^[\w.-]+/[\w.-]+$")


class FineTuning(BaseModel):
    """A card's recommended fine-tuning hyperparameters: they replace the task's for this model, and the
    command line's replace them. ``lr`` is for full fine-tuning (adapters and LoRA keep their own)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lr: float | None = None
    epochs: float | None = None
    warmup_ratio: float | None = None
    chosen: str = ""  # how they were chosen, in words (on validation only)

    def applied(self, tuning: str) -> dict:
        """The hyperparameters that apply to ``tuning`` (full, adapters, lora)."""
        values = {"lr": self.lr if tuning == "full" else None, "epochs": self.epochs,
                  "warmup_ratio": self.warmup_ratio}
        return {key: float(value) for key, value in values.items() if value is not None}


class ModelCard(BaseModel):
    """The fields of a ``models/NAME.yaml`` card."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    kind: str  # a name in biobench.registry.MODEL_KINDS
    source: str
    revision: str | None = None
    tokenizer: str | None = None
    description: str = ""
    parameters: str = ""
    license: str = ""
    citation: str = ""
    notes: str = ""
    trust_remote_code: bool = False
    fine_tuning: FineTuning | None = None

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in MODEL_KINDS:
            raise ValueError(str(UnknownNameError("model kind", value, MODEL_KINDS.names())))
        return value

    _folder: Path | None = PrivateAttr(default=None)  # the card file's folder: ``./`` sources are relative to it

    def location(self) -> str:
        """Where ``from_pretrained`` should look: a path or a Hub id."""
        return resolve_source(self.source, self._folder)

    def tokenizer_location(self) -> str:
        return resolve_source(self.tokenizer, self._folder) if self.tokenizer else self.location()


def resolve_source(source: str, folder: Path | None = None) -> str:
    """A card's source as a path or Hub id: ``./x`` against the card's folder, ``package:`` inside a package."""
    if source.startswith("./") and folder is not None:
        return str((folder / source).resolve())
    if not source.startswith("package:"):
        return source
    module, _, inner = source[len("package:") :].partition("/")
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise BiobenchError(f"package {module!r} is not installed (needed for model source {source!r})")
    return str(Path(next(iter(spec.submodule_search_locations))) / inner)


def load_cards(folder: Path) -> dict[str, ModelCard]:
    cards = {}
    for path in sorted(folder.glob("*.yaml")):
        card = load_yaml_spec(path, ModelCard)
        card._folder = path.parent  # sources stay as declared (results name them so on every machine)
        if card.name in cards:
            raise BiobenchError(f"{path}: model card {card.name!r} is defined twice")
        cards[card.name] = card
    return cards


def resolve_model(reference: str, cards: dict[str, ModelCard]) -> ModelCard:
    """A registered name, a local directory or a Hub id, in that order."""
    if reference in cards:
        return cards[reference]
    path = Path(reference).expanduser()
    if path.is_dir():
        return ModelCard(name=path.resolve().name, kind=_kind_of_directory(path), source=str(path.resolve()))
    if HUB_ID.match(reference) and not path.exists():
        return ModelCard(name=reference, kind=_kind_of_hub_id(reference), source=reference)
    raise UnknownNameError("model (not a card name, a local directory or a Hub id)", reference, list(cards))


def _kind_of_directory(path: Path) -> str:
    config_path = path / "config.json"
    if not config_path.is_file():
        raise BiobenchError(f"{path}: not a model directory (no config.json)")
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BiobenchError(f"{config_path}: not readable JSON ({error})") from None
    return _first_kind(lambda kind: kind.claims(config))


def _kind_of_hub_id(hub_id: str) -> str:
    return _first_kind(lambda kind: kind.claims_hub_id(hub_id))


def _first_kind(test) -> str:
    """The first registered kind, other than the fallback ``hf``, that passes ``test``; else ``hf``."""
    for name in MODEL_KINDS.names():
        if name != "hf" and test(MODEL_KINDS.get(name)):
            return name
    return "hf"
