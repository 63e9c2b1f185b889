"""Re-create journal.jsonl: the requests panoramicdata/AutoTask.Psa.Api (C#, Refit 10.1.6 over HttpClient) sends.

source = "written": the client is a .NET library (net10.0) and no .NET runtime is on this machine, so this
script sends, with httpx, exactly the requests the client's code builds for a typical workflow, against the
harness's served fake. Run it from the repository root with the harness's Python:

    python tests/corpus/autotask-psa-api-dotnet/record.py [--profile documented]

Code followed (commit 9537e5e87d0afe7ae49150144d91391bce4794f4, 2026-04-29):
  AutoTask.Psa.Api/AutoTaskClient.cs                  base address, RefitFor, GetAllAsync paging helper
  AutoTask.Psa.Api/AuthenticatedHttpClientHandler.cs  the headers every request carries
  AutoTask.Psa.Api/Interfaces/ITickets.cs, ITicketNotesChild.cs, ITimeEntries.cs,
  IZoneInformationApiIntegration.cs                   the Refit routes
  AutoTask.Psa.Api/Data/TicketModel.cs, TicketNoteModel.cs, QueryModel.cs, Filter.cs, UserDefinedField.cs
                                                      the bodies (serialised by Refit's default
                                                      System.Text.Json serializer: the Newtonsoft one is
                                                      commented out in AutoTaskClient's constructor)
and Refit 10.1.6 (reactiveui/refit tag v10.1.6): RequestBuilderImplementation.BuildRelativePath appends the
route to HttpClient.BaseAddress.AbsolutePath untrimmed, so "/atservicesrest/" + "/V1.0/Tickets" gives
"/atservicesrest//V1.0/Tickets"; CreateQueryString escapes with Uri.EscapeDataString; a [Body] is
JsonContent (streamed, so sent chunked) with SystemTextJsonContentSerializer.GetDefaultJsonSerializerOptions
(camelCase names, nulls written, [DataMember] names ignored).

Configuration, as a user pointing the client at another host would give it: the HttpClient's BaseAddress
is "<root>/atservicesrest/" (AutoTaskClient's own constructor writes
"https://webservices{ServerId}.autotask.net/atservicesrest/") and any non-empty credentials.

Profile: "documented" by default. On the default profile (the Postman contract: ATServicesRest is case-sensitive)
every entity request of this client answers 404, as it always writes "atservicesrest"; the workflow
would end at its first query (``--profile default`` shows that: 2 exchanges).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import httpx

from fake_server.sample import sample_snapshot, sample_tenant
from harness.serving.server import ServedFake

HERE = Path(__file__).resolve().parent
# An open ticket (status 1, New) of the sample tenant with a time entry and a note.
TICKET_NUMBER = "T20260106.0012.001"
API_USER = "api-user@example.invalid"
CREDENTIALS = {"UserName": API_USER, "Password": "any-secret", "IntegrationCode": "ANY-INTEGRATION-CODE"}

# --- the models, property by property in declaration order (Data/*.cs): (C# name, kind) -------------------
TICKET_MODEL = [
    ("Id", "long"),
    ("ApiVendorID", "int"),
    ("AssignedResourceID", "int"),
    ("AssignedResourceRoleID", "int"),
    ("BillingCodeID", "int"),
    ("ChangeApprovalBoard", "int"),
    ("ChangeApprovalStatus", "int"),
    ("ChangeApprovalType", "int"),
    ("ChangeInfoField1", "string"),
    ("ChangeInfoField2", "string"),
    ("ChangeInfoField3", "string"),
    ("ChangeInfoField4", "string"),
    ("ChangeInfoField5", "string"),
    ("CompanyID", "int"),
    ("CompanyLocationID", "int"),
    ("CompletedByResourceID", "int"),
    ("CompletedDate", "datetime"),
    ("ConfigurationItemID", "int"),
    ("ContactID", "int"),
    ("ContractID", "int"),
    ("ContractServiceBundleID", "long"),
    ("ContractServiceID", "long"),
    ("CreateDate", "datetime"),
    ("CreatorResourceID", "int"),
    ("CreatorType", "int"),
    ("CurrentServiceThermometerRating", "int"),
    ("Description", "string"),
    ("DueDateTime", "datetime"),
    ("EstimatedHours", "double"),
    ("ExternalID", "string"),
    ("FirstResponseAssignedResourceID", "int"),
    ("FirstResponseDateTime", "datetime"),
    ("FirstResponseDueDateTime", "datetime"),
    ("FirstResponseInitiatingResourceID", "int"),
    ("HoursToBeScheduled", "double"),
    ("ImpersonatorCreatorResourceID", "int"),
    ("IssueType", "int"),
    ("LastActivityDate", "datetime"),
    ("LastActivityPersonType", "int"),
    ("LastActivityResourceID", "int"),
    ("LastCustomerNotificationDateTime", "datetime"),
    ("LastCustomerVisibleActivityDateTime", "datetime"),
    ("LastTrackedModificationDateTime", "datetime"),
    ("MonitorID", "int"),
    ("MonitorTypeID", "int"),
    ("OpportunityID", "int"),
    ("OrganizationalLevelAssociationID", "int"),
    ("PreviousServiceThermometerRating", "int"),
    ("Priority", "int"),
    ("ProblemTicketId", "int"),
    ("ProjectID", "int"),
    ("PurchaseOrderNumber", "string"),
    ("QueueID", "int"),
    ("Resolution", "string"),
    ("ResolutionPlanDateTime", "datetime"),
    ("ResolutionPlanDueDateTime", "datetime"),
    ("ResolvedDateTime", "datetime"),
    ("ResolvedDueDateTime", "datetime"),
    ("RmaStatus", "int"),
    ("RmaType", "int"),
    ("RMMAlertID", "string"),
    ("ServiceLevelAgreementHasBeenMet", "bool"),
    ("ServiceLevelAgreementID", "int"),
    ("ServiceLevelAgreementPausedNextEventHours", "double"),
    ("ServiceThermometerTemperature", "int"),
    ("Source", "int"),
    ("Status", "int"),
    ("SubIssueType", "int"),
    ("TicketCategory", "int"),
    ("TicketNumber", "string"),
    ("TicketType", "int"),
    ("Title", "string"),
    ("UserDefinedFields", "udfs"),
]
TICKET_NOTE_MODEL = [
    ("Id", "long"),
    ("CreateDateTime", "datetime"),
    ("CreatorResourceID", "int"),
    ("Description", "string"),
    ("ImpersonatorCreatorResourceID", "int"),
    ("ImpersonatorUpdaterResourceID", "int"),
    ("LastActivityDate", "datetime"),
    ("NoteType", "int"),
    ("Publish", "int"),
    ("TicketID", "int"),
    ("Title", "string"),
    ("SoapParentPropertyId", "object"),
    ("UserDefinedFields", "udfs"),
]
QUERY_MODEL = [("MaxRecords", "int"), ("IncludeFields", "object"), ("Filter", "object"), ("Xml", "string?")]
FILTER_MODEL = [("Op", "string?"), ("Field", "string?"), ("Udf", "bool"), ("Value", "object"), ("Items", "object")]


# --- System.Text.Json as Refit 10.1.6 configures it ----------------------------------------------------------
def camel(name: str) -> str:
    """JsonNamingPolicy.CamelCase: lower the leading run of capitals (RMMAlertID -> rmmAlertID, Id -> id)."""
    chars = list(name)
    for i, char in enumerate(chars):
        if i == 1 and not char.isupper():
            break
        if i > 0 and i + 1 < len(chars) and not chars[i + 1].isupper():
            break
        chars[i] = char.lower()
    return "".join(chars)


def default_of(kind: str) -> Any:
    """A property's value when the JSON read had no such key: `= string.Empty` / `= []` initialisers, else null."""
    return "" if kind == "string" else [] if kind == "udfs" else None


