"""The fenced code blocks of README.md and docs/**/*.md, with the marker each carries.

A block may be preceded (directly, or across one blank line) by an HTML comment that says how it runs:

- ``<!-- not-run: REASON -->``: it cannot run as shown (a live tenant, a server that runs until stopped);
- ``<!-- run: served -->``: a shell block run against a served fake (``127.0.0.1:8765`` becomes its port);
- ``<!-- run: pytest -->``: a Python block that is a test module, run under pytest;
- ``<!-- run-by: tests/test_x.py NAME -->``: the named test runs it, finding it by NAME with :func:`named`.

Unmarked ``python`` and ``sh`` blocks run as they are; ``toml``, ``json`` and ``yaml`` blocks must parse; ``text``
blocks are output and layouts, shown, not run. tests/test_doc_blocks.py runs them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^(\s*)```(\S*)\s*$")
MARKER = re.compile(r"^\s*<!--\s*(not-run|run|run-by):\s*(.*?)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced block: where it is, its language, its marker (kind and value) and its code."""

    path: Path
    line: int  # of the opening fence, from 1
    language: str
    code: str
    marker: str = ""
    value: str = ""

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def blocks(path: Path) -> list[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        indent, language = opening.groups()
        end = index + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        code = "\n".join(line.removeprefix(indent) for line in lines[index + 1 : end]) + "\n"
        marker, value = "", ""
        before = index - 1
        if before >= 0 and not lines[before].strip():
            before -= 1
        if before >= 0 and (match := MARKER.match(lines[before])):
            marker, value = match.groups()
        found.append(Block(path, index + 1, language, code, marker, value))
        index = end + 1
    return found


def every_block() -> list[Block]:
    return [block for path in documents() for block in blocks(path)]


def named(relative: str, name: str) -> Block:
    """The block marked ``<!-- run-by: TEST NAME -->`` in the document at ``relative`` (from the root)."""
    matches = [b for b in blocks(ROOT / relative) if b.marker == "run-by" and b.value.split()[-1] == name]
    assert len(matches) == 1, f"{relative} has {len(matches)} blocks named {name}"
    return matches[0]
