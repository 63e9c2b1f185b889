"""A stateful, in-process fake of the Autotask PSA REST API."""

from .errors import ApiError
from .fake import Credentials, FakeAutotask
from .journal import Exchange, Journal
from .messages import ApiRequest, ApiResponse
from .profile import TenantProfile

__all__ = [
    "ApiError",
    "ApiRequest",
    "ApiResponse",
    "Credentials",
    "Exchange",
    "FakeAutotask",
    "Journal",
    "TenantProfile",
]
