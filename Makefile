# Quick start: `make demo` (benchmark the embedded default, write a leaderboard) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
TORCH  ?= torch==2.13.0
# Elsewhere, point pip at PyTorch's CPU wheel index here, e.g. TORCH_PIP_ARGS="--index-url <cpu index>".
TORCH_PIP_ARGS ?=

.PHONY: install demo test clean

$(BIN)/biobench: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# CPU torch first, so the dependency below does not pull a multi-GB CUDA build
	$(BIN)/python -m pip install --quiet $(TORCH_PIP_ARGS) '$(TORCH)'
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/biobench

demo: install
	$(BIN)/biobench run

test: install
	$(BIN)/ruff check biobench tests benchmarks
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) results .pytest_cache
