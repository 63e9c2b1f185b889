"""What a client puts on the wire around its JSON: a body must be what its ``Content-Encoding`` says.

autotask-node 2.1 labelled every body ``gzip`` and sent plain JSON; production answered 500 on child
endpoints (``POST /Tickets/{id}/Notes``) and read the bytes on top-level ones, so notes failed while
creates worked [LIVE: WYRE-AI/autotask-mcp PR #32]. The fake records what it undid to read a body
(``Exchange.request_decoded``): a coding the label names that was not undone is a label that lied.
"""

from __future__ import annotations

from collections.abc import Sequence

from fake_server import Exchange

from .model import Finding, RuleContext, rule

# Codings the API undoes (fake_server/wire.py); a label naming another one is not judged here.
DECODED = frozenset({"gzip", "x-gzip", "deflate"})


def _header(exchange: Exchange, name: str) -> str | None:
    return next((v for k, v in exchange.request_headers.items() if k.lower() == name), None)


@rule(
    "body-matches-content-encoding",
    "A request body labelled gzip or deflate is gzip or deflate.",
    "LIVE: WYRE-AI/autotask-mcp PR #32 (plain JSON labelled gzip: 500 on child endpoints, read on top-level ones)",
)
def body_matches_content_encoding(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    found = []
    for exchange in traffic:
        label = _header(exchange, "content-encoding")
        if not label or not exchange.request_body:
            continue
        claimed = [c.strip().lower() for c in label.split(",") if c.strip().lower() in DECODED]
        undone = {c.strip() for c in exchange.request_decoded.split(",") if c.strip()}
        lied = [c for c in claimed if c not in undone]
        if not lied:
            continue
        child = len(exchange.segments) >= 3
        answer = (
            "production answers 500 on a child endpoint like this one"
            if child
            else ("a top-level endpoint reads it as it is, but the same client's child writes (notes) get a 500")
        )
        found.append(
            Finding(
                f"{exchange.method} {exchange.api_path} is labelled Content-Encoding: {label} but its body is "
                f"not {lied[0]}: {answer}",
                (exchange.position,),
                {"label": label},
            )
        )
    return found
