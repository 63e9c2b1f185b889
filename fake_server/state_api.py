"""The ``/_harness/`` state API of a served fake: health, reset, empty, seed, journal, faults and the webhook
clock, per tenant.

``POST reset`` brings a tenant back to its seeded baseline (``serve --seed``), as moto's reset does: what a
test wants between cases. ``POST empty`` is the other, named call: the profile's reference records alone,
the seed gone (until the next reset). A separate action rather than a parameter of reset, so that a typo
(``/_harness/empyt``) is refused with a 404 instead of silently doing the other kind of reset.
``GET health`` answers 200 while the fake serves, without credentials, even with tenants by credentials: a
CI job's wait-for-port loop polls it (it needs ``--state-api``, like the rest of ``/_harness/``).

Off unless ``serve --state-api`` switches it on, so a real client never sees it. With one tenant the
actions act on it. With tenants by credentials, ``/_harness/tenants`` lists them,
``/_harness/tenants/{key}/{action}`` addresses one by key, and ``/_harness/{action}`` acts on the tenant
whose ``UserName`` and ``ApiIntegrationCode`` headers the request carries (made if new, so a worker can
seed its tenant before its client's first call); ``GET /_harness/tenant`` tells a caller its key.
"""

from __future__ import annotations

import json
from typing import Any

from .answering import ServableFake
from .errors import BusinessError
from .http_types import JSON_HEADERS, ApiRequest, ApiResponse
from .seed_check import SnapshotRefused
from .tenancy import TenantsByCredentials, request_key

PREFIX = "/_harness/"
ACTIONS = ("health", "reset", "empty", "seed", "journal", "faults", "webhooks")
# The verb each action takes: another verb on a known action is a 405 saying which, not a 404.
VERBS = {"health": "GET", "reset": "POST", "empty": "POST", "seed": "POST", "journal": "GET"}
VERBS |= {"faults": "POST", "webhooks": "POST", "tenants": "GET", "tenant": "GET"}
# What POST /_harness/faults takes: the keyword arguments of FakeAutotask.inject_fault.
FAULT_FIELDS = ("status", "errors", "times", "method", "path", "delay", "drop", "after")


def answer_state(
    action: str, request: ApiRequest, one: ServableFake, tenants: TenantsByCredentials[Any] | None
) -> ApiResponse:
    """The answer to ``/_harness/{action}``; ``tenants`` is ``None`` for a single-tenant fake."""
    if action == "health" and request.method == "GET":
        tenant_count = 1 if tenants is None else len(tenants)
        return ApiResponse(200, {"status": "ok", "profile": one.profile.name, "tenants": tenant_count})
    if tenants is None:
        return _act(one, action, request)
    parts = action.strip("/").split("/")
    if parts == ["tenants"] and request.method == "GET":
        return ApiResponse(200, {"tenants": [_summary(key, core) for key, core in tenants.items()]})
    if len(parts) == 3 and parts[0] == "tenants":
        core = tenants.get(parts[1])
        if core is None:
            return _refused(
                404,
                f"No tenant {parts[1]!r}: a tenant is made by its first request with its credentials, "
                "or by /_harness/seed sent with them.",
            )
        return _act(core, parts[2], request)
    key = request_key(request)
    if parts == ["tenant"] and request.method == "GET":
        if key is None:
            return _refused(400, "Send the UserName and ApiIntegrationCode headers to learn their tenant's key.")
        return ApiResponse(200, {"key": key})
    if key is None:
        return _refused(
            400,
            "This fake keeps a tenant per API user: send the tenant's UserName and ApiIntegrationCode "
            "headers, or use /_harness/tenants/{key}/" + action,
        )
    return _act(tenants.get_or_make(key), action, request)


def _act(core: ServableFake, action: str, request: ApiRequest) -> ApiResponse:
    try:
        if action == "reset" and request.method == "POST":
            core.reset()
            return ApiResponse(200, {"reset": True})
        if action == "empty" and request.method == "POST":
            core.empty()
            return ApiResponse(200, {"emptied": True})
        if action == "seed" and request.method == "POST":
            try:
                return ApiResponse(200, {"seeded": core.load_snapshot(json.loads(request.body or b"{}"))})
            except SnapshotRefused as refused:  # checked whole before any of it is stored
                return _refused(400, f"The seed was refused and nothing of it loaded: {refused}")
        if action == "journal" and request.method == "GET":
            # With a bound (serve --journal-keep) the oldest are no longer held: say how many, and the bound.
            journal = core.journal
            return ApiResponse(200, {"exchanges": journal.to_dicts(), "dropped": journal.dropped, "keep": journal.keep})
        if action == "webhooks" and request.method == "POST":
            # {"advance": seconds}: move the tenant's webhook clock on, delivering what falls due (0: drain).
            seconds = json.loads(request.body or b"{}").get("advance", 0)
            if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds < 10**9:
                raise ValueError("advance must be a number of seconds, 0 or more")
            made = core.webhooks.advance(float(seconds))
            return ApiResponse(200, {"attempts": made, "pending": core.webhooks.pending()})
        if action == "faults" and request.method == "POST":
            spec = json.loads(request.body or b"{}")
            if not isinstance(spec, dict):
                raise ValueError(f"a fault is a JSON object with any of {', '.join(FAULT_FIELDS)}")
            unknown = sorted(set(spec) - set(FAULT_FIELDS))
            if unknown:
                raise ValueError(
                    f"no fault field {', '.join(map(repr, unknown))}; give any of {', '.join(FAULT_FIELDS)}"
                )
            return ApiResponse(200, {"fault": core.inject_fault(**spec).to_dict()})
    except json.JSONDecodeError as error:
        return _refused(400, f"The request body is not JSON ({error.msg}, char {error.pos}).")
    except (ValueError, TypeError, BusinessError) as error:
        return _refused(400, str(error))
    return _not_here(action, request.method)


def _not_here(action: str, method: str) -> ApiResponse:
    """A known action asked with the wrong verb is a 405 naming the right one; anything else a 404."""
    verb = VERBS.get(action)
    if verb is None:
        return _refused(404, f"No harness action {method} {action!r}; the actions are {', '.join(ACTIONS)}.")
    return ApiResponse(
        405, {"errors": [f"/_harness/{action} takes {verb}, not {method}."]}, {**JSON_HEADERS, "Allow": verb}
    )


def _summary(key: str, core: ServableFake) -> dict[str, object]:
    return {"key": key, "exchanges": core.journal.total, "dropped": core.journal.dropped}


def _refused(status: int, message: str) -> ApiResponse:
    return ApiResponse(status, {"errors": [message]})
