"""The ``biobench`` command line: everything that prints or picks an exit code lives in this package.

Heavy libraries (torch, transformers) are imported inside the commands that
need them, so ``biobench --help`` and the listing commands start fast.
"""

# Each module registers its commands on ``app``, in the order ``--help`` lists them.
from biobench.cli import run  # noqa: F401  isort: skip
from biobench.cli import results  # noqa: F401  isort: skip
from biobench.cli import models  # noqa: F401  isort: skip
from biobench.cli import tasks  # noqa: F401  isort: skip
from biobench.cli import distill  # noqa: F401  isort: skip
from biobench.cli import share  # noqa: F401  isort: skip
from biobench.cli.app import app

__all__ = ["app"]
