"""Re-creates journal.jsonl: the requests anteris-dev/autotask-client sends for a typical workflow.

source = "written": the client is PHP (Guzzle 7, spatie/data-transfer-object 3 entities, Carbon dates)
and there is no PHP here, so this script sends with httpx exactly what the client's code at v0.6.0
(commit ee26ec5, the newest) sends, and models the entity round trip (DTO properties, type coercion,
Carbon's JSON dates, PHP's json_encode) that decides the bodies. Each request names the client file and
method it follows. Run it from the repository root with the repository's environment:

    python tests/corpus/anteris-autotask-client/record.py

The workflow, in PHP:

    $client = new Anteris\\Autotask\\Client($user, $secret, $code, $zoneUrl);   // README: look the zone up by hand
    $found  = $client->tickets()->query()->where('ticketNumber', 'eq', 'T20260106.0012.001')->get();  // 1
    $ticket = $client->tickets()->findById($found[0]->id);                                         // 2
    $fields = $client->tickets()->getEntityFields();                                               // 3
    $ticket->status = 7;
    $client->tickets()->update($ticket);                                                           // 4 (PUT)
    $client->ticketNotes()->create(new TicketNoteEntity(['id' => 0, 'ticketID' => $ticket->id, ...]));  // 5
    $client->timeEntries()->query()->where('ticketID', 'eq', $ticket->id)->get();                  // 6
    $client->ticketNotes()->query()->where('id', 'exist')->loop(function (TicketNoteEntity $n) {}); // 7-10

The client has no zone discovery: its README sends the user to zoneInformation in a browser and has them
pass the url it shows as $baseUri. Here that url is the one the served fake's zoneInformation names (the
fake's own root plus /ATServicesRest/), fetched once by this script outside the journal.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # the repository root, for fake_server and harness

from fake_server.sample import sample_tenant  # noqa: E402
from harness.serving.server import ServedFake  # noqa: E402

API_USER = "api-user@example.invalid"
TICKET_NUMBER = "T20260106.0012.001"  # sample tenant: ticket 12, status New, one note, one time entry
GET_LIMIT = 1800  # src/API/*/…QueryBuilder.php: private const GET_LIMIT

# The entities' public properties in declaration order, as the generated PHP declares them
# (src/API/Tickets/TicketEntity.php, src/API/TicketNotes/TicketNoteEntity.php,
# src/API/TimeEntries/TimeEntryEntity.php). "mixed" is an untyped property; every ?Carbon one is turned
# into a Carbon by the entity's constructor when set.
TICKET = (
    "apiVendorID ?int,assignedResourceID ?int,assignedResourceRoleID ?int,billingCodeID ?int,"
    "changeApprovalBoard ?int,changeApprovalStatus ?int,changeApprovalType ?int,changeInfoField1 ?string,"
    "changeInfoField2 ?string,changeInfoField3 ?string,changeInfoField4 ?string,changeInfoField5 ?string,"
    "companyID int,companyLocationID ?int,completedByResourceID ?int,completedDate ?Carbon,"
    "configurationItemID ?int,contactID ?int,contractID ?int,contractServiceBundleID mixed,"
    "contractServiceID mixed,createDate ?Carbon,createdByContactID ?int,creatorResourceID ?int,"
    "creatorType ?int,currentServiceThermometerRating ?int,description ?string,dueDateTime ?Carbon,"
    "estimatedHours ?float,externalID ?string,firstResponseAssignedResourceID ?int,"
    "firstResponseDateTime ?Carbon,firstResponseDueDateTime ?Carbon,firstResponseInitiatingResourceID ?int,"
    "hoursToBeScheduled ?float,id mixed,impersonatorCreatorResourceID ?int,isAssignedToComanaged ?bool,"
    "issueType ?int,isVisibleToComanaged ?bool,lastActivityDate ?Carbon,lastActivityPersonType ?int,"
    "lastActivityResourceID ?int,lastCustomerNotificationDateTime ?Carbon,"
    "lastCustomerVisibleActivityDateTime ?Carbon,lastTrackedModificationDateTime ?Carbon,monitorID mixed,"
    "monitorTypeID ?int,opportunityID ?int,organizationalLevelAssociationID ?int,"
    "previousServiceThermometerRating ?int,priority int,problemTicketId ?int,projectID ?int,"
    "purchaseOrderNumber ?string,queueID ?int,resolution ?string,resolutionPlanDateTime ?Carbon,"
    "resolutionPlanDueDateTime ?Carbon,resolvedDateTime ?Carbon,resolvedDueDateTime ?Carbon,rmaStatus ?int,"
    "rmaType ?int,rmmAlertID ?string,serviceLevelAgreementHasBeenMet ?bool,serviceLevelAgreementID ?int,"
    "serviceLevelAgreementPausedNextEventHours ?float,serviceThermometerTemperature ?int,source ?int,"
    "status int,subIssueType ?int,ticketCategory ?int,ticketNumber ?string,ticketType ?int,title string,"
    "userDefinedFields ?array"
)
TICKET_NOTE = (
    "createDateTime ?Carbon,createdByContactID ?int,creatorResourceID ?int,description string,id mixed,"
    "impersonatorCreatorResourceID ?int,impersonatorUpdaterResourceID ?int,lastActivityDate ?Carbon,"
    "noteType int,publish int,ticketID int,title ?string,userDefinedFields ?array"
)
TIME_ENTRY = (
    "billingApprovalDateTime ?Carbon,billingApprovalLevelMostRecent ?int,billingApprovalResourceID ?int,"
    "billingCodeID ?int,contractID ?int,contractServiceBundleID mixed,contractServiceID mixed,"
    "createDateTime ?Carbon,creatorUserID ?int,dateWorked ?Carbon,endDateTime ?Carbon,hoursToBill ?float,"
    "hoursWorked ?float,id mixed,impersonatorCreatorResourceID ?int,impersonatorUpdaterResourceID ?int,"
    "internalBillingCodeID ?int,internalNotes ?string,isInternalNotesVisibleToComanaged ?bool,"
    "isNonBillable ?bool,lastModifiedDateTime ?Carbon,lastModifiedUserID ?int,offsetHours ?float,"
    "resourceID int,roleID ?int,showOnInvoice ?bool,startDateTime ?Carbon,summaryNotes ?string,"
    "taskID ?int,ticketID ?int,timeEntryType ?int,userDefinedFields ?array"
)


class Carbon:
    """Carbon 2: new Carbon($string); json_encode calls jsonSerialize() -> toISOString(): UTC, microseconds."""

    def __init__(self, text: str) -> None:
        self.moment = datetime.fromisoformat(text)

    def json(self) -> str:
        moment = self.moment.astimezone(UTC) if self.moment.tzinfo else self.moment
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _coerce(kind: str, value: Any, name: str) -> Any:
    """PHP's coercive assignment to a typed property (the DTO sets them through reflection, non-strict)."""
    if value is None or kind == "mixed":
        if value is None and not kind.startswith("?") and kind != "mixed":
            raise TypeError(f"Cannot assign null to property {name} of type {kind}")
        return value
    base = kind.lstrip("?")
    if base == "int":
        return int(value)
    if base == "float":
        return float(value)
    if base == "string":
        return value if isinstance(value, str) else json.dumps(value)
    if base == "bool":
        return bool(value)
    if base == "array":
        if not isinstance(value, list | dict):
            raise TypeError(f"Cannot assign {type(value).__name__} to property {name} of type {kind}")
        return value
    if base == "Carbon":
        if not isinstance(value, Carbon):
            raise TypeError(f"Cannot assign {type(value).__name__} to property {name} of type {kind}")
        return value
    raise AssertionError(kind)


