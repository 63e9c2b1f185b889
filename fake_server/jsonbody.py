"""Reading request JSON the way the API does: strict JSON first, then its single-quoted leniency."""

from __future__ import annotations

import json
from typing import Any

from .errors import BusinessError


def _swap_quotes(text: str) -> str:
    """Turn ``{'a':'b'}`` into ``{"a":"b"}``, leaving double-quoted strings alone."""
    out: list[str] = []
    quote: str | None = None
    escaped = False
    for char in text:
        if quote:
            if escaped:
                escaped = False
                if char == "'" and quote == "'":
                    out[-1] = "'"  # \' needs no escape once the string is double-quoted
                else:
                    out.append(char)
                continue
            if char == "\\":
                escaped = True
                out.append(char)
                continue
            if char == quote:
                quote = None
                out.append('"')
                continue
            out.append('\\"' if char == '"' and quote == "'" else char)
            continue
        if char in "'\"":
            quote = char
            out.append('"')
            continue
        out.append(char)
    return "".join(out)


def parse_json(raw: bytes | str, what: str = "request body") -> Any:
    """The parsed value; malformed input is the API's 500 error, never an exception of ours."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise BusinessError(f"The {what} is not valid UTF-8.") from None
    try:
        return json.loads(text)
    except ValueError:
        pass
    except RecursionError:
        raise BusinessError(f"The {what} is nested too deeply.") from None
    # A real GET query with single-quoted pseudo-JSON succeeded (facts file, 3.2).
    if "'" in text:
        try:
            return json.loads(_swap_quotes(text))
        except (ValueError, RecursionError):
            pass
    raise BusinessError(f"The {what} could not be parsed as JSON.")
