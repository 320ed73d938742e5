"""Headless Chromium for the leaderboard page: the DOM after the page's own script ran, and a screenshot.

No driver library: Chromium's ``--dump-dom`` and ``--screenshot`` switches, in a fresh profile folder, with
everything that would reach the network switched off. ``tests/install-chromium.sh`` installs Debian's package.

    python tests/leaderboard/chromium.py PAGE.html SHOT.png [WIDTH]   # the whole page, e.g. a committed leaderboard
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
SWITCHES = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--hide-scrollbars", "--force-device-scale-factor=1"]


def binary() -> str | None:
    """The Chromium on this machine's PATH, or None."""
    return next((found for found in map(shutil.which, NAMES) if found), None)


def _run(arguments: list[str], timeout: float) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="biobench-chromium-") as profile:
        return subprocess.run([binary(), *SWITCHES, f"--user-data-dir={profile}", *arguments],
                              capture_output=True, text=True, timeout=timeout, check=True)


def dump_dom(page: Path, fragment: str = "", timeout: float = 90) -> str:
    """The page's DOM once it has loaded and run its scripts (``fragment``: the address after ``#``)."""
    address = Path(page).resolve().as_uri() + (f"#{fragment}" if fragment else "")
    return _run(["--dump-dom", address], timeout).stdout


def screenshot(page: Path, target: Path, width: int = 1400, height: int = 900, timeout: float = 90) -> Path:
    """A PNG of the page at ``width`` x ``height`` CSS pixels."""
    target = Path(target).resolve()
    _run([f"--screenshot={target}", f"--window-size={width},{height}", Path(page).resolve().as_uri()], timeout)
    return target


def whole_page(page: Path, target: Path, width: int = 1400, margin: int = 24) -> Path:
    """A PNG of the whole page at ``width`` CSS pixels: a tall window, cut below the last thing drawn."""
    import matplotlib.image

    screenshot(page, target, width, 6000)
    pixels = matplotlib.image.imread(target)
    drawn = (pixels[:, :, :3] < 0.99).any(axis=(1, 2)).nonzero()[0]
    bottom = min(len(pixels), (drawn[-1] + 1 + margin) if len(drawn) else len(pixels))
    matplotlib.image.imsave(target, pixels[:bottom, :, :3])
    return target


if __name__ == "__main__":
    page, shot, *width = sys.argv[1:]
    print(whole_page(Path(page), Path(shot), *map(int, width)))
