"""The API's service endpoints outside the entities: zone discovery, versions and thresholds."""

from __future__ import annotations

from collections.abc import Callable

from .auth import Credentials
from .errors import BusinessError, MethodNotAllowed
from .http_types import ApiRequest, ApiResponse, KeptAnswer
from .profile import TenantProfile
from .route import BASE
from .routing import AUTOTASK_HOSTS

ZONE_UNKNOWN = "Zone information could not be determined"
API_VERSIONS = ("V1.0", "V2.0")


def zone_url(profile: TenantProfile, request: ApiRequest) -> str:
    """Where the client should go next: this fake, wherever it is reached."""
    host = request.origin.split("://", 1)[1]
    if AUTOTASK_HOSTS.match(host.split(":")[0]):
        # In-process every zone host reaches the fake; send clients to the tenant's own zone.
        return f"https://{profile.zone.get('host', 'webservices19.autotask.net')}/{BASE[0]}/"
    return f"{request.origin}/{BASE[0]}/"


def unauthenticated(
    profile: TenantProfile, accepted: Credentials | None, request: ApiRequest, segments: list[str]
) -> ApiResponse | None:
    """Answers for the paths that need no credentials, or ``None`` for every other path; another verb than
    GET on one of them is Web API's 405, before any credential is asked for."""
    lowered = [s.lower() for s in segments]
    if lowered == ["versioninformation"]:
        _get_only(request.method)
        # As production answers since 2026 (KelvinTegelaar/AutotaskAPI PR #76); only V1.0 has routes.
        return ApiResponse(200, {"apiVersions": list(API_VERSIONS)})
    if len(lowered) == 2 and lowered[0] == BASE[1].lower() and lowered[1] == "zoneinformation":
        _get_only(request.method)
        user = request.query.get("user", "").strip()
        known = accepted.username if accepted else None
        if not user or (known is not None and user.lower() != known.lower()):
            raise BusinessError(ZONE_UNKNOWN)
        zone = profile.zone
        return ApiResponse(
            200,
            {
                "zoneName": zone.get("zone_name", "EU1"),
                "url": zone_url(profile, request),
                "webUrl": zone.get("web_url", "https://ww19.autotask.net/"),
                "ci": int(zone.get("ci", 19)),
            },
        )
    return None


class KeptServiceAnswers:
    """The answers of the paths that need no credentials (the zone lookup an integration makes before each
    batch of work, the API versions), kept as bytes by method and URL for the profile and accepted credentials
    they were made for: an answer is the same for the same URL while those stay, and no record changes it.
    A refusal is not kept. Emptied when full, so ever new URLs cannot grow it."""

    SIZE = 64

    def __init__(self) -> None:
        self._kept: dict[tuple[str, str], tuple[TenantProfile, Credentials | None, KeptAnswer]] = {}

    def kept(self, profile: TenantProfile, accepted: Credentials | None, request: ApiRequest) -> ApiResponse | None:
        found = self._kept.get((request.method, request.url))
        if found is None or found[0] is not profile or found[1] != accepted:
            return None
        return found[2]

    def answer(
        self, profile: TenantProfile, accepted: Credentials | None, request: ApiRequest, segments: list[str]
    ) -> ApiResponse | None:
        """``unauthenticated``'s answer, kept when it is one."""
        answer = unauthenticated(profile, accepted, request, segments)
        if answer is not None:
            if len(self._kept) >= self.SIZE:
                self._kept.clear()
            kept = KeptAnswer(answer.status, content=answer.content())
            self._kept[(request.method, request.url)] = (profile, accepted, kept)
        return answer


def authenticated(
    profile: TenantProfile, usage: Callable[[], int], segments: list[str], method: str = "GET"
) -> ApiResponse | None:
    """``/Version`` and ``/ThresholdInformation`` (a 405 for another verb than GET), or ``None`` for every
    other path."""
    if len(segments) != 1:
        return None
    name = segments[0].lower()
    if name in ("version", "thresholdinformation"):
        _get_only(method)
    if name == "version":
        version = profile.zone.get("version", {})
        return ApiResponse(
            200,
            {
                key: str(version.get(key, default))
                for key, default in (
                    ("majorVersion", "2026"),
                    ("minorVersion", "1"),
                    ("build", "1.0.0"),
                    ("customerType", "Production"),
                )
            },
        )
    if name == "thresholdinformation":
        limits = profile.limits
        return ApiResponse(
            200,
            {
                "externalRequestThreshold": limits.hourly_threshold,
                "requestThresholdTimeframe": limits.window_seconds // 60,
                "currentTimeframeRequestCount": usage(),
            },
        )
    return None


def _get_only(method: str) -> None:
    # The swagger lists only GET for each service endpoint; any other verb finds the route but no action.
    if method.upper() != "GET":
        raise MethodNotAllowed.for_method(method, allowed=("GET",))
