"""The API's error answers: each carries its status and the envelope the API answers it with.

Business and validation errors come in the API's own ``{"errors": [...]}``. A route the API has no
controller or verb for is answered by ASP.NET Web API itself, as ``{"Message": "..."}`` (docs/deviations.md,
"Error bodies", gives each shape's evidence).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .http_types import JSON_HEADERS, ApiRequest, ApiResponse
from .redaction import scrub_url

NO_MATCHING_RECORD = (
    "No message. No matching records found. The logged in Resource may not have the "
    "required permissions to delete the data."
)
# The update of a missing id. The delete text above is quoted from production (django-autotask `api.py`); this one is
# INFERRED, worded after it so that clients matching "No matching records found" still recognise it.
UPDATE_NO_MATCHING_RECORD = (
    "No message. No matching records found. The logged in Resource may not have the "
    "required permissions to update the data."
)


class ApiError(Exception):
    """An error the fake answers with; never escapes as a traceback."""

    status = 500

    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = list(messages)

    def response(self) -> ApiResponse:
        return ApiResponse(self.status, {"errors": self.messages})


class BusinessError(ApiError):
    """Validation and business-rule failures: the API answers these with 500."""

    status = 500


class Unauthorized(ApiError):
    status = 401


class FrameworkError(ApiError):
    """An answer ASP.NET Web API gives before any Autotask code runs: ``{"Message": "..."}``."""

    def response(self) -> ApiResponse:
        return ApiResponse(self.status, {"Message": self.messages[0]})


class NotFound(FrameworkError):
    """No route matches (an unknown path, or one the tenant's profile makes absent)."""

    status = 404

    @classmethod
    def for_url(cls, url: str) -> NotFound:
        # The URI is echoed as Web API does, with credential-looking query values redacted: a client that
        # puts its secret in the query string must not get it back in an answer that reaches the journal.
        return cls(f"No HTTP resource was found that matches the request URI '{scrub_url(url)}'.")


class MethodNotAllowed(FrameworkError):
    """A route that exists, asked with a verb it has no action for. Web API's action selector answers it
    with the verbs the route does take in an ``Allow`` header (aspnetwebstack ApiControllerActionSelector,
    Create405Response: "405 must include an Allow content-header") [INFERRED: the framework's code]."""

    status = 405

    def __init__(self, *messages: str, allowed: Iterable[str] = ()) -> None:
        super().__init__(*messages)
        self.allowed = tuple(sorted({verb.upper() for verb in allowed}))

    @classmethod
    def for_method(cls, method: str, allowed: Iterable[str] = ()) -> MethodNotAllowed:
        return cls(f"The requested resource does not support http method '{method.upper()}'.", allowed=allowed)

    def response(self) -> ApiResponse:
        headers = {**JSON_HEADERS, "Allow": ", ".join(self.allowed)}
        return ApiResponse(self.status, {"Message": self.messages[0]}, headers)


class UnsupportedMediaType(FrameworkError):
    """A body Web API has no formatter for: its parameter binding answers 415 before any Autotask code runs."""

    status = 415

    @classmethod
    def for_media_type(cls, media_type: str) -> UnsupportedMediaType:
        # Web API's own text (aspnetwebstack, FormatterParameterBinding and its tests).
        return cls(f"The request entity's media type '{media_type}' is not supported for this resource.")


class ServerError(FrameworkError):
    """An exception outside Autotask's controllers (a body the server cannot decode): Web API answers 500 with
    its generic text [INFERRED]."""

    status = 500

    @classmethod
    def unhandled(cls) -> ServerError:
        return cls("An error has occurred.")


class MislabelledBody(ServerError):
    """A body labelled ``gzip`` that is not gzip: refused on child routes only (the core, which knows the
    route, decides; a path with no route is its 404 first, as Web API routes before it reads a body)."""


class PayloadTooLarge(ApiError):
    status = 413

    @classmethod
    def for_request(cls, request: ApiRequest, limit: int) -> PayloadTooLarge:
        """The size the request declared (Content-Length), else what arrived. A served body is kept only to
        ``limit + 1`` bytes (the ASGI adapter drains the rest), so a chunked one that long is "more than"."""
        received = len(request.body)
        declared = (request.header("Content-Length") or "").strip()
        if declared.isascii() and declared.isdigit() and len(declared) < 20 and int(declared) >= received:
            received = int(declared)
        elif received == limit + 1:
            return cls(f"The request body is more than {limit} bytes; the limit is {limit}.")
        return cls(f"The request body is {received} bytes; the limit is {limit}.")


def error_texts(body: Any) -> list[str]:
    """The error texts of an answer body, whichever shape it came in (``errors`` or ``Message``)."""
    if not isinstance(body, dict):
        return []
    errors = body.get("errors")
    if isinstance(errors, list):
        return [str(e) for e in errors]
    if errors is not None:
        return [str(errors)]
    message = body.get("Message")
    return [str(message)] if message is not None else []
