"""Replaying cassettes against a target (the fake or a live sandbox) and comparing answers structurally."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from fake_server import ApiError, ApiRequest, FakeAutotask, Limits, TenantProfile
from fake_server.face import json_or_none
from harness.sandbox import TargetRefused

from .vcr import read_cassette, unreplayable

TICKET_NUMBER = re.compile(r"^T\d{8}\.\d{4}\.\d{3}$")
URL_KEYS = frozenset({"url", "weburl", "nextpageurl", "prevpageurl"})
COUNT_KEYS = frozenset({"querycount", "count", "currenttimeframerequestcount"})
GROWING_LISTS = frozenset({"items"})
Send = Callable[[str, str, dict[str, str], bytes], tuple[int, Any]]


@dataclass(frozen=True)
class Difference:
    """One way a replayed answer differs from the recording: where (exchange, JSON path) and what."""

    cassette: str
    exchange: int
    path: str
    recorded: Any
    replayed: Any
    what: str

    def describe(self) -> str:
        return (
            f"{self.cassette} #{self.exchange} {self.path}: {self.what} "
            f"(recorded {self.recorded!r}, replayed {self.replayed!r})"
        )


def _is_time(value: Any) -> bool:
    if not isinstance(value, str) or len(value) < 10 or not value[:4].isdigit():
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _volatile_key(key: str) -> bool:
    lowered = key.lower()
    return lowered == "id" or lowered.endswith("id") or lowered in COUNT_KEYS


def compare(
    recorded: Any, replayed: Any, path: str = "$", key: str = "", *, subset: bool = False
) -> list[tuple[str, Any, Any, str]]:
    """Differences as (JSON path, recorded, replayed, what); ids, times, URLs and counts compare by shape.

    With ``subset`` (hand-written cassettes of documented results), only what the recording states is
    checked: extra keys are fine, and a recorded list is found in the replayed one by ``name``, ``value``
    or position.
    """
    if isinstance(recorded, dict) and isinstance(replayed, dict):
        found = []
        for missing in sorted(set(recorded) - set(replayed)):
            found.append((f"{path}.{missing}", recorded[missing], None, "key missing"))
        if not subset:
            for extra in sorted(set(replayed) - set(recorded)):
                found.append((f"{path}.{extra}", None, replayed[extra], "unexpected key"))
        for name in recorded:
            if name in replayed:
                found += compare(recorded[name], replayed[name], f"{path}.{name}", str(name), subset=subset)
        return found
    if isinstance(recorded, list) and isinstance(replayed, list):
        return _compare_lists(recorded, replayed, path, key, subset)
    if (recorded is None) != (replayed is None):
        return [(path, recorded, replayed, "null on one side")]
    if recorded is None:
        return []
    if type(recorded) is not type(replayed) and not (
        isinstance(recorded, int | float) and isinstance(replayed, int | float)
    ):
        return [(path, recorded, replayed, "type differs")]
    if _by_shape(key, recorded, replayed, subset):
        return []
    return [] if recorded == replayed else [(path, recorded, replayed, "value differs")]


def _by_shape(key: str, recorded: Any, replayed: Any, subset: bool) -> bool:
    lowered = key.lower()
    if lowered == "errors":
        return not subset  # documented cassettes state error texts only where the docs quote them
    return bool(
        _volatile_key(key)
        or lowered in URL_KEYS
        or (_is_time(recorded) and _is_time(replayed))
        or (isinstance(recorded, str) and TICKET_NUMBER.match(recorded) and TICKET_NUMBER.match(str(replayed)))
    )


def _compare_lists(
    recorded: list[Any], replayed: list[Any], path: str, key: str, subset: bool
) -> list[tuple[str, Any, Any, str]]:
    identity = next(
        (k for k in ("name", "value") if recorded and all(isinstance(r, dict) and k in r for r in recorded)), None
    )
    if subset and identity:
        by_identity = {r.get(identity): r for r in replayed if isinstance(r, dict)}
        found = []
        for index, item in enumerate(recorded):
            if item[identity] not in by_identity:
                found.append((f"{path}[{index}]", item[identity], None, "element missing"))
            else:
                found += compare(item, by_identity[item[identity]], f"{path}[{index}]", key, subset=subset)
        return found
    if key.lower() in GROWING_LISTS or subset:
        if bool(recorded) != bool(replayed) or (subset and len(replayed) < len(recorded)):
            return [(path, len(recorded), len(replayed), "empty on one side" if not subset else "too short")]
        pairs = (
            list(zip(recorded, replayed, strict=False))
            if subset
            else list(zip(recorded[:1], replayed[:1], strict=False))
        )
    else:
        if len(recorded) != len(replayed):
            return [(path, len(recorded), len(replayed), "length differs")]
        pairs = list(zip(recorded, replayed, strict=True))
    found = []
    for index, (left, right) in enumerate(pairs):
        found += compare(left, right, f"{path}[{index}]", key, subset=subset)
    return found


class IdMap:
    """Recorded ids mapped to the ids the replay created, applied to later requests."""

    def __init__(self) -> None:
        self.ids: dict[int, int] = {}

    def learn(self, recorded: Any, replayed: Any) -> None:
        if isinstance(recorded, dict) and isinstance(replayed, dict):
            old, new = recorded.get("itemId"), replayed.get("itemId")
            if isinstance(old, int) and isinstance(new, int) and old != new:
                self.ids[old] = new

    def url(self, url: str) -> str:
        parts = urlsplit(url)
        segments = [str(self.ids.get(int(s), s)) if s.isascii() and s.isdigit() else s for s in parts.path.split("/")]
        return urlunsplit(parts._replace(path="/".join(segments)))

    def body(self, data: Any, key: str = "") -> Any:
        if isinstance(data, dict):
            return {k: self.body(v, str(k)) for k, v in data.items()}
        if isinstance(data, list):
            return [self.body(v, key) for v in data]
        if isinstance(data, int) and not isinstance(data, bool) and (_volatile_key(key) or key == "value"):
            return self.ids.get(data, data)
        return data


def fake_sender(profile: str | Path | TenantProfile, seed: dict[str, list[dict[str, Any]]] | None) -> Send:
    """Send straight into a fresh in-process fake (no network), starting from the cassette's seed."""
    fake = FakeAutotask(profile, limits=Limits.off())
    if seed:
        try:
            fake.load_snapshot(seed)
        except (ValueError, ApiError) as refused:  # a hand-made cassette's seed: said in a line, exit 2
            raise TargetRefused(f"the cassette's seed is no snapshot the fake can load: {refused}") from None
    credentials = {"UserName": "verify", "Secret": "verify", "ApiIntegrationCode": "verify"}

    def send(method: str, url: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        parts = urlsplit(url)
        local = urlunsplit(("https", "webservices19.autotask.net", parts.path, parts.query, ""))
        answer = fake.handle(ApiRequest(method, local, tuple({**headers, **credentials}.items()), body))
        return answer.status, answer.body

    return send


def replay(cassette_path: str | Path, send: Send) -> list[Difference]:
    """Re-send every recorded request in order and list how the answers differ. An interaction that cannot
    be replayed or compared (another shape, a body nested past what can be compared) is a difference
    whose ``what`` starts ``unjudgeable:``, never an exception."""
    cassette = read_cassette(cassette_path)
    name = Path(cassette_path).name
    subset = cassette["metadata"].get("provenance", {}).get("kind") == "documented"
    ids = IdMap()
    found: list[Difference] = []
    for number, interaction in enumerate(cassette["interactions"], 1):
        why = unreplayable(interaction)
        if why:
            found.append(Difference(name, number, "$", None, None, f"unjudgeable: {why}"))
            continue
        try:
            found += _replayed(name, number, interaction, send, ids, subset)
        except RecursionError:
            found.append(Difference(name, number, "$", None, None, "unjudgeable: a body is nested too deeply"))
    return found


def _replayed(
    name: str, number: int, interaction: dict[str, Any], send: Send, ids: IdMap, subset: bool
) -> list[Difference]:
    request, response = interaction["request"], interaction["response"]
    body_text = request.get("body") or ""
    body_data = json_or_none(body_text)
    if body_data is not None:
        body = json.dumps(ids.body(body_data)).encode()
    else:  # not JSON: sent as it was recorded
        body = body_text.encode("utf-8", errors="replace") if isinstance(body_text, str) else body_text
    headers = {}
    for key, value in request.get("headers", {}).items():
        value = value[0] if isinstance(value, list) and value else value
        if key.lower() in ("content-type", "accept") and isinstance(value, str):
            headers[key] = value
    status, answer = send(request["method"], ids.url(request["uri"]), headers, body)
    string = response.get("body", {}).get("string")
    recorded_body = json_or_none(string) if isinstance(string, str | bytes) else None
    found = []
    if status != response["status"]["code"]:
        found.append(Difference(name, number, "status", response["status"]["code"], status, "status differs"))
    if string and recorded_body is None:
        found.append(Difference(name, number, "$", None, None, "unjudgeable: the recorded answer is not JSON"))
        return found
    found += [
        Difference(name, number, path, old, new, what)
        for path, old, new, what in compare(recorded_body, answer, subset=subset)
    ]
    ids.learn(recorded_body, answer)
    return found


def writes_in(cassettes: Sequence[str | Path]) -> list[str]:
    """The requests that would change the target, listed before anything is sent."""
    return [
        f"{Path(c).name}: {i['request']['method']} {urlsplit(i['request']['uri']).path}"
        for c in cassettes
        for i in read_cassette(c)["interactions"]
        if not unreplayable(i)
        and i["request"]["method"] in ("POST", "PUT", "PATCH", "DELETE")
        and "/query" not in i["request"]["uri"]
    ]


def http_sender(root: str, username: str | None, secret: str | None, integration_code: str | None, http: Any) -> Send:
    """Send to a live target with credentials from the environment; never a recorded placeholder."""
    if not (username and secret and integration_code):
        raise TargetRefused(
            "set AUTOTASK_USERNAME, AUTOTASK_SECRET and AUTOTASK_INTEGRATION_CODE to verify against a live target"
        )
    target = urlsplit(root)
    credentials = {"UserName": username, "Secret": secret, "ApiIntegrationCode": integration_code}

    def send(method: str, url: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        parts = urlsplit(url)
        query = parts.query.replace("user=REDACTED", "user=" + quote(username)) if parts.query else ""
        live = urlunsplit((target.scheme, target.netloc, parts.path, query, ""))
        answer = http.request(method, live, headers={**headers, **credentials}, content=body or None)
        try:
            return answer.status_code, answer.json()
        except ValueError:
            return answer.status_code, None

    return send
