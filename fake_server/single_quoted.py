"""Single-quoted pseudo-JSON (``{'a':'b'}``), which the API reads as JSON: written as the JSON it reads.

Its own module, importing nothing, because two readers of a body must agree on it: the fake's JSON reader
(``jsonbody``), which takes such a body as the API does, and the journal's search for credentials
(``redaction``), which must find a ``'Secret'`` key in it as it finds a ``"Secret"`` one.
"""

from __future__ import annotations


def double_quoted(text: str) -> str:
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
