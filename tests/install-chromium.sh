#!/usr/bin/env bash
# Headless Chromium for the leaderboard page's browser test (tests/leaderboard/test_page.py skips without it).
# Idempotent: nothing to do where a chromium is already on PATH.
set -euo pipefail
command -v chromium || (apt-get update && apt-get install -y --no-install-recommends chromium)