class Entity:
    """A generated entity: its constructor Carbon-casts the date fields that are set, then spatie's
    DataTransferObject::__construct assigns every public property (missing keys get null, unknown keys
    are dropped), and toArray() returns all of them in declaration order, nulls included."""

    def __init__(self, declaration: str, data: dict[str, Any]) -> None:
        self.kinds = dict(part.split(" ") for part in declaration.split(","))
        self.values: dict[str, Any] = {}
        for name, kind in self.kinds.items():
            value = data.get(name)
            if kind == "?Carbon" and value is not None:  # if (isset($array['…'])) $array['…'] = new Carbon(…)
                value = Carbon(value)
            self.values[name] = _coerce(kind, value, name)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def __setitem__(self, name: str, value: Any) -> None:
        self.values[name] = _coerce(self.kinds[name], value, name)

    def to_array(self) -> dict[str, Any]:
        return dict(self.values)


def json_encode(value: Any) -> str:
    """PHP's json_encode($value) with no flags, as Guzzle's 'json' option calls it: compact, "/" escaped as
    "\\/", non-ASCII as \\uXXXX, floats always with a fraction (1.0), Carbon through jsonSerialize()."""

    def plain(item: Any) -> Any:
        if isinstance(item, Carbon):
            return item.json()
        if isinstance(item, dict):
            return {key: plain(inner) for key, inner in item.items()}
        if isinstance(item, list):
            return [plain(inner) for inner in item]
        return item

    return json.dumps(plain(value), separators=(",", ":"), ensure_ascii=True).replace("/", "\\/")


