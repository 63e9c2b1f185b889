"""What the benchmarks' command lines share: a count that must be at least 1 (rounds, calls, seconds, jobs...),
refused by argparse in one line and exit code 2 rather than by a division by zero rounds later."""

from __future__ import annotations

import argparse
from pathlib import Path


def positive(text: str) -> int:
    """An ``argparse`` type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is too small: give 1 or more")
    return value


def checkout(text: str) -> Path:
    """An ``argparse`` type: a tree holding the fake's sources, to measure beside this one. A folder without
    them would leave this checkout's fake on the children's path, measured twice under two names."""
    tree = Path(text)
    if not (tree / "fake_server" / "__init__.py").is_file():
        raise argparse.ArgumentTypeError(
            f"{text} holds no fake_server/: give a checkout of another commit (git worktree add DIR REV)"
        )
    return tree
