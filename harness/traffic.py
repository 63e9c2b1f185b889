"""Every source of traffic read into one ordered list of ``Exchange`` (the fake's own model), numbered from 1.

Sources: a ``FakeAutotask`` journal, a JSON-lines journal file written by ``serve``, a cassette, or plain dicts
in the journal's ``to_dict`` shape (``/_harness/journal``). Each body is parsed once, where it is first read.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fake_server import Exchange, Journal
from fake_server.exchange import json_or_none
from fake_server.routing import BASE

__all__ = ["BASE", "Exchange", "load_traffic"]


def _journal_lines(path: Path) -> list[Exchange]:
    found: list[Exchange] = []
    try:
        text = path.read_text(encoding="utf-8")  # the fake writes journals in UTF-8, whatever a body held
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not UTF-8 text: neither a journal nor a cassette") from None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        record = json_or_none(line)
        if not isinstance(record, dict) or not {"method", "url"} <= record.keys():
            raise ValueError(f"{path}: line {number} is not a journal entry (a JSON object with method and url)")
        found.append(Exchange.from_dict(record, len(found) + 1))
    return found


def load_traffic(source: Journal | str | Path | Iterable[dict[str, Any] | Exchange]) -> list[Exchange]:
    """One ordered list of exchanges from a fake's journal, a JSON-lines journal, a cassette, or journal dicts."""
    if isinstance(source, Journal):
        return list(source)
    if isinstance(source, str | Path):
        path = Path(source)
        from .cassettes import cassette_traffic, is_cassette  # vcrpy only for those who read cassettes

        return cassette_traffic(path) if is_cassette(path) else _journal_lines(path)
    return [
        item.numbered(n) if isinstance(item, Exchange) else Exchange.from_dict(item, n)
        for n, item in enumerate(source, 1)
    ]
