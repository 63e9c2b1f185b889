"""The docs site builds without a warning, its generated reference pages are what the code gives, and the
README stays a five-minute read."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .doc_blocks import ROOT, documents

MKDOCS = Path(sys.executable).parent / "mkdocs"


def test_the_reference_pages_are_what_the_code_gives() -> None:
    done = subprocess.run(
        [sys.executable, "scripts/write_reference_docs.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": str(Path(sys.executable).parent), "PYTHONPATH": str(ROOT), "COLUMNS": "200"},
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.skipif(
    not MKDOCS.exists() and not shutil.which("mkdocs"),
    reason="mkdocs is not installed: pip install -e '.[dev]' brings mkdocs-material",
)
def test_the_site_builds_in_strict_mode(tmp_path: Path) -> None:
    mkdocs = str(MKDOCS) if MKDOCS.exists() else "mkdocs"
    done = subprocess.run(
        [mkdocs, "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": str(Path(sys.executable).parent), "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "site" / "guides" / "contract-suite" / "index.html").is_file()


def test_every_page_is_in_the_navigation() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    pages = {str(p.relative_to(ROOT / "docs")) for p in documents() if p.parent != ROOT}
    assert pages == set(re.findall(r":\s+(\S+\.md)\s*$", nav, flags=re.M))


def test_the_readme_is_short_and_starts_with_the_two_commands() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) < 250
    commands = [line for line in lines[:8] if line.startswith("python3 -m venv .venv")]
    assert [c.split("&&")[-1].split("#")[0].strip() for c in commands] == [
        ".venv/bin/autotask-harness contract",
        ".venv/bin/python -m pytest -n auto",
    ]


def test_ci_runs_the_readme_test_command_and_builds_the_site() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    test_command = next(line for line in readme.splitlines() if line.endswith("# tests")).split("  #")[0].strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci and "mkdocs build --strict" in ci


def test_the_project_names_no_file_outside_itself() -> None:
    """No document, code or data of the project names a machine path or a file outside the repository."""
    outside = re.compile(r"(?<![\w.])/(?:work|tmp|home|root|Users)/|AUTOTASK_SWAGGER|facts file")
    suffixes = {".py", ".md", ".toml", ".yml", ".json", ".mjs", ".txt", ""}
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    offenders = []
    for name in tracked.splitlines():
        path = ROOT / name
        if path.suffix in suffixes and path.is_file() and name != "tests/test_docs_site.py":
            text = path.read_text(encoding="utf-8", errors="replace")
            offenders += [f"{name}: {m.group(0)}" for m in outside.finditer(text)]
    assert not offenders, offenders


def test_every_rule_is_explained_in_its_guide() -> None:
    """The generated list names every rule; the guides say what each fires on, so a new rule needs its row."""
    from harness.rules import REGISTRY

    guides = {"webhook-receiver": "webhooks.md"}
    for rule in REGISTRY.values():
        name = guides.get(rule.pack, "check.md")
        guide = (ROOT / "docs" / "guides" / name).read_text(encoding="utf-8")
        assert f"`{rule.id}`" in guide, f"{rule.id} ({rule.pack}) has no row in docs/guides/{name}"