class Guzzle:
    """src/HttpClient.php: one GuzzleHttp\\Client with base_uri and default headers; curl adds Accept: */*
    and Guzzle sends User-Agent GuzzleHttp/7 (no Accept-Encoding, no Expect)."""

    def __init__(self, username: str, secret: str, integration_code: str, base_uri: str) -> None:
        # HttpClient::__construct: str_replace('/v1.0', '', $baseUri) (lower case only), rtrim '/', + '/v1.0/'
        self.base_uri = base_uri.replace("/v1.0", "").rstrip("/") + "/v1.0/"
        self.http = httpx.Client(timeout=60)
        for name in ("Accept", "Accept-Encoding", "Connection", "User-Agent"):
            del self.http.headers[name]
        self.headers = {
            "Username": username,
            "Secret": secret,
            "APIIntegrationcode": integration_code,
            "Content-Type": "application/json",
            "User-Agent": "GuzzleHttp/7",
            "Accept": "*/*",
        }

    def request(
        self, method: str, uri: str, query: dict[str, str] | None = None, json_body: Any = None
    ) -> httpx.Response:
        url = uri if "://" in uri else self.base_uri + uri  # UriResolver::resolve(base_uri, relative)
        if query is not None:  # 'query' => array: http_build_query(..., PHP_QUERY_RFC3986) = rawurlencode
            url += "?" + "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in query.items())
        content = json_encode(json_body).encode("utf-8") if json_body is not None else None
        response = self.http.request(method, url, headers=self.headers, content=content)
        if response.status_code >= 400:  # 'http_errors' => true: Guzzle throws RequestException/ClientException
            raise RuntimeError(f"{method} {url} -> {response.status_code} {response.text[:200]}")
        return response


class QueryBuilder:
    """src/API/<Entity>/<Entity>QueryBuilder.php (the same generated code for every entity)."""

    def __init__(self, client: Guzzle, entity: str, declaration: str) -> None:
        self.client, self.entity, self.declaration = client, entity, declaration
        self.filter: list[dict[str, Any]] = []
        self.records: int | None = None

    def where(self, field: str, operator: str, value: Any = None) -> QueryBuilder:
        query = {"field": field, "op": operator}
        if operator.lower() not in ("exist", "notexist"):
            query["value"] = value
        self.filter.append(query)
        return self

    def to_array(self) -> dict[str, Any]:
        array: dict[str, Any] = {"filter": self.filter}
        if self.records is not None:
            array["MaxRecords"] = self.records
        return array

    def _too_long(self) -> bool:  # strlen($this->__toString()) >= self::GET_LIMIT
        search = quote(json_encode(self.to_array()), safe="-_.~")
        return len(f"{self.client.base_uri}{self.entity}/query?search={search}") >= GET_LIMIT

    def _first_page(self) -> tuple[httpx.Response, dict[str, Any] | None]:
        if self._too_long():
            return self.client.request("POST", f"{self.entity}/query", json_body=self.to_array()), self.to_array()
        return self.client.request("GET", f"{self.entity}/query", query={"search": json_encode(self.to_array())}), None

    def get(self) -> list[Entity]:  # get(): one page, nextPageUrl ignored
        response, _ = self._first_page()
        return [Entity(self.declaration, item) for item in response.json()["items"]]  # …Collection::fromResponse

    def loop(self, callback: Any) -> None:
        """loop(): paginate(), then while hasNextPage(): nextPage() = GET nextPageUrl as given (POST with the
        same body again when the first page was a POST)."""
        response, post_params = self._first_page()
        while True:
            page = response.json()
            for item in page["items"]:
                callback(Entity(self.declaration, item))
            next_url = page["pageDetails"]["nextPageUrl"]  # PageEntity::fromResponse
            if not next_url:
                break
            response = (
                self.client.request("GET", next_url)
                if post_params is None
                else self.client.request("POST", next_url, json_body=post_params)
            )


