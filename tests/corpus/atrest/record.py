"""Re-create journal.jsonl: the published atrest 1.0.2 (PyPI), run unchanged against the served fake.

Install, from the repository root:

    python3 -m venv <venv>
    <venv>/bin/pip install -e . atrest==1.0.2

Run from the repository root with that venv's python:

    <venv>/bin/python tests/corpus/atrest/record.py [--profile default] [--out FILE]

atrest takes the full base URL as its first argument (atrest/client.py Client, atrest/api.py API) and appends
"/Tickets", "/Tickets/query?search=..." and "/Tickets/{id}/Attachments" to it; it has no zone discovery,
no notes, no updates and no paging. Everything it offers is run through its public Client:
1. the base URL as its README writes it (".../atservicesrest/v1.0", lowercase), for one create_ticket;
2. the fake's base URL as the zone names it (ATServicesRest/V1.0): create_ticket (the README's example values),
   query_tickets, add_ticket_attachment and create_ticket_with_attachment.
"""

from __future__ import annotations

import argparse
import base64
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

USER = "api-user@example.invalid"
SECRET = "any-secret"
CODE = "any-integration-code"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="default")
    parser.add_argument("--out", type=Path, default=HERE / "journal.jsonl")
    args = parser.parse_args()
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        os.environ.pop(name, None)
    os.environ["NO_PROXY"] = "127.0.0.1"

    from fake_server.sample import sample_tenant
    from harness.serving.server import ServedFake

    fake = sample_tenant(args.profile)  # what `serve --seed sample` serves
    with ServedFake(fake) as served:
        workflow(served)
    fake.journal.dump_jsonl(args.out)
    print(f"{len(fake.journal)} exchanges -> {args.out}")


def step(label: str, call, *args):
    """Run one public call; a failure is printed and the workflow goes on (the journal keeps the exchange)."""
    try:
        result = call(*args)
    except Exception as error:
        print(f"{label}: {type(error).__name__}: {str(error)[:300]}")
        return None
    print(f"{label}: ok -> {str(getattr(result, 'text', result))[:300]}")
    return result


def workflow(served) -> None:
    from atrest.client import Client

    title = "Major Issue!"
    description = "\n    There was a major issue.\n\n    You should definitely check it out!\n    "
    # The README's values: status 1, priority 1, company 0, queue 29682833 (both exist in the default tenant).
    fields = dict(status=1, priority=1, company_id=0, queue_id=29682833)
    attachment = base64.b64encode(b"Event log excerpt: disk 0 failing.\n")  # as its docstring says

    # 1. The base URL spelled as atrest's README spells it.
    readme_base = f"{served.root_url}/atservicesrest/v1.0"
    step(
        "README base: create_ticket",
        Client(readme_base, CODE, USER, SECRET).create_ticket,
        title,
        description,
        *fields.values(),
    )

    # 2. The base URL as the tenant's zone names it.
    client = Client(served.base_url, CODE, USER, SECRET)
    ticket_id = step("create_ticket", client.create_ticket, title, description, *fields.values())
    if ticket_id is None:
        ticket_id = 12  # a sample ticket, so the calls that need an id still go out
    step("query_tickets", client.query_tickets, ticket_id)
    step("add_ticket_attachment", client.add_ticket_attachment, ticket_id, "Event log", "eventlog.txt", attachment)
    step(
        "create_ticket_with_attachment",
        client.create_ticket_with_attachment,
        title,
        description,
        *fields.values(),
        "Event log",
        "eventlog.txt",
        attachment,
    )


if __name__ == "__main__":
    main()
