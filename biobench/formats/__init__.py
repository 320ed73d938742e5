"""Format readers: published files in, family records out (no torch here)."""
