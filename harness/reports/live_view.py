"""``serve --state-api``'s live view at ``/_harness/``: the journal as it grows, the rule findings on it, and
the tenant's records, in the look of the HTML report (the same styles and exchange markup).

The page is rendered here, in Python, and refreshes itself by fetching ``/_harness/live/fragment`` every
second, so what it shows and what the report shows are made by the same code. With tenants by
credentials, ``?tenant=KEY`` picks the tenant; the page lists them.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Sequence
from urllib.parse import parse_qs, urlsplit

from fake_server import ApiRequest, ApiResponse, Exchange, FakeAutotask
from fake_server.face import ANONYMOUS, TenantsByCredentials
from harness.rules import RuleContext, check
from harness.traffic import load_traffic

from .html import STYLE, clean_html, exchange_html

HTML_HEADERS = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}
SHOWN_EXCHANGES = 200  # the latest ones; the journal itself holds more (all, or serve's --journal-keep)
SHOWN_RECORDS = 50

REFRESH = """
setInterval(function () {
  fetch('/_harness/live/fragment' + location.search).then(function (r) { return r.text(); })
    .then(function (text) { document.getElementById('live').innerHTML = text; });
}, 1000);
"""

View = Callable[[str, ApiRequest], ApiResponse | None]


def live_view(fake: FakeAutotask, tenants: TenantsByCredentials[FakeAutotask] | None) -> View:
    """The view a served fake's state API consults first; it answers GETs of the page and its fragment."""

    def chosen(request: ApiRequest) -> tuple[str, FakeAutotask]:
        if tenants is None:
            return "tenant", fake
        wanted = parse_qs(urlsplit(request.url).query).get("tenant", [""])[0]
        made = [(key, core) for key, core in tenants.items() if key != ANONYMOUS]
        found = tenants.get(wanted) if wanted else None
        if found is not None:
            return wanted, found
        return made[0] if made else (ANONYMOUS, tenants.anonymous)

    def answer(action: str, request: ApiRequest) -> ApiResponse | None:
        if request.method != "GET" or action not in ("", "live", "live/fragment"):
            return None
        key, core = chosen(request)
        fragment = _fragment(key, core)
        if action == "live/fragment":
            return ApiResponse(200, headers=HTML_HEADERS, content=fragment.encode("utf-8"))
        picker = ""
        if tenants is not None:
            links = " ".join(
                f'<a href="/_harness/?tenant={html.escape(k)}">{html.escape(k)}</a>' for k, _ in tenants.items()
            )
            picker = f"<p>tenants: {links}</p>"
        page = (
            # An inline icon: a browser that asked the fake for /favicon.ico would put a 404 in the journal.
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">'
            "<title>Fake Autotask: live</title>"
            f"<style>{STYLE}</style></head><body><h1>Fake Autotask, live</h1>{picker}"
            f'<div id="live">{fragment}</div><script>{REFRESH}</script></body></html>'
        )
        return ApiResponse(200, headers=HTML_HEADERS, content=page.encode("utf-8"))

    return answer


def _fragment(key: str, core: FakeAutotask) -> str:
    try:
        traffic = load_traffic(core.journal)
        findings, journal = traffic_html(traffic, RuleContext.for_fake(core))
        records = _records_html(core)
    except Exception as error:  # a page that says what failed beats a plain-text 500
        return f'<div class="finding">the live view could not show this tenant: {clean_html(repr(error)[:300])}</div>'
    dropped = core.journal.dropped
    note = (
        f'<p class="dropped">The {dropped} oldest exchanges were dropped from memory (this fake holds the '
        f"latest {core.journal.keep}: serve --journal-keep); findings and journal below are on the rest "
        "only. A --journal file has them all.</p>"
        if dropped
        else ""
    )
    return (
        f'<table><tr><th>tenant</th><td>{html.escape(key)}</td></tr><tr><th>exchanges</th><td id="count">'
        f"{core.journal.total}</td></tr><tr><th>findings</th><td>{findings[0]}</td></tr></table>{note}"
        f"<h2>Findings</h2>{findings[1] or '<p>none so far</p>'}"
        f"<h2>Journal</h2>{journal or '<p>no exchanges yet</p>'}"
        f"<h2>Records</h2>{records or '<p>none</p>'}"
    )


def traffic_html(traffic: Sequence[Exchange], context: RuleContext | None = None) -> tuple[tuple[int, str], str]:
    """The findings on the traffic, judged for the tenant of ``context`` (how many, and their HTML,
    unjudgeable exchanges among them) and the latest ``SHOWN_EXCHANGES`` exchanges' HTML."""
    findings = check(traffic, context=context)
    rows = "".join(
        f'<div class="finding"><b>{html.escape(v.rule)}</b> {clean_html(v.message)} '
        + ", ".join(f'<a href="#e{p}">#{p}</a>' for p in v.exchanges)
        + "</div>"
        for v in findings
    )
    shown = traffic[-SHOWN_EXCHANGES:]
    return (len(findings), rows), "".join(exchange_html(e, f"e{e.position}") for e in shown)


def _records_html(core: FakeAutotask) -> str:
    records = []
    for entity, items in sorted(core.export_snapshot().items()):
        if not items:
            continue
        body = html.escape(json.dumps(items[-SHOWN_RECORDS:], indent=2, ensure_ascii=False, default=str))
        records.append(f"<details><summary>{html.escape(entity)}: {len(items)}</summary><pre>{body}</pre></details>")
    return "".join(records)
