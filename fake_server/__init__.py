"""A stateful, in-process fake of the Autotask PSA REST API."""

from .admission import Fault
from .auth import Credentials
from .errors import ApiError
from .exchange import Exchange
from .fake import FakeAutotask
from .http_types import ApiRequest, ApiResponse
from .journal import Journal
from .profile import DEFAULT_COMPLETING_STATUS, Latency, Limits, TenantProfile
from .tenant import Tenant
from .wire import read_body

__all__ = [
    "DEFAULT_COMPLETING_STATUS",
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
    "Tenant",
    "TenantProfile",
    "read_body",
]
