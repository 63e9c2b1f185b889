"""The packages' import graphs, read from the source: every import statement, anywhere in a module.

``tests/test_import_graph.py`` checks them (no cycle, the fake's face only); ``write_reference_docs.py``
draws the harness's layers from them into ``docs/architecture.md``, so the drawing is the imports.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("fake_server", "harness")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(package: str) -> dict[str, Path]:
    return {module_name(path): path for path in sorted((ROOT / package).rglob("*.py"))}


def imports(name: str, path: Path, known: set[str]) -> Iterator[str]:
    """The modules of ``known`` that this module imports, by any import statement anywhere in it."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            # ``from . import hygiene`` names a module and needs nothing else of the package;
            # ``from .x import y`` needs module x itself
            submodules = [f"{module}.{alias.name}" for alias in node.names]
            targets = submodules if all(s in known for s in submodules) else [*submodules, module]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


def graph(package: str) -> dict[str, set[str]]:
    everything = {name: path for pkg in PACKAGES for name, path in modules(pkg).items()}
    known = set(everything)
    return {name: set(imports(name, path, known)) for name, path in modules(package).items()}


def _part(module: str) -> str:
    """The harness part a module belongs to: its subpackage, or a top-level module; the fake is one part."""
    if module.startswith("fake_server"):
        return "fake_server"
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "harness"


def harness_layers() -> str:
    """Each part of ``harness`` and the parts it imports, one line each."""
    uses: dict[str, set[str]] = {}
    for name, targets in graph("harness").items():
        part = _part(name)
        uses.setdefault(part, set()).update(_part(t) for t in targets)
    width = max(map(len, uses))
    lines = []
    for part in sorted(uses.keys() - {"harness"}):  # harness/__init__ is the face: it loads names lazily
        used = sorted(uses[part] - {part, "harness"}, key=lambda p: (p == "fake_server", p))
        lines.append(f"{part.ljust(width)}  ──► {', '.join(used) or '(nothing of the project)'}".rstrip())
    return "\n".join(lines)
