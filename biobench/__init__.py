"""biobench: benchmark compact biomedical language models."""

__version__ = "0.1.0"
