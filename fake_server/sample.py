"""A realistic sample tenant: a few companies, contacts and resources, 1,200 tickets with notes and time."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .coercion import format_datetime
from .fake import FakeAutotask
from .profile import DEFAULT_COMPLETING_STATUS, TenantProfile

COMPANIES = [
    ("Contoso Ltd", 1, "Leeds"),
    ("Fabrikam Inc", 1, "York"),
    ("Northwind Traders", 1, "Bristol"),
    ("Tailspin Toys", 3, "Cardiff"),
    ("Wide World Importers", 1, "Glasgow"),
]
FIRST_NAMES = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Margaret", "Niklaus"]
LAST_NAMES = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Hamilton", "Wirth"]
TECHNICIANS = [
    (29682899, "Dana", "Technician"),
    (29682900, "Sam", "Engineer"),
    (29682901, "Lee", "Analyst"),
    (29682902, "Kim", "Dispatcher"),
]
PROBLEMS = [
    ("Printer offline", 4, 201),
    ("Laptop will not boot", 4, 200),
    ("Outlook keeps crashing", 6, 202),
    ("ERP login fails", 6, 203),
    ("VPN tunnel down", 13, 204),
    ("Wi-Fi drops in meeting room", 13, 205),
]
OPEN_STATUSES = [1, 7, 9, 10, 11, 12, 13, 17, 19]
START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def sample_snapshot(
    tickets: int = 1200, seed: int = 2026, completing_status: int | None = DEFAULT_COMPLETING_STATUS
) -> dict[str, list[dict[str, Any]]]:
    """The same snapshot every time for the same arguments; load it with ``FakeAutotask.load_snapshot``.

    About 40% of tickets are complete, in ``completing_status`` and stamped; ``None`` (a tenant where no
    status completes) leaves every ticket open.
    """
    rng = random.Random(seed)
    snapshot: dict[str, list[dict[str, Any]]] = {
        "Resources": [
            {
                "id": rid,
                "firstName": first,
                "lastName": last,
                "userName": first.lower(),
                "email": f"{first.lower()}@example.invalid",
                "isActive": True,
                "licenseType": 1,
                "resourceType": "Employee",
                "dateFormat": "MM/dd/yyyy",
                "timeFormat": "hh:mm a",
                "numberFormat": "X,XXX.XX",
            }
            for rid, first, last in TECHNICIANS[1:]  # the first technician is reference data already
        ],
        "Companies": [],
        "Contacts": [],
        "Tickets": [],
        "TicketNotes": [],
        "TimeEntries": [],
    }
    for number, (name, kind, city) in enumerate(COMPANIES, 1):
        company_id = 100 + number
        snapshot["Companies"].append(
            {
                "id": company_id,
                "companyName": name,
                "companyType": kind,
                "city": city,
                "ownerResourceID": 4,
                "phone": f"55501{number:05d}",
                "isActive": True,
            }
        )
        for contact in range(3):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            snapshot["Contacts"].append(
                {
                    "id": 1000 + number * 10 + contact,
                    "companyID": company_id,
                    "firstName": first,
                    "lastName": last,
                    "emailAddress": f"{first}.{last}@{name.split()[0].lower()}.example".lower(),
                    "isActive": 1,
                }
            )
    note_id, entry_id = 1, 1
    for n in range(1, tickets + 1):
        company = snapshot["Companies"][rng.randrange(len(COMPANIES))]
        title, issue, sub_issue = rng.choice(PROBLEMS)
        created = START + timedelta(hours=n * 3 + rng.randrange(3))
        done = rng.random() < 0.4
        status = completing_status if done and completing_status is not None else rng.choice(OPEN_STATUSES)
        done = done and completing_status is not None
        technician = rng.choice(TECHNICIANS)[0]
        ticket: dict[str, Any] = {
            "id": n,
            "ticketNumber": f"T{created:%Y%m%d}.{n:04d}.001",
            "companyID": company["id"],
            "contactID": 1000 + (company["id"] - 100) * 10 + rng.randrange(3),
            "title": title,
            "description": f"{title}, reported by phone.",
            "status": status,
            "priority": rng.choice([1, 2, 2, 3, 4]),
            "queueID": rng.choice([29682833, 29683354, 29683355]),
            "issueType": issue,
            "subIssueType": sub_issue,
            "source": rng.choice([2, 4, 13]),
            "ticketCategory": 1,
            "ticketType": rng.choice([1, 2]),
            "assignedResourceID": technician,
            "createDate": format_datetime(created),
            "dueDateTime": format_datetime(created + timedelta(days=2)),
            "lastTrackedModificationDateTime": format_datetime(created + timedelta(hours=1)),
        }
        if done:
            finished = created + timedelta(hours=rng.randrange(2, 40))
            ticket.update(
                completedDate=format_datetime(finished),
                resolvedDateTime=format_datetime(finished),
                completedByResourceID=technician,
                resolution="Resolved remotely.",
            )
        snapshot["Tickets"].append(ticket)
        for _ in range(rng.randrange(0, 4)):
            snapshot["TicketNotes"].append(
                {
                    "id": note_id,
                    "ticketID": n,
                    "title": "Update",
                    "description": rng.choice(
                        ["Called the customer.", "Waiting for parts.", "Remote session held.", "Escalated."]
                    ),
                    "noteType": 1,
                    "publish": 1,
                    "creatorResourceID": technician,
                    "createDateTime": format_datetime(created + timedelta(minutes=30)),
                }
            )
            note_id += 1
        if rng.random() < 0.5:
            snapshot["TimeEntries"].append(
                {
                    "id": entry_id,
                    "ticketID": n,
                    "resourceID": technician,
                    "timeEntryType": 2,
                    "dateWorked": format_datetime(created.replace(hour=0, minute=0)),
                    "hoursWorked": rng.choice([0.25, 0.5, 1.0, 1.5]),
                    "summaryNotes": "Worked on the ticket.",
                }
            )
            entry_id += 1
    return snapshot


def sample_tenant(profile: str | Path | TenantProfile = "default", **options: Any) -> FakeAutotask:
    """A fake holding the sample tenant, as ``serve --seed sample`` serves it (``options`` go to the fake)."""
    fake = FakeAutotask(profile, **options)
    fake.load_snapshot(sample_snapshot(completing_status=fake.profile.completion.first_value))
    return fake
