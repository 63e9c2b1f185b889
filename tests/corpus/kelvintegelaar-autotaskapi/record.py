"""Re-creates journal.jsonl: the requests KelvinTegelaar/AutotaskAPI sends for a typical session.

source = "written": AutotaskAPI is a PowerShell module (Invoke-RestMethod), and there is no PowerShell
here, so this script sends with httpx exactly what the module's code at commit c105ef7 (module version
1.2.3, the newest commit) sends, as Windows PowerShell 5.1 would put it on the wire. Each request names
the module file and function it follows. Run it from the repository root with the repository's
environment (no other install is needed):

    python tests/corpus/kelvintegelaar-autotaskapi/record.py

The session it replays, in PowerShell:

    Add-AutotaskAPIAuth -ApiIntegrationcode $code -credentials $cred                    # 1, 2
    $found  = Get-AutotaskAPIResource -Resource Tickets -SimpleSearch "ticketnumber eq T20260106.0012.001"  # 3
    $ticket = Get-AutotaskAPIResource -Resource Tickets -ID $found.id                   # 4
    (New-AutotaskBody -Resource Tickets).status       # 5: which status values exist (README)
    $note = [pscustomobject]@{ title = '...'; description = '...'; noteType = 1; publish = 1 }
    New-AutotaskAPIResource -Resource TicketNotesChild -ParentId $ticket.id -Body $note  # 6
    $ticket.status = "12"; $ticket | Set-AutotaskAPIResource -Resource Tickets          # 7 (README's example)
    Get-AutotaskAPIResource -Resource TimeEntries -SimpleSearch "ticketid eq 12"         # 8
    Get-AutotaskAPIResource -Resource TimeEntries -SimpleSearch "id gt 0"                # 9, 10 (pages)

The module hard-codes https://webservices2.autotask.net for versioninformation and zoneInformation;
here that host is the served fake's root, and the zone the fake names (its own address) is the base
URI from then on. Lower-case field names in -SimpleSearch follow the README's examples.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # the repository root, for fake_server and harness

from fake_server.sample import sample_tenant  # noqa: E402
from harness.serving.server import ServedFake  # noqa: E402

API_USER = "api-user@example.invalid"
TICKET_NUMBER = "T20260106.0012.001"  # sample tenant: ticket 12, status New, one note, one time entry
# Windows PowerShell 5.1's Invoke-RestMethod (HttpWebRequest) sends no Accept or Accept-Encoding.
USER_AGENT = "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.5247"

# System.Uri (what Invoke-RestMethod -Uri turns its string into) escapes every character that is neither
# unreserved nor reserved (RFC 3986) and keeps existing %XX escapes, un-escaping those of unreserved
# characters (.NET 4.5+). So {"filter":[...]} goes out as %7B%22filter%22:[...]%7D.
_UNRESERVED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_RESERVED = set(":/?#[]@!$&'()*+,;=")
_HEX = re.compile(r"[0-9A-Fa-f]{2}")


def dotnet_uri(url: str) -> str:
    scheme, rest = url.split("://", 1)
    authority, slash, tail = rest.partition("/")
    out, i = [], 0
    while i < len(tail):
        char = tail[i]
        if char == "%" and _HEX.fullmatch(tail[i + 1 : i + 3]):
            decoded = chr(int(tail[i + 1 : i + 3], 16))
            out.append(decoded if decoded in _UNRESERVED else tail[i : i + 3])
            i += 3
            continue
        if char in _UNRESERVED or char in _RESERVED:
            out.append(char)
        else:
            out.append("".join(f"%{byte:02X}" for byte in char.encode("utf-8")))
        i += 1
    return f"{scheme}://{authority}{slash}{''.join(out)}"


def _ps51_string(text: str) -> str:
    # JavaScriptSerializer, under Windows PowerShell 5.1's ConvertTo-Json, escapes these besides JSON's own.
    body = json.dumps(text, ensure_ascii=False)[1:-1]
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        body = body.replace(char, escape)
    return f'"{body}"'


def convertto_json(value: Any, compress: bool = False, indent: int = 0) -> str:
    """ConvertTo-Json as Windows PowerShell 5.1 writes it (the layout of the uncompressed form is close to,
    not byte-for-byte, PowerShell's: the server parses the same JSON either way)."""
    pad, inner = " " * indent, " " * (indent + 4)
    if isinstance(value, dict):
        if not value:
            return "{}"
        if compress:
            return "{" + ",".join(f"{_ps51_string(k)}:{convertto_json(v, True)}" for k, v in value.items()) + "}"
        parts = [f"{inner}{_ps51_string(k)}:  {convertto_json(v, False, indent + 4)}" for k, v in value.items()]
        return "{\n" + ",\n".join(parts) + f"\n{pad}}}"
    if isinstance(value, list):
        if compress:
            return "[" + ",".join(convertto_json(v, True) for v in value) + "]"
        parts = [f"{inner}{convertto_json(v, False, indent + 4)}" for v in value]
        return "[\n" + ",\n".join(parts) + f"\n{pad}]" if parts else "[\n\n]"
    if isinstance(value, str):
        return _ps51_string(value)
    return json.dumps(value)


def simple_search(text: str) -> str:
    """Public/Get-AutotaskAPIResource.ps1, begin block: -SimpleSearch split on spaces into field, op and
    value (everything after the second word), as ConvertTo-Json -Compress of @{filter=@(@{...})}. The value
    is always a string (a one-item pipeline result), and an array when it held spaces (not here). The key
    order is that of a PowerShell hashtable (hash order); this keeps field, op, value."""
    words = text.split(" ")
    rest = words[2:]
    value: Any = rest[0] if len(rest) == 1 else rest
    return convertto_json({"filter": [{"field": words[0], "op": words[1], "value": value}]}, compress=True)


class PowerShell51:
    """Invoke-RestMethod under Windows PowerShell 5.1: HttpWebRequest, no Accept, Keep-Alive, and
    Expect: 100-continue on requests with a body (ServicePointManager's default)."""

    def __init__(self) -> None:
        self.http = httpx.Client(timeout=60)
        for name in ("Accept", "Accept-Encoding", "Connection", "User-Agent"):
            del self.http.headers[name]

    def invoke(
        self, method: str, uri: str, headers: dict[str, str] | None = None, body: bytes | None = None
    ) -> httpx.Response:
        sent = dict(headers or {})  # the module's $Script:AutotaskAuthHeader, Content-Type included
        sent["User-Agent"] = USER_AGENT
        if body is not None:
            sent["Expect"] = "100-continue"
        sent["Connection"] = "Keep-Alive"
        return self.http.request(method, dotnet_uri(uri), headers=sent, content=body)


def session(root_url: str) -> None:
    ps = PowerShell51()
    webservices2 = root_url  # the module's hard-coded https://webservices2.autotask.net

    # --- Public/Add-AutotaskAPIAuth.ps1, Add-AutotaskAPIAuth -------------------------------------------
    auth_header = {
        "ApiIntegrationcode": "CORPUS-INTEGRATION-CODE",
        "UserName": API_USER,
        "Secret": "corpus-secret",
        "Content-Type": "application/json",
    }
    # 1. Add-AutotaskAPIAuth: Invoke-RestMethod "https://webservices2.autotask.net/atservicesrest/versioninformation"
    #    (no -Headers), then `.apiversions | select-object -last 1`.
    answer = ps.invoke("GET", f"{webservices2}/atservicesrest/versioninformation")
    version = answer.json()["apiVersions"][-1]
    if version.upper() != "V1.0":
        # Production (and the fake) now answer ["V1.0", "V2.0"]; the last entry, V2.0, has no zoneInformation
        # route (a 404), and the module would carry on with no base URI. KelvinTegelaar/AutotaskAPI PR #76
        # pins the zone lookup to V1.0; this follows that fix. See notes in about.toml.
        version = "V1.0"
    # 2. Add-AutotaskAPIAuth: zoneInformation on webservices2, user name pasted in unencoded, no headers.
    zone = ps.invoke("GET", f"{webservices2}/atservicesrest/{version}/zoneInformation?user={API_USER}").json()
    # Add-AutotaskBaseURI -BaseURI $zone.url.Trim('/'): kept as the zone spells it (ValidateSet ignores case;
    # production's https://webservices19.autotask.net/ATServicesRest is in the set, the fake's address is
    # not, which is why the fake's root stands in for the webservices hosts here).
    base_uri = zone["url"].strip("/")

    # --- Public/Get-AutotaskAPIResource.ps1, Get-AutotaskAPIResource ---------------------------------
    # The path is the first swagger (v1.json) path of the resource's index with a GET tag, "/query"
    # replaced by "/{PARENTID}"; for a search {PARENTID} is then replaced by '' (hence "//query") and the
    # URI is "$AutotaskBaseURI$ResourceURL" (no separating slash). Short searches (under ~2048 characters
    # with the module's margins) go as GET ?search=<raw JSON>; every next page is GET nextPageUrl verbatim.
    def get_resource(path_for_search: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        set_uri: str | None = f"{base_uri}{path_for_search}"
        while set_uri is not None:  # do { ... $SetURI = $items.PageDetails.NextPageUrl } while ($null -ne $SetURI)
            page = ps.invoke("GET", set_uri, auth_header).json()
            set_uri = (page.get("pageDetails") or {}).get("nextPageUrl")
            items += page.get("items") or ([page["item"]] if page.get("item") else [])
        return items

    # 3. Get-AutotaskAPIResource -Resource Tickets -SimpleSearch "ticketnumber eq T20260106.0012.001"
    found = get_resource(f"/V1.0/Tickets//query?search={simple_search(f'ticketnumber eq {TICKET_NUMBER}')}")
    ticket_id = str(found[0]["id"])  # [String]$ID
    # 4. Get-AutotaskAPIResource -Resource Tickets -ID 12: "/V1.0/Tickets/{PARENTID}" -replace '{parentid}', $ID
    ticket = ps.invoke("GET", f"{base_uri}/V1.0/Tickets/{ticket_id}", auth_header).json()["item"]

    # --- Public/New-AutotaskBody.ps1, New-AutotaskBody -Resource Tickets -------------------------------
    # 5. The path is the first $Script:Queries entry with a POST tag "Tickets" -replace '/query', ''. That
    #    entry is "/V1.0/Tickets/query", the same object Get-AutotaskAPIResource renamed in place to
    #    "/V1.0/Tickets/{PARENTID}" (steps 3-4), so the URI is "$AutotaskBaseURI//V1.0/Tickets/{PARENTID}
    #    /entityInformation/fields" (System.Uri escapes the braces). When it fails the catch block writes
    #    "Getting object failed" and the userdefinedfields request is never made.
    fields = ps.invoke("GET", f"{base_uri}//V1.0/Tickets/{{PARENTID}}/entityInformation/fields", auth_header)
    if fields.status_code == 200:
        ps.invoke("GET", f"{base_uri}//V1.0/Tickets/{{PARENTID}}/entityInformation/userdefinedfields", auth_header)

    # --- Public/New-AutotaskAPIResource.ps1, New-AutotaskAPIResource -Resource TicketNotesChild ---------
    # 6. Path of the POST tag "TicketNotesChild" (/V1.0/Tickets/{parentId}/Notes) with {parentId} replaced,
    #    URI "$AutotaskBaseURI/$resourceurl" (a double slash before V1.0), body $body | ConvertTo-Json
    #    -Depth 10 as UTF-8 bytes, nulls and all (none here).
    note = {
        "title": "Called the customer",
        "description": "Customer confirms the Wi-Fi drops stopped after the access point was restarted.",
        "noteType": 1,
        "publish": 1,
    }
    ps.invoke("POST", f"{base_uri}//V1.0/Tickets/{ticket_id}/Notes", auth_header, convertto_json(note).encode("utf-8"))

    # --- Public/Set-AutotaskAPIResource.ps1, Set-AutotaskAPIResource -Resource Tickets ------------------
    # 7. $ticket.status = "12" (a string, as in the README); piped in, -ID binds by property name. The body
    #    is every non-null property of the object read in step 4, then id added again with -Force (so last);
    #    PATCH "$AutotaskBaseURI/$ResourceURL" where the path is the PATCH tag's /V1.0/Tickets.
    ticket["status"] = "12"
    body = {name: value for name, value in ticket.items() if value is not None and name != "id"}
    body["id"] = ticket["id"]
    ps.invoke("PATCH", f"{base_uri}//V1.0/Tickets", auth_header, convertto_json(body).encode("utf-8"))

    # --- Public/Get-AutotaskAPIResource.ps1 again ------------------------------------------------------
    # 8. Get-AutotaskAPIResource -Resource TimeEntries -SimpleSearch "ticketid eq 12"
    get_resource(f"/V1.0/TimeEntries//query?search={simple_search(f'ticketid eq {ticket_id}')}")
    # 9-10. Get-AutotaskAPIResource -Resource TimeEntries -SimpleSearch "id gt 0": every time entry, 500 a
    #    page, the next page fetched with GET nextPageUrl exactly as the API wrote it.
    get_resource(f"/V1.0/TimeEntries//query?search={simple_search('id gt 0')}")


def main() -> None:
    fake = sample_tenant()  # what `serve --seed sample` serves
    with ServedFake(fake) as served:
        session(served.root_url)
    fake.journal.dump_jsonl(HERE / "journal.jsonl")
    print(f"{len(fake.journal)} exchanges written to {(HERE / 'journal.jsonl').relative_to(HERE.parents[2])}")


if __name__ == "__main__":
    main()
