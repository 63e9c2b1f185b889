"""The handlers of the swagger's paths that are no entity route, one per operation id (``endpoints.OPERATIONS``).

A company's invoice settings (``/Companies/{id}/invoiceSettings`` and its recipients), an invoice's
markup and PDF, ``/Authenticate``, ``/EntityInformation``, ``/Modules`` and the time-off approval
(``GET /TimeOffRequests/{id}/Approve``, a create by its operation id). Each answers in its swagger
response model, and with the API's ``{"errors": [...]}`` (HTTP 500) for a record that does not exist.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from html import escape
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from .coercion import coerce, format_datetime
from .errors import NO_MATCHING_RECORD, BusinessError
from .http_types import ApiRequest, ApiResponse, item_id_answer
from .jsonbody import request_json
from .route import Route
from .tenant import Tenant

# Invoice settings live in the store beside the entities (so reset, snapshots and kept answers see
# them), one record per company id; no entity has this name, so no route reaches the table directly.
SETTINGS_TABLE = "Companies/invoiceSettings"
# UpdateAccountInvoiceSettingsModel: the fields a PUT sets, with the type each takes.
SETTINGS_FIELDS = {
    "taxExempt": "boolean",
    "taxRegionId": "integer",
    "taxId": "string",
    "invoiceEmailingEnabled": "boolean",
    "otherEmails": "string",
}
# Which company fields the settings start from before any PUT (AccountInvoiceSettingsResultModel names).
COMPANY_FIELDS = {"taxExempt": "isTaxExempt", "taxRegionId": "taxRegionID", "taxId": "taxID"}
RECIPIENTS = {"contacts": ("contactRecipients", "Contacts"), "resources": ("resourceRecipients", "Resources")}
TOKEN_LIFETIME = timedelta(hours=1)


def not_implemented(tenant: Tenant, route: Route, request: ApiRequest) -> ApiResponse:
    """An operation's path with a verb no operation id names (a profile's added verb), or an id the index
    names and no handler answers (tests/test_swagger_paths.py keeps the latter from happening)."""
    name = route.operation.action(request.method) if route.operation is not None else None
    raise BusinessError(f"The operation {name or ''} is not implemented by the tenant.")


def _record(tenant: Tenant, entity: str, record_id: int) -> dict[str, Any]:
    record = tenant.store.table(entity).get(record_id)
    if record is None:
        raise BusinessError(f"No {entity} record with id {record_id} exists.")
    return record


def _body(request: ApiRequest) -> dict[str, Any]:
    if not request.body:
        raise BusinessError("Value cannot be null.\r\nParameter name: model")
    body = request_json(request)
    if not isinstance(body, dict):
        raise BusinessError("Value cannot be null.\r\nParameter name: model")
    return {str(key).lower(): value for key, value in body.items()}


# -- a company's invoice settings ---------------------------------------------------------------


def _settings(tenant: Tenant, company_id: int) -> dict[str, Any]:
    """AccountInvoiceSettingsResultModel: every field present; booleans never null, lists never null."""
    company = _record(tenant, "Companies", company_id)
    stored = tenant.store.table(SETTINGS_TABLE).get(company_id)
    if stored is None:
        stored = {name: company.get(field) for name, field in COMPANY_FIELDS.items()}
    return {
        "taxExempt": bool(stored.get("taxExempt")),
        "taxRegionId": stored.get("taxRegionId"),
        "taxId": stored.get("taxId"),
        "invoiceEmailingEnabled": bool(stored.get("invoiceEmailingEnabled")),
        "contactRecipients": list(stored.get("contactRecipients") or []),
        "resourceRecipients": list(stored.get("resourceRecipients") or []),
        "otherEmails": stored.get("otherEmails"),
    }


def _store_settings(tenant: Tenant, company_id: int, settings: dict[str, Any]) -> None:
    tenant.store.table(SETTINGS_TABLE).put(company_id, settings)


def settings_get(tenant: Tenant, route: Route, request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, _settings(tenant, route.ids[0]))


def settings_put(tenant: Tenant, route: Route, request: ApiRequest) -> ApiResponse:
    """Sets the model's five fields; one left out is emptied where the tenant's PUT nulls omitted fields
    (``[writes] put_nulls_omitted``), as entity PUTs do, and kept otherwise. Recipients are not touched."""
    company_id = route.ids[0]
    settings = _settings(tenant, company_id)
    body = _body(request)
    for name, data_type in SETTINGS_FIELDS.items():
        if name.lower() in body:
            settings[name] = coerce(name, data_type, body[name.lower()])
        elif tenant.profile.put_nulls_omitted:
            settings[name] = False if data_type == "boolean" else None
    _store_settings(tenant, company_id, settings)
    return item_id_answer(company_id)


def _add_recipients(tenant: Tenant, route: Route, request: ApiRequest, kind: str) -> ApiResponse:
    """UpdateContactRecipientsModel / UpdateResourceRecipientsModel ``{"items": [ids]}``; answers the
    whole list. A contact must be one of the company's; a resource must exist."""
    key, entity = RECIPIENTS[kind]
    company_id = route.ids[0]
    settings = _settings(tenant, company_id)
    items = _body(request).get("items")
    if not isinstance(items, list) or not items:
        raise BusinessError("Value cannot be null.\r\nParameter name: items")
    recipients: list[int] = settings[key]
    for raw in items:
        recipient = int(coerce("items", "integer", raw))
        record = _record(tenant, entity, recipient)
        if entity == "Contacts" and record.get("companyID") != company_id:
            raise BusinessError(f"Contact {recipient} does not belong to company {company_id}.")
        if recipient not in recipients:
            recipients.append(recipient)
    _store_settings(tenant, company_id, settings)
    return ApiResponse(200, {key: recipients})


