"""Page links as the API writes them: an id-keyset ``paging`` token plus the query echoed as ``search``."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from .errors import BusinessError
from .jsonbody import parse_json

_PERCENT = re.compile(r"%[0-9A-F]{2}")


def _dotnet_quote(text: str) -> str:
    # The real nextPageUrl is encoded .NET-style, with lowercase hex (%7b, not %7B).
    return _PERCENT.sub(lambda m: m.group(0).lower(), quote(text, safe=""))


def token(page_size: int, previous_start: int | None, next_start: int | None) -> str:
    return json.dumps(
        {
            "pageSize": page_size,
            "previousIds": [-1 if previous_start is None else previous_start],
            "nextIds": [-1 if next_start is None else next_start],
        },
        separators=(",", ":"),
    )


def page_url(base: str, entity: str, direction: str, paging: str, search: str | None) -> str:
    """``direction`` is ``next`` or ``previous``. A GET query's pages echo its ``search``; a POST query's
    carry only the paging token and are POSTed with the same body (WYRE-AI/autotask-mcp PR #170)."""
    url = f"{base}/{entity}/query/{direction}?paging={_dotnet_quote(paging)}"
    return url if search is None else f"{url}&search={_dotnet_quote(search)}"


def _whole(value: Any) -> int | None:
    """A JSON integer of the token (the API writes them as integers); ``true``, ``1e400``, ``"5"`` are not."""
    return value if type(value) is int else None


def start_of(paging: str, direction: str) -> tuple[int, int]:
    """The page size and first id a ``paging`` token asks for in that direction.

    The token is the API's own, echoed back verbatim; one that is not (an ``Int32`` page size outside
    1-500, ids outside ``Int64``, other types, any JSON at all) is the API's 500 [INFERRED: its text is
    unknown]."""
    invalid = BusinessError("The paging parameter is not valid.")
    try:
        data: Any = parse_json(paging, "paging parameter")
    except BusinessError:
        raise invalid from None
    if not isinstance(data, dict):
        raise invalid
    ids = data.get("nextIds" if direction == "next" else "previousIds")
    page_size = _whole(data.get("pageSize"))
    start = _whole(ids[0]) if isinstance(ids, list) and ids else None
    if page_size is None or start is None or not 0 <= start < 2**63 or not 1 <= page_size <= 500:
        raise invalid
    return page_size, start
