"""Headless Chromium for the leaderboard page: the DOM after the page's own script ran, and a screenshot.

No driver library: Chromium's ``--dump-dom`` and ``--screenshot`` switches, in a fresh profile folder, with
everything that would reach the network switched off. ``tests/install-chromium.sh`` installs Debian's package.

    python tests/chromium.py PAGE.html SHOT.png [WIDTH HEIGHT]    # a screenshot, e.g. of a committed leaderboard
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


if __name__ == "__main__":
    page, shot, *size = sys.argv[1:]
    print(screenshot(Path(page), Path(shot), *map(int, size)))
