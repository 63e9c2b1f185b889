"""API hygiene: base path, creates, known fields, page sizes, paging to the end, backing off after 429."""

from __future__ import annotations

from collections.abc import Sequence

from ..traffic import BASE, Exchange
from .model import RuleContext, Violation, rule
from .state import catalog, query_model, record_id

BACK_OFF_SECONDS = 1.0  # the least pause after a 429 before the same request goes again


@rule("exact-base-path", "Every request uses the base path ATServicesRest/V1.0 in exactly that casing.",
      "seed 004 §0")
def exact_base_path(traffic: Sequence[Exchange], context: RuleContext) -> list[Violation]:
    found = []
    for exchange in traffic:
        parts = [s for s in exchange.path.split("/") if s]
        if not parts or parts[0].lower() != BASE[0].lower():
            continue
        wrong = parts[0] != BASE[0] or (len(parts) > 1 and parts[1].lower() == BASE[1].lower()
                                        and parts[1] != BASE[1])
        if wrong:
            found.append(Violation("exact-base-path", f"base path written {'/'.join(parts[:2])!r}",
                                   (exchange.position,)))
    return found


def _write_target(exchange: Exchange) -> str | None:
    """The entity a create or update body describes, following child routes to the child entity."""
    segments = exchange.segments
    if exchange.method not in ("POST", "PUT", "PATCH") or not segments:
        return None
    if len(segments) == 1:
        return segments[0]
    if len(segments) == 3 and record_id(segments[1]) is not None:
        child = catalog().child(segments[0], segments[2])
        return child.entity if child else None
    return None


@rule("create-without-id", "A create carries no id, or id 0.", "seed 000")
def create_without_id(traffic: Sequence[Exchange], context: RuleContext) -> list[Violation]:
    found = []
    for exchange in traffic:
        if exchange.method != "POST" or _write_target(exchange) is None:
            continue
        value = exchange.body.get("id")
        if value not in (None, 0, "0"):
            found.append(Violation("create-without-id", f"create sends id {value!r}", (exchange.position,)))
    return found


@rule("known-fields-only", "Write bodies use only fields the entity's metadata knows.",
      "seed 004 rules: Never guess fields or values")
def known_fields_only(traffic: Sequence[Exchange], context: RuleContext) -> list[Violation]:
    found = []
    for exchange in traffic:
        target = _write_target(exchange)
        entity = catalog().get(target) if target else None
        if entity is None:
            continue
        unknown = [key for key in (exchange.request_json or {}) if isinstance(exchange.request_json, dict)
                   and str(key).lower() != "userdefinedfields" and entity.field(str(key)) is None]
        if unknown:
            found.append(Violation("known-fields-only", f"{entity.name} has no field " + ", ".join(unknown),
                                   (exchange.position,), {"fields": unknown}))
    return found


def _page_size(exchange: Exchange) -> int | None:
    model = query_model(exchange)
    if model is None:
        return None
    return record_id(model.get("maxrecords")) if "maxrecords" in model else 500


@rule("max-records-500", "A query asks for at most 500 records a page.", "facts §3.4 (the API refuses more)")
def max_records_500(traffic: Sequence[Exchange], context: RuleContext) -> list[Violation]:
    found = []
    for exchange in traffic:
        if len(exchange.segments) >= 2 and exchange.segments[1].lower() == "query":
            size = _page_size(exchange)
            if size is not None and not 1 <= size <= 500:
                found.append(Violation("max-records-500", f"MaxRecords {size}", (exchange.position,)))
    return found


@rule("follow-next-page", "A query that asked for full pages follows nextPageUrl to the end.",
      "facts §3.5 (paging)")
def follow_next_page(traffic: Sequence[Exchange], context: RuleContext) -> list[Violation]:
    found = []
    requested = {e.url for e in traffic}
    for exchange in traffic:
        if len(exchange.segments) < 2 or exchange.segments[1].lower() != "query" or exchange.status != 200:
            continue
        details = (exchange.response_json or {}).get("pageDetails") if isinstance(exchange.response_json,
                                                                                   dict) else None
        next_url = details.get("nextPageUrl") if isinstance(details, dict) else None
        if next_url and _page_size(exchange) in (None, 500) and next_url not in requested:
            found.append(Violation("follow-next-page", "the next page was never read", (exchange.position,),
                                   {"nextPageUrl": next_url}))
    return found


@rule("back-off-after-429", "After a 429 the same request waits before it goes again.", "facts §7 (limits)")
def back_off_after_429(traffic: Sequence[Exchange], context: RuleContext) -> list[Violation]:
    found = []
    for index, refused in enumerate(traffic):
        if refused.status != 429:
            continue
        for retry in traffic[index + 1:]:
            if (retry.method, retry.path) == (refused.method, refused.path):
                if retry.started_at - refused.started_at < BACK_OFF_SECONDS:
                    found.append(Violation("back-off-after-429", f"retried after "
                                           f"{retry.started_at - refused.started_at:.3f} s",
                                           (refused.position, retry.position)))
                break
    return found
