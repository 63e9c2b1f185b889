"""A stateful, in-process fake of the Autotask PSA REST API."""

from .admission import Fault
from .errors import ApiError
from .fake import Credentials, FakeAutotask
from .journal import Exchange, Journal
from .messages import ApiRequest, ApiResponse
from .profile import Latency, Limits, TenantProfile

__all__ = [
    "ApiError",
    "ApiRequest",
    "ApiResponse",
    "Credentials",
    "Exchange",
    "FakeAutotask",
    "Fault",
    "Journal",
    "Latency",
    "Limits",
    "TenantProfile",
]
