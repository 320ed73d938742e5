"""What a model source holds, checked before any work: a readable config of a known type, no code to run
unless allowed, and, for a Hub id, a Hub that answers (or a cached copy) within seconds.

``check_source`` returns the model's config as a dict (e.g. for its number of positions).
"""

from __future__ import annotations

import json
import math
import os
import socket
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

from biobench.errors import BiobenchError, DataError
from biobench.models.cards import ModelCard

HUB_PROBE_SECONDS = 3.0
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")


def check_source(card: ModelCard) -> dict:
    """The card's config, after refusing what cannot or must not be loaded; one line naming the problem."""
    from biobench.registry import MODEL_KINDS

    location = card.location()
    if Path(location).is_dir():
        config = _folder_config(Path(location))
        _check_weights(Path(location))
    else:
        config = _hub_config(card)
    model_type = config.get("model_type")
    if not MODEL_KINDS.get(card.kind).knows_model_type(model_type):
        raise BiobenchError(
            f"model {card.name!r}: refused: model_type {model_type!r} is not one this transformers "
            f"({_transformers_version()}) or biobench knows; upgrade transformers, or give the model's kind in a card"
        )
    if config.get("auto_map") and not card.trust_remote_code:
        raise BiobenchError(
            f"model {card.name!r}: refused: its config asks to run code shipped with the model (auto_map); "
            "pass --trust-remote-code only if you trust its source"
        )
    return config


def weights_bytes(card: ModelCard) -> int:
    """The size of the card's weights in float32 (as checkpoints store them), where they are on disk; else 0."""
    from safetensors import safe_open

    folder = Path(card.location())
    elements = 0
    for path in folder.glob("*.safetensors") if folder.is_dir() else []:
        with safe_open(path, "pt") as weights:
            elements += sum(math.prod(weights.get_slice(name).get_shape()) for name in weights.keys())
    return 4 * elements


def fetch(card: ModelCard) -> None:
    """Download a Hub model's files into the local cache (huggingface_hub shows its progress bars), so a run
    that starts with a network never stops halfway for one; nothing to do for a local folder or offline."""
    from huggingface_hub import constants, snapshot_download

    if Path(card.location()).is_dir() or constants.HF_HUB_OFFLINE or not _hub_answers(constants.ENDPOINT):
        return
    files = ["*.json", "*.txt", "*.model", "*.safetensors"]
    try:
        folder = Path(snapshot_download(card.location(), revision=card.revision, allow_patterns=files))
        if not any(folder.glob("*.safetensors")):  # an older checkpoint: its pickled weights, read tensors-only
            snapshot_download(card.location(), revision=card.revision, allow_patterns=["*.bin"])
    except Exception as error:  # unknown or gated repository, a network that fails midway
        raise BiobenchError(f"model {card.name!r}: cannot download it from the Hub ({_reason(error)})") from None


def max_positions(config: dict) -> int | None:
    """How many tokens the model can read (its position embeddings), where the config says."""
    return config.get("max_position_embeddings")


def _folder_config(folder: Path) -> dict:
    path = folder / "config.json"
    if not path.is_file():
        raise DataError(folder, "not a model folder: no config.json")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise DataError(path, f"not readable JSON ({error})") from None


def _check_weights(folder: Path) -> None:
    if any(folder.glob("*.safetensors")) or (folder / "model.safetensors.index.json").is_file():
        return
    pickles = sorted(path for path in folder.iterdir() if path.suffix in PICKLE_SUFFIXES)
    if not pickles:
        raise DataError(folder, "no weights: no *.safetensors (or *.bin) file")
    for path in pickles:  # a pickle is read as torch reads it for transformers: tensors only
        _check_pickle(path)


def _check_pickle(path: Path) -> None:
    import pickle
    import warnings

    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            try:
                torch.load(path, map_location="cpu", weights_only=True, mmap=True)
            except RuntimeError:  # not a zip checkpoint: mmap cannot apply
                torch.load(path, map_location="cpu", weights_only=True)
        except pickle.UnpicklingError:
            raise DataError(path, "refused: this pickle holds objects beyond tensors, and loading it would run code; "
                                  "convert the weights to safetensors where you trust their source") from None


def _hub_config(card: ModelCard) -> dict:
    """config.json of a Hub model: from the Hub when it answers, else from the local cache, else an error."""
    from huggingface_hub import constants, hf_hub_download, try_to_load_from_cache

    cached = try_to_load_from_cache(card.location(), "config.json", revision=card.revision)
    if not constants.HF_HUB_OFFLINE and not _hub_answers(constants.ENDPOINT):
        if not isinstance(cached, str):
            raise BiobenchError(
                f"model {card.name!r}: the Hub ({constants.ENDPOINT}) cannot be reached and the model is not in the "
                "local cache; connect, or give a local model folder"
            )
        _go_offline()
    try:
        path = hf_hub_download(card.location(), "config.json", revision=card.revision)
    except Exception as error:  # offline and not cached, unknown or gated repository
        raise BiobenchError(f"model {card.name!r}: cannot read its config from the Hub ({_reason(error)})") from None
    return json.loads(Path(path).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _hub_answers(endpoint: str) -> bool:
    """Whether the Hub's host takes a TCP connection within a few seconds (no retries, no waiting out timeouts)."""
    address = urlparse(endpoint)
    port = address.port or (443 if address.scheme == "https" else 80)
    try:
        socket.create_connection((address.hostname, port), timeout=HUB_PROBE_SECONDS).close()
        return True
    except OSError:
        return False


def _go_offline() -> None:
    """Use cached files only from now on, as ``HF_HUB_OFFLINE=1`` would (no retries against an absent network)."""
    from huggingface_hub import constants

    os.environ["HF_HUB_OFFLINE"] = "1"
    constants.HF_HUB_OFFLINE = True


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def _transformers_version() -> str:
    import transformers

    return transformers.__version__
