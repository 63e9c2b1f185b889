"""Who may call: the API user a fake accepts, and the check every request to an entity path passes."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import BusinessError, Unauthorized
from .http_types import ApiRequest


@dataclass(frozen=True)
class Credentials:
    """The API user the fake accepts; with none configured, any non-empty credentials pass."""

    username: str
    secret: str
    integration_code: str


def authenticate(request: ApiRequest, accepted: Credentials | None) -> None:
    """Refuse a request without the API's three credential headers, or with others than ``accepted``'s."""
    username, secret, code = request.credentials()
    if not username or not secret or not code:
        raise Unauthorized("Authentication failed: the UserName, Secret and ApiIntegrationCode headers are required.")
    if accepted is None:
        return
    if (username, secret) != (accepted.username, accepted.secret):
        raise Unauthorized("Authentication failed: the user name or secret is not valid.")
    if code != accepted.integration_code:
        raise BusinessError("IntegrationCode is invalid.")
