"""Fixtures for the MiniALBERT tests: golden checkpoints and inputs from the reference implementation."""

import json
from pathlib import Path

import pytest
import torch

import biobench.minialbert  # noqa: F401  (registers the minialbert model type with the Auto classes)

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "minialbert"


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """Folder of the golden checkpoints, inputs and expected outputs (see its README.md)."""
    return REFERENCE_DIR


@pytest.fixture(scope="session")
def reference_inputs() -> dict[str, torch.Tensor]:
    """The padded two-sentence batch the expected outputs were computed on."""
    inputs = json.loads((REFERENCE_DIR / "inputs.json").read_text())
    return {name: torch.tensor(values) for name, values in inputs.items()}


@pytest.fixture(autouse=True)
def _deterministic_torch():
    """Seed every test, so freshly initialised heads are reproducible."""
    torch.manual_seed(0)
