"""The mutation check's list is well-formed: each mutant names a file and tests that exist, and a real change.

The mutants are not run here (``python scripts/mutants.py run`` does that, for minutes); a snippet that a
refactor has removed makes its mutant "stale" in that run, which is why this test does not ask for it.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # the dataclass in it looks its module up while it is being made
    spec.loader.exec_module(module)
    return module


def test_every_mutant_names_an_existing_file_and_existing_tests() -> None:
    mutants = _load("mutant_list").MUTANTS
    assert len(mutants) >= 30
    assert len({m.name for m in mutants}) == len(mutants)
    for mutant in mutants:
        assert (ROOT / mutant.file).is_file(), mutant.name
        assert mutant.original and mutant.original != mutant.replacement, mutant.name
        paths = [arg.split("::")[0] for arg in mutant.tests if arg.startswith("tests/")]
        assert paths and all((ROOT / path).is_file() for path in paths), mutant.name
        options = [arg for arg in mutant.tests if arg.startswith("-")]
        assert set(options) <= {"-k"}, mutant.name  # the runner adds its own options


def test_a_missing_snippet_is_stale_not_an_error(tmp_path: Path) -> None:
    mutants = _load("mutants")
    (tmp_path / "f.py").write_text("x = 1\nx = 1\n")
    make = mutants.Mutant
    assert mutants.is_stale(make("a", "f.py", "y = 2", "y = 3", ("tests/t.py",), "gone"), tmp_path)
    assert mutants.is_stale(make("b", "f.py", "x = 1", "x = 2", ("tests/t.py",), "twice: ambiguous"), tmp_path)
    assert mutants.is_stale(make("c", "g.py", "x = 1", "x = 2", ("tests/t.py",), "no file"), tmp_path)
    (tmp_path / "f.py").write_text("x = 1\n")
    assert not mutants.is_stale(make("d", "f.py", "x = 1", "x = 2", ("tests/t.py",), "once"), tmp_path)
