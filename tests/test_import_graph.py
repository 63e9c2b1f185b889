"""The packages' import graphs: ``harness`` builds on ``fake_server``, never the reverse, and neither has a cycle.

Every import counts, those under ``if TYPE_CHECKING:`` and inside functions too: a cycle hidden that way
still means two modules that cannot be read, changed or reused one without the other.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("import_graph", ROOT / "scripts" / "import_graph.py")
assert _spec is not None and _spec.loader is not None
graphs = importlib.util.module_from_spec(_spec)
sys.modules["import_graph"] = graphs
_spec.loader.exec_module(graphs)
PACKAGES = graphs.PACKAGES
_modules, _imports, _graph = graphs.modules, graphs.imports, graphs.graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle within the graph's own modules, or None."""
    state: dict[str, int] = {}
    trail: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        trail.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in graph:
                continue
            if state.get(target) == 1:
                return [*trail[trail.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        trail.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


# A package's __init__ imports its modules to give the package a face; a module importing the package
# itself (``from fake_server import X``) is then the only way back, and that is a cycle too.
@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_cycle(package: str) -> None:
    graph = _graph(package)
    assert len(graph) > 5, "the walk found the package's modules"
    assert _cycle(graph) is None, f"import cycle: {' -> '.join(_cycle(graph) or [])}"


def test_fake_server_never_imports_the_harness() -> None:
    reaching = {
        name: sorted(t for t in targets if t.startswith("harness")) for name, targets in _graph("fake_server").items()
    }
    assert {name: found for name, found in reaching.items() if found} == {}


# The fake's face for tools: its package root and ``fake_server.face``. Everything else in ``fake_server``
# may be split, renamed or merged without a tool built on it noticing.
FAKE_FACE = {"fake_server", "fake_server.face"}


@pytest.mark.parametrize("package", ["harness", "contract_tests"])
def test_tools_import_only_the_fakes_face(package: str) -> None:
    known = set(_modules("fake_server")) | set(_modules(package))
    reaching = {
        name: sorted(t for t in set(_imports(name, path, known)) if t.startswith("fake_server") and t not in FAKE_FACE)
        for name, path in _modules(package).items()
    }
    assert len(reaching) > 3, "the walk found the package's modules"
    assert {name: found for name, found in reaching.items() if found} == {}


def test_the_face_check_sees_a_private_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def later():\n    from fake_server.errors import error_texts\n", encoding="utf-8")
    known = set(_modules("fake_server"))
    assert set(_imports("pkg.m", module, known)) - FAKE_FACE == {"fake_server.errors"}
    module.write_text("from fake_server.face import error_texts\nfrom fake_server import FakeAutotask\n")
    assert set(_imports("pkg.m", module, known)) == FAKE_FACE


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_the_import_reader_counts_what_each_form_needs(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "from . import sibling\nfrom .other import thing\ndef later():\n    from pkg import Face\n", encoding="utf-8"
    )
    known = {"pkg", "pkg.m", "pkg.sibling", "pkg.other"}
    # a submodule taken by name needs only itself; a name taken from the package needs its __init__
    assert set(_imports("pkg.m", module, known)) == {"pkg.sibling", "pkg.other", "pkg"}
    module.write_text("from . import sibling\nfrom .other import thing\n", encoding="utf-8")
    assert set(_imports("pkg.m", module, known)) == {"pkg.sibling", "pkg.other"}


def test_the_harness_parts_import_each_other_without_a_cycle() -> None:
    """Its subpackages are layers: each may use those below it, none the ones above (cli on top)."""
    parts: dict[str, set[str]] = {}
    for line in graphs.harness_layers().splitlines():
        part, _, used = line.partition("──►")
        parts[part.strip()] = {u.strip() for u in used.split(",")} - {"(nothing of the project)"}
    assert {"cli", "rules", "contract", "cassettes", "serving", "reports", "webhooks", "probe"} <= set(parts)
    assert parts["rules"] == {"fake_server"}, "the rules judge traffic and need nothing else of the harness"
    assert _cycle(parts) is None, f"the harness parts import in a cycle: {' -> '.join(_cycle(parts) or [])}"


def test_the_architecture_page_draws_the_layers_the_imports_make() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert f"```text\n{graphs.harness_layers()}\n```" in page, "run: python scripts/write_reference_docs.py"
