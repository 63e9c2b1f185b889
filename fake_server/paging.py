"""Page links as the API writes them: an id-keyset ``paging`` token plus the query echoed as ``search``."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from .errors import BusinessError

_PERCENT = re.compile(r"%[0-9A-F]{2}")


def _dotnet_quote(text: str) -> str:
    # The real nextPageUrl is encoded .NET-style, with lowercase hex (%7b, not %7B).
    return _PERCENT.sub(lambda m: m.group(0).lower(), quote(text, safe=""))


def token(page_size: int, previous_start: int | None, next_start: int | None) -> str:
    return json.dumps(
        {"pageSize": page_size,
         "previousIds": [-1 if previous_start is None else previous_start],
         "nextIds": [-1 if next_start is None else next_start]},
        separators=(",", ":"),
    )


def page_url(base: str, entity: str, direction: str, paging: str, search: str | None) -> str:
    """``direction`` is ``next`` or ``previous``. A GET query's pages echo its ``search``; a POST query's
    carry only the paging token and are POSTed with the same body (WYRE-AI/autotask-mcp PR #170)."""
    url = f"{base}/{entity}/query/{direction}?paging={_dotnet_quote(paging)}"
    return url if search is None else f"{url}&search={_dotnet_quote(search)}"


def start_of(paging: str, direction: str) -> tuple[int, int]:
    """The page size and first id a ``paging`` token asks for in that direction."""
    try:
        data: Any = json.loads(paging)
        page_size = int(data["pageSize"])
        ids = data["nextIds"] if direction == "next" else data["previousIds"]
        start = int(ids[0])
    except (ValueError, KeyError, IndexError, TypeError):
        raise BusinessError("The paging parameter is not valid.") from None
    if start < 0 or not 1 <= page_size <= 500:
        raise BusinessError("The paging parameter is not valid.")
    return page_size, start