def workflow(zone_url: str) -> None:
    client = Guzzle(API_USER, "corpus-secret", "CORPUS-INTEGRATION-CODE", zone_url)  # src/Client.php __construct

    # 1. TicketQueryBuilder::where('ticketNumber', 'eq', …)->get(): GET Tickets/query?search=<json_encode>
    found = QueryBuilder(client, "Tickets", TICKET).where("ticketNumber", "eq", TICKET_NUMBER).get()

    # 2. TicketService::findById(int $id): GET Tickets/{id}; TicketEntity::fromResponse($response)['item']
    ticket = Entity(TICKET, client.request("GET", f"Tickets/{found[0]['id']}").json()["item"])

    # 3. TicketService::getEntityFields(): GET Tickets/entityInformation/fields
    client.request("GET", "Tickets/entityInformation/fields")

    # 4. TicketService::update(TicketEntity $resource): PUT Tickets with $resource->toArray(), which is every
    #    property of the entity (nulls included, dates re-written by Carbon).
    ticket["status"] = 7  # Waiting Customer
    client.request("PUT", "Tickets", json_body=ticket.to_array())

    # 5. TicketNoteService::create(TicketNoteEntity $resource): POST Tickets/{ticketID}/Notes, body toArray()
    #    (README: "Autotask requires that new entities have an ID of 0").
    note = Entity(
        TICKET_NOTE,
        {
            "id": 0,
            "ticketID": ticket["id"],
            "title": "Called the customer",
            "description": "Customer confirms the Wi-Fi drops stopped after the access point was restarted.",
            "noteType": 1,
            "publish": 1,
        },
    )
    client.request("POST", f"Tickets/{note['ticketID']}/Notes", json_body=note.to_array())

    # 6. TimeEntryQueryBuilder::where('ticketID', 'eq', $ticket->id)->get(): GET TimeEntries/query?search=…
    QueryBuilder(client, "TimeEntries", TIME_ENTRY).where("ticketID", "eq", ticket["id"]).get()

    # 7-10. TicketNoteQueryBuilder::where('id', 'exist')->loop(...) (the README's loop() example): every ticket
    #    note, 500 a page, each next page GET nextPageUrl (TicketNotePaginator::nextPage).
    QueryBuilder(client, "TicketNotes", TICKET_NOTE).where("id", "exist").loop(lambda note: None)


def main() -> None:
    fake = sample_tenant()  # what `serve --seed sample` serves
    with ServedFake(fake) as served:
        # What the README has the user do by hand before constructing the client: read the zone's url.
        zone_url = httpx.get(f"{served.base_url}/zoneInformation", params={"user": API_USER}).json()["url"]
        fake.journal.clear()
        workflow(zone_url)
    fake.journal.dump_jsonl(HERE / "journal.jsonl")
    print(f"{len(fake.journal)} exchanges written to {(HERE / 'journal.jsonl').relative_to(HERE.parents[2])}")


if __name__ == "__main__":
    main()
