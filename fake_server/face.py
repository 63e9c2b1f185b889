"""What tools built on the fake may use of it, beside the package root's names.

The root (``from fake_server import FakeAutotask``) is the face for someone who runs the fake in their
tests. A tool that reads its traffic, serves it, records or probes against it (``harness`` is one) also
needs the catalog, the error texts, the route constants, the redaction and the ASGI types: they are here,
so the modules behind them can be split, renamed or merged without breaking such a tool.
``tests/test_import_graph.py`` fails when a ``harness`` or ``contract_tests`` module imports a
``fake_server`` module other than the root or this one.
"""

from .asgi import AsgiApp, Message, Receive, Scope, Send, answer_lifespan, read_rest
from .catalog import Catalog
from .coercion import coerce
from .errors import BusinessError, error_texts
from .exchange import json_or_none
from .journal import SERVED_KEEP
from .jsonbody import parse_json, too_deep
from .profile import BUNDLED
from .profile_schema import probed_settings
from .profile_toml import write_profile
from .redaction import CREDENTIAL_HEADERS, REDACTED, is_credential_header, is_credential_name, scrub_url
from .rendering import udf_definitions
from .route import BASE
from .routing import AUTOTASK_HOSTS
from .sample import sample_snapshot
from .seed_check import SnapshotRefused
from .tenancy import ANONYMOUS, TenantsByCredentials, tenant_key
from .tenant import tenant_catalog
from .webhook_wire import (
    DEACTIVATED,
    SIGNATURE_HEADER,
    callout_body,
    callout_payload,
    deactivation_payload,
    signature,
)

__all__ = [
    "ANONYMOUS",
    "AUTOTASK_HOSTS",
    "BASE",
    "BUNDLED",
    "CREDENTIAL_HEADERS",
    "DEACTIVATED",
    "REDACTED",
    "SERVED_KEEP",
    "SIGNATURE_HEADER",
    "AsgiApp",
    "BusinessError",
    "Catalog",
    "Message",
    "Receive",
    "Scope",
    "Send",
    "SnapshotRefused",
    "TenantsByCredentials",
    "answer_lifespan",
    "callout_body",
    "callout_payload",
    "coerce",
    "deactivation_payload",
    "error_texts",
    "is_credential_header",
    "is_credential_name",
    "json_or_none",
    "parse_json",
    "probed_settings",
    "read_rest",
    "sample_snapshot",
    "scrub_url",
    "signature",
    "tenant_catalog",
    "tenant_key",
    "too_deep",
    "udf_definitions",
    "write_profile",
]
