"""Help text without typer's type placeholders.

Typer (0.2x) writes each parameter's Python type beside its name (``source <path>``, ``--pack
<list[str]>``). Options here name their value with a ``metavar``; arguments cannot, so this command class
tells its own arguments to show no type when help is written (on these parameter objects only).
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperCommand


def _no_type(ctx: Any) -> str | None:
    return None


class PlainHelp(TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, TyperArgument):
                param.display_type_rich = _no_type  # type: ignore[method-assign]
