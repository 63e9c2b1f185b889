"""The one table of endpoints: every kind of route with the handler that answers it, whether it only reads,
the entity flag it needs and whether a record's path can be routed by its shape.

The router (``routing``) puts one of these entries on every route it makes and the core calls
``route.endpoint.handle(tenant, route, request)``: a kind is named, answered and described here and nowhere
else. The swagger's paths that are no entity route are entries too, one per operation id.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from . import handlers, operations
from .catalog import Operation
from .route import Endpoint

_GET = frozenset({"GET"})
_GET_OR_POST = frozenset({"GET", "POST"})

ROOT = Endpoint("root", handlers.root, flag_by_verb=True)
ITEM = Endpoint("item", handlers.item, reads=_GET, flag_by_verb=True, by_last_id=True)
QUERY = Endpoint("query", handlers.query, reads=_GET_OR_POST, flag="canQuery")
QUERY_COUNT = Endpoint("query_count", handlers.query_count, reads=_GET_OR_POST, flag="canQuery")
QUERY_PAGE = Endpoint("query_page", handlers.query_page, reads=_GET_OR_POST, flag="canQuery")
CHILD_COLLECTION = Endpoint("child_collection", handlers.child_collection, reads=_GET, flag_by_verb=True)
CHILD_ITEM = Endpoint("child_item", handlers.child_item, reads=_GET, flag_by_verb=True, by_last_id=True)
INFO = Endpoint("info", handlers.info, reads=_GET)
INFO_FIELDS = Endpoint("info_fields", handlers.info_fields, reads=_GET)
INFO_UDFS = Endpoint("info_udfs", handlers.info_udfs, reads=_GET)
# An operation's path with a verb no operation id names (one a profile adds), or an id no handler answers.
NO_OPERATION = Endpoint("no_operation", operations.not_implemented)

# By the swagger's operation id. tests/test_swagger_paths.py checks that every id of the index is here.
OPERATIONS: Mapping[str, Endpoint] = MappingProxyType(
    {
        name: Endpoint(name, handle)
        for name, handle in (
            ("AccountInvoiceSettings_Get", operations.settings_get),
            ("AccountInvoiceSettings_Put", operations.settings_put),
            ("AccountInvoiceSettings_AddContactRecipients", operations.contacts_add),
            ("AccountInvoiceSettings_DeleteContactRecipient", operations.contact_delete),
            ("AccountInvoiceSettings_AddResourceRecipients", operations.resources_add),
            ("AccountInvoiceSettings_DeleteResourceRecipient", operations.resource_delete),
            ("InvoiceMarkupApiIntegration_QueryInvoiceMarkupHtml", operations.markup_html),
            ("InvoiceMarkupApiIntegration_QueryInvoiceMarkupXml", operations.markup_xml),
            ("InvoiceMarkupApiIntegration_QueryInvoicePdf", operations.pdf),
            ("AuthenticateApiIntegration_QueryAuthenticate", operations.authenticate),
            ("MetadataApiIntegration_QueryEntityInformation", operations.entity_information),
            ("ModuleAccessApiIntegration_QueryModuleAccess", operations.modules),
            ("TimeOffRequestsApproveChild_CreateEntity", operations.approve_time_off),
        )
    }
)

ENDPOINTS: Mapping[str, Endpoint] = MappingProxyType(
    {
        endpoint.kind: endpoint
        for endpoint in (
            ROOT,
            ITEM,
            QUERY,
            QUERY_COUNT,
            QUERY_PAGE,
            CHILD_COLLECTION,
            CHILD_ITEM,
            INFO,
            INFO_FIELDS,
            INFO_UDFS,
            NO_OPERATION,
            *OPERATIONS.values(),
        )
    }
)


def for_operation(operation: Operation, method: str) -> Endpoint:
    """The endpoint of the operation id this verb names on an operation's path."""
    return OPERATIONS.get(operation.action(method) or "", NO_OPERATION)