def read_model(model: list[tuple[str, str]], data: dict[str, Any]) -> dict[str, Any]:
    """Deserialise a JSON object into the model (PropertyNameCaseInsensitive): keys it has no property for are
    dropped, properties the JSON lacks keep their initialiser."""
    by_lower = {str(k).lower(): v for k, v in data.items()}
    values: dict[str, Any] = {}
    for name, kind in model:
        if name.lower() not in by_lower:
            values[name] = default_of(kind)
            continue
        value = by_lower[name.lower()]
        if kind == "udfs" and isinstance(value, list):
            value = [{"Name": (u or {}).get("name", ""), "Value": (u or {}).get("value", "")} for u in value]
        elif kind in ("int", "long") and isinstance(value, str):
            value = int(value)  # JsonNumberHandling.AllowReadingFromString
        elif kind == "double" and isinstance(value, str):
            value = float(value)
        values[name] = value
    return values


def new_model(model: list[tuple[str, str]], **given: Any) -> dict[str, Any]:
    """`new XModel { A = ..., B = ... }`: every other property keeps its initialiser."""
    return {name: given.get(name, default_of(kind)) for name, kind in model}


def stj_datetime(text: str) -> str:
    """A DateTime read from ISO text and written back: .NET writes up to 7 fractional digits, trailing zeros
    trimmed, then Z for DateTimeKind.Utc and nothing for Unspecified (the fake always answers with Z)."""
    utc = text.endswith(("Z", "z"))
    moment = datetime.fromisoformat(text[:-1] if utc else text)
    if moment.tzinfo is not None:  # an offset reads as DateTimeKind.Local, written with the local offset (UTC here)
        moment = moment.astimezone(UTC).replace(tzinfo=None)
        suffix = "+00:00"
    else:
        suffix = "Z" if utc else ""
    out = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        out += "." + f"{moment.microsecond:06d}0".rstrip("0")
    return out + suffix