def _delete_recipient(tenant: Tenant, route: Route, kind: str) -> ApiResponse:
    key, _ = RECIPIENTS[kind]
    company_id, recipient = route.ids
    settings = _settings(tenant, company_id)
    if recipient not in settings[key]:
        raise BusinessError(NO_MATCHING_RECORD)
    settings[key].remove(recipient)
    _store_settings(tenant, company_id, settings)
    return item_id_answer(recipient)


def contacts_add(tenant: Tenant, route: Route, request: ApiRequest) -> ApiResponse:
    return _add_recipients(tenant, route, request, "contacts")


def resources_add(tenant: Tenant, route: Route, request: ApiRequest) -> ApiResponse:
    return _add_recipients(tenant, route, request, "resources")


def contact_delete(tenant: Tenant, route: Route, request: ApiRequest) -> ApiResponse:
    return _delete_recipient(tenant, route, "contacts")


def resource_delete(tenant: Tenant, route: Route, request: ApiRequest) -> ApiResponse:
    return _delete_recipient(tenant, route, "resources")


# -- an invoice's markup and PDF ------------------------------------------------------------------


def _invoice(tenant: Tenant, route: Route) -> tuple[int, str, dict[str, Any]]:
    invoice_id = route.ids[0]
    invoice = _record(tenant, "Invoices", invoice_id)
    return invoice_id, str(invoice.get("invoiceNumber") or invoice_id), invoice


def markup_html(tenant: Tenant, route: Route, request: ApiRequest) -> ApiResponse:
    """InvoiceMarkupResultModel with the invoice rendered as HTML."""
    _, number, invoice = _invoice(tenant, route)
    html = (
        f"<html><head><title>Invoice {escape(number)}</title></head><body><h1>Invoice {escape(number)}</h1>"
        f"<p>Total: {escape(str(invoice.get('invoiceTotal') or 0))}</p></body></html>"
    )
    return ApiResponse(200, {"invoiceMarkup": html})


def markup_xml(tenant: Tenant, route: Route, request: ApiRequest) -> ApiResponse:
    """InvoiceMarkupResultModel with the invoice rendered as XML."""
    invoice_id, number, invoice = _invoice(tenant, route)
    fields = "".join(
        f"<{name}>{xml_escape(str(invoice.get(name)))}</{name}>"
        for name in ("companyID", "invoiceDateTime", "invoiceTotal")
        if invoice.get(name) is not None
    )
    xml = (
        f'<?xml version="1.0" encoding="utf-8"?><invoice id="{invoice_id}" number={quoteattr(number)}>'
        f"{fields}</invoice>"
    )
    return ApiResponse(200, {"invoiceMarkup": xml})


def pdf(tenant: Tenant, route: Route, request: ApiRequest) -> ApiResponse:
    """FileQueryResultModel; ``data`` is base64, as the API's JSON carries a byte array."""
    invoice_id, number, _ = _invoice(tenant, route)
    text = f"Invoice {number}".replace("\\", "").replace("(", "").replace(")", "")
    content = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
        b"% " + text.encode("latin-1", "replace") + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return ApiResponse(
        200,
        {
            "id": invoice_id,
            "contentType": "application/pdf",
            "fileName": f"Invoice_{number}.pdf",
            "fileSize": len(content),
            "data": base64.b64encode(content).decode("ascii"),
        },
    )


# -- the tenant's service operations -------------------------------------------------------------


def authenticate(tenant: Tenant, route: Route, request: ApiRequest) -> ApiResponse:
    """AuthTokenResultModel: a token for the (already authenticated) user, valid an hour."""
    now = tenant.clock()
    user = request.credentials()[0]
    token = hashlib.sha256(f"{user}|{now.isoformat()}".encode()).hexdigest()
    return ApiResponse(200, {"authToken": token, "expiration": format_datetime(now + TOKEN_LIFETIME)})


def entity_information(tenant: Tenant, route: Route, request: ApiRequest) -> ApiResponse:
    """GlobalEntityInformationResultModel: every entity's ``entityInformation`` answer."""
    entities = sorted(tenant.catalog.entities.values(), key=lambda e: e.name)
    return ApiResponse(200, {"entityDescriptions": [{"info": dict(e.info)} for e in entities]})


def modules(tenant: Tenant, route: Route, request: ApiRequest) -> ApiResponse:
    """ModuleAccessResultModel: module id -> access. Module ids are tenant data nothing here records."""
    return ApiResponse(200, {"modules": []})


def approve_time_off(tenant: Tenant, route: Route, request: ApiRequest) -> ApiResponse:
    """Stamps the request approved by the API user (or the impersonated resource); answers its id. The
    status value an approval sets is tenant data nothing here records, so ``status`` is left alone."""
    request_id = route.ids[0]
    _record(tenant, "TimeOffRequests", request_id)
    entity = tenant.catalog.get("TimeOffRequests")
    assert entity is not None
    ctx = tenant.write_context(request)
    body = {
        "id": request_id,
        "approvedDateTime": format_datetime(ctx.now),
        "approveRejectResourceID": tenant.profile.api_resource_id,
        "impersonatorApproveRejectResourceID": ctx.impersonator,
    }
    return item_id_answer(tenant.writer.update(entity, body, ctx, partial=True))
