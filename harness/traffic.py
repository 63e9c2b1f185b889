"""Every source of traffic read into one ordered list of ``Exchange`` (the fake's own model), numbered from 1.

Sources: a ``FakeAutotask`` journal, a JSON-lines journal file written by ``serve``, a cassette, or plain dicts
in the journal's ``to_dict`` shape (``/_harness/journal``). Each body is parsed once, where it is first read.

Whatever a source holds is read without an exception: a line or entry that is no exchange (cut short, a list,
a status of ``"abc"``) becomes an exchange marked ``unjudgeable``, in its place, which every report shows and
no rule judges. Only a file none of whose lines is a journal entry is refused, as not traffic at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from fake_server import Exchange, Journal

__all__ = ["load_traffic"]


def _journal_lines(path: Path) -> list[Exchange]:
    found: list[Exchange] = []
    try:
        text = path.read_text(encoding="utf-8")  # the fake writes journals in UTF-8, whatever a body held
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not UTF-8 text: neither a journal nor a cassette") from None
    entries = 0
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        record, why = _entry(line)
        position = len(found) + 1
        if record is None:
            found.append(Exchange.unreadable(f"line {number} {why}", position))
            continue
        entries += 1
        exchange = Exchange.from_dict(record, position)
        if exchange.unjudgeable:
            exchange = replace(exchange, unjudgeable=f"line {number}: {exchange.unjudgeable}")
        found.append(exchange)
    if not entries:
        raise ValueError(f"{path}: no line is a journal entry (a JSON object with method and url)")
    return found


def _entry(line: str) -> tuple[dict[str, Any] | None, str]:
    """A journal line's object, or None and what is wrong with it. ``NaN`` and ``Infinity`` are read here
    (older journals hold them); ``Exchange.from_dict`` keeps such a body as text."""
    try:
        record = json.loads(line)
    except RecursionError:
        return None, "is nested too deeply to read"
    except ValueError:
        return None, "is not JSON (cut short?)"
    if not isinstance(record, dict) or not {"method", "url"} <= record.keys():
        return None, "is not a journal entry (a JSON object with method and url)"
    return record, ""


def load_traffic(source: Journal | str | Path | Iterable[dict[str, Any] | Exchange]) -> list[Exchange]:
    """One ordered list of exchanges from a fake's journal, a JSON-lines journal, a cassette, or journal dicts."""
    if isinstance(source, Journal):
        return list(source)
    if isinstance(source, str | Path):
        path = Path(source)
        from harness.cassettes.vcr import cassette_document, cassette_traffic  # vcrpy only for cassette readers

        document = cassette_document(path)
        return cassette_traffic(document) if document is not None else _journal_lines(path)
    return [
        item.numbered(n) if isinstance(item, Exchange) else Exchange.from_dict(item, n)
        for n, item in enumerate(source, 1)
    ]