def stj_string(text: str) -> str:
    """JavaScriptEncoder.Default: non-ASCII and HTML-sensitive characters as \\uXXXX (upper-case hex)."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char in "\n\r\t\b\f":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}[char])
        elif code < 0x20 or code > 0x7E or char in "<>&'+`":
            out.append("".join(f"\\u{unit:04X}" for unit in _utf16(char)))
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _utf16(char: str) -> list[int]:
    data = char.encode("utf-16-be")
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]


def stj_value(value: Any, kind: str = "object") -> str:
    if value is None:
        return "null"
    if kind == "datetime" and isinstance(value, str):
        return stj_string(stj_datetime(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))  # .NET writes 1.0 as 1
        return repr(value)
    if isinstance(value, str):
        return stj_string(value)
    if isinstance(value, list):
        if kind == "udfs":
            return (
                "["
                + ",".join("{" + f'"name":{stj_value(u["Name"])},"value":{stj_value(u["Value"])}' + "}" for u in value)
                + "]"
            )
        return "[" + ",".join(stj_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{stj_string(str(k))}:{stj_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def stj_model(model: list[tuple[str, str]], values: dict[str, Any]) -> str:
    """Every property in declaration order, camelCase, nulls included (DefaultIgnoreCondition.Never)."""
    return "{" + ",".join(f'"{camel(name)}":{stj_value(values[name], kind)}' for name, kind in model) + "}"


def query_model_json(filters: list[dict[str, Any]], max_records: int | None = None) -> str:
    """A QueryModel with Filter items (Filter.cs): nulls for everything not set."""
    filter_json = "[" + ",".join(stj_model(FILTER_MODEL, new_model(FILTER_MODEL, **f)) for f in filters) + "]"
    return "{" + f'"maxRecords":{stj_value(max_records)},"includeFields":null,"filter":{filter_json},' + '"xml":null}'


def escape_data_string(text: str) -> str:
    """Uri.EscapeDataString: everything but RFC 3986 unreserved characters, upper-case hex."""
    return quote(text, safe="")


# --- the HttpClient, its AuthenticatedHttpClientHandler and Refit's URL building ---------------------------
class Client:
    def __init__(self, base_address: str) -> None:
        self.base_address = base_address  # HttpClient.BaseAddress, ends in "/"
        self.http = httpx.Client(timeout=60)
        for name in list(self.http.headers.keys()):  # HttpClient sends no Accept, User-Agent or Accept-Encoding
            del self.http.headers[name]

    def headers(self) -> dict[str, str]:
        """AuthenticatedHttpClientHandler.SendAsync: added to every request, in this order (note "UserAgent",
        a custom header, not User-Agent)."""
        return {
            "ApiIntegrationCode": CREDENTIALS["IntegrationCode"],
            "UserName": CREDENTIALS["UserName"],
            "Secret": CREDENTIALS["Password"],
            "UserAgent": "AutoTask.Psa.Api.AutoTaskClient",
        }

    def refit_url(self, route: str, query: dict[str, str] | None = None) -> str:
        """RequestBuilderImplementation.BuildRelativePath: BaseAddress.AbsolutePath + route, untrimmed."""
        parts = urlsplit(self.base_address)
        base_path = "" if parts.path == "/" else parts.path
        url = f"{parts.scheme}://{parts.netloc}{base_path}{route}"
        if query:
            url += "?" + "&".join(f"{escape_data_string(k)}={escape_data_string(v)}" for k, v in query.items())
        return url

    def refit(
        self, method: str, route: str, *, query: dict[str, str] | None = None, body: str | None = None
    ) -> httpx.Response:
        """A Refit method call: [Body] goes as JsonContent, streamed (Transfer-Encoding: chunked)."""
        headers = self.headers()
        content: Iterator[bytes] | None = None
        if body is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
            data = body.encode("utf-8")
            content = iter([data])
        response = self.http.request(method, self.refit_url(route, query), headers=headers, content=content)
        if response.status_code >= 400:  # Refit's default ExceptionFactory throws ApiException
            raise ApiException(method, route, response)
        return response

    def send(self, method: str, sub_url: str, body: str | None = None) -> httpx.Response:
        """AutoTaskClient.GetAllInternalAsync: new HttpRequestMessage(method, subUrl), resolved against
        BaseAddress (relative) or taken as is (nextPageUrl, absolute); StringContent(body, UTF8,
        "application/json") has a Content-Length."""
        headers = self.headers()
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
            data = body.encode("utf-8")
        response = self.http.request(method, urljoin(self.base_address, sub_url), headers=headers, content=data)
        if response.status_code >= 400:
            raise ApiException(method, sub_url, response)
        return response

    def get_all(self, sub_url: str, body: str) -> list[dict[str, Any]]:
        """AutoTaskClient.GetAllAsync(subUrl, body): POST, then POST every pageDetails.nextPageUrl verbatim with
        the same body until there is none."""
        items: list[dict[str, Any]] = []
        while True:
            page = self.send("POST", sub_url, body).json()
            items.extend(page["items"])
            next_url = (page.get("pageDetails") or {}).get("nextPageUrl")
            if not next_url or not str(next_url).strip():
                return items
            sub_url = next_url


class ApiException(Exception):
    def __init__(self, method: str, url: str, response: httpx.Response) -> None:
        super().__init__(f"{method} {url} -> {response.status_code}: {response.text[:300]}")


def attempt(call: Any) -> Any:
    """One independent step of the driver: a failed write throws ApiException, which the driver reports
    before going on with the steps that do not need its result."""
    try:
        return call()
    except ApiException as error:
        print(f"failed: {error}")
        return None


def workflow(client: Client) -> None:
    # 1. IZoneInformationApiIntegration.ZoneInformationApiIntegrationQueryZoneInformation(user):
    #    [Get("/V1.0/ZoneInformation")] with [AliasAs("user")] as the query. The client never uses the answer
    #    itself (AutoTaskClientOptions takes a ServerId); a caller looks the zone up before choosing one.
    client.refit("GET", "/V1.0/ZoneInformation", query={"user": API_USER})

    # 2. ITickets.QueryAsync(QueryModel) [Post("/V1.0/Tickets/query")]: the ticket by its number.
    found = client.refit(
        "POST",
        "/V1.0/Tickets/query",
        body=query_model_json([{"Field": "ticketNumber", "Op": "eq", "Value": TICKET_NUMBER}]),
    ).json()
    ticket_id = int(found["items"][0]["id"])

    # 3. ITickets.GetAsync(id) [Get("/V1.0/Tickets/{id}")] -> GetResult<TicketModel>.Item
    ticket = read_model(TICKET_MODEL, client.refit("GET", f"/V1.0/Tickets/{ticket_id}").json()["item"])

    # 4. ITicketNotesChild.CreateAsync(parentId, TicketNoteModel) [Post("/V1.0/Tickets/{parentId}/Notes")]
    note = new_model(
        TICKET_NOTE_MODEL,
        TicketID=ticket_id,
        Title="Update from the integration",
        Description="Remote session held; the access point was restarted.",
        NoteType=1,
        Publish=1,
    )
    attempt(lambda: client.refit("POST", f"/V1.0/Tickets/{ticket_id}/Notes", body=stj_model(TICKET_NOTE_MODEL, note)))

    # 5. ITickets.UpdateAsync(TicketModel) [Put("/V1.0/Tickets")]: the model read in step 3, status changed
    #    to 8 ("In Progress" on the documented tenant), written back whole.
    ticket["Status"] = 8
    attempt(lambda: client.refit("PUT", "/V1.0/Tickets", body=stj_model(TICKET_MODEL, ticket)))

    # 6. ITickets.PatchAsync(TicketModel) [Patch("/V1.0/Tickets")]: the client's partial update, called the
    #    only way its signature allows, with a new TicketModel { Id, Title }; every other property goes as
    #    null, "" (strings initialised to string.Empty) or [] (UserDefinedFields).
    patch = new_model(TICKET_MODEL, Id=ticket_id, Title="Wi-Fi drops in meeting room, access point restarted")
    attempt(lambda: client.refit("PATCH", "/V1.0/Tickets", body=stj_model(TICKET_MODEL, patch)))

    # 7. ITimeEntries.QueryAsync(string search) [Get("/V1.0/TimeEntries/query")]: the search-string form, as
    #    AutoTask.Psa.Api.Test/TicketTests.cs calls Tickets.QueryAsync.
    client.refit(
        "GET",
        "/V1.0/TimeEntries/query",
        query={"search": '{"filter": [ {"field": "ticketID", "op": "eq", "value": ' + str(ticket_id) + "}]}"},
    )

    # 8. AutoTaskClient.GetAllAsync("V1.0/TicketNotes/query", body): every ticket note, page after page.
    notes = client.get_all("V1.0/TicketNotes/query", '{"filter":[{"op":"gt","field":"id","value":0}]}')
    print(f"{len(notes)} ticket notes read")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="documented")
    parser.add_argument("--out", type=Path, default=HERE / "journal.jsonl")
    args = parser.parse_args()
    snapshot = sample_snapshot()
    assert any(t["ticketNumber"] == TICKET_NUMBER for t in snapshot["Tickets"])
    fake = sample_tenant(args.profile)  # what `serve --seed sample` serves
    with ServedFake(fake) as served:
        client = Client(f"{served.root_url}/atservicesrest/")
        try:
            workflow(client)
        except ApiException as error:  # the workflow ends where the client throws
            print(f"stopped: {error}")
        finally:
            client.http.close()
    fake.journal.dump_jsonl(args.out)
    print(f"{len(fake.journal)} exchanges written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
