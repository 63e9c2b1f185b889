"""docs/behaviours.md stays true: each row names a known evidence level and tests that exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "behaviours.md"
LEVELS = {"LIVE", "CLIENT", "DOCS", "INFERRED"}
TEST_REF = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def _rows() -> list[list[str]]:
    rows = []
    for line in DOC.read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 6 and cells[0] not in ("behaviour",) and set(cells[0]) != {"-"}:
            rows.append(cells)
    return rows


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}


def test_every_behaviour_row_has_an_evidence_level_a_source_and_a_test_that_exists() -> None:
    rows = _rows()
    assert len(rows) >= 40
    for behaviour, default, _documented, evidence, source, shown_by in rows:
        assert default and source, behaviour
        assert set(re.split(r"\s*/\s*", evidence)) <= LEVELS, (behaviour, evidence)
        refs = TEST_REF.findall(shown_by)
        assert refs, f"no test named for: {behaviour}"
        for file, name in refs:
            assert name in _tests_in(ROOT / file), f"{file}::{name} does not exist ({behaviour})"


def test_the_doc_names_no_file_outside_the_repository() -> None:
    text = DOC.read_text("utf-8")
    assert "../" not in text and "facts" not in text.lower()
