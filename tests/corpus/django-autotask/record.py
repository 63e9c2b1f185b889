"""Record django-autotask 1.20.0 against the served fake (profile "default", sample tenant).

django-autotask is a Django app: it syncs Autotask records into Django models (`manage.py atsync
<type>`) and offers synchronizer methods that write to Autotask (ticket update, note create, time
entry create) and a ticket callback that re-reads one ticket and its children. This script runs the
published package unchanged:

    python3.12 -m venv VENV                  # django-autotask 1.20.0 requires Python >= 3.12
    VENV/bin/pip install -e . django-autotask==1.20.0 'django>=6.0,<6.1'
    VENV/bin/python tests/corpus/django-autotask/record.py        # from the repository root

What it does:
1. starts the served fake with the sample tenant;
2. writes a throw-away Django project into a temporary directory (sqlite database, a file cache
   shared by the processes so the zone URL is looked up once, AUTOTASK_SERVER_URL set to the fake's
   `/atservicesrest/` root as the Autotask docs spell it, any non-empty credentials) and migrates it;
3. runs `manage.py atsync` for resource, status, note_type, ticket, ticket_note, time_entry, each in
   its own process as cron would; the ticket sync is limited to two queues with the app's own
   `queue_sync_filter` setting (DJAUTOTASK_CONF_CALLABLE) to keep the journal small;
4. in this process, drives the app's public API on one synced open ticket: the ticket callback
   (`TicketSynchronizer().fetch_sync_by_id`), a status update (`TicketSynchronizer().update`),
   a note (`TicketNoteSynchronizer().create`), a time entry (`TimeEntrySynchronizer().create`), and the
   callback again;
5. writes journal.jsonl beside this file and prints what each step stored or raised.

Only configuration is set; nothing of the package is patched.
"""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # the repository root, for fake_server and harness

from fake_server.sample import sample_snapshot, sample_tenant  # noqa: E402
from harness.serving.server import ServedFake  # noqa: E402

API_USER = "api-user@example.invalid"
QUEUES = [29682833, 29683355]  # two of the sample tenant's three queues: 513 open tickets, two pages
SYNC_TYPES = ["resource", "status", "note_type", "ticket", "ticket_note", "time_entry"]

SETTINGS = """\
SECRET_KEY = "throw-away"
USE_TZ = True
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "djautotask"]
# The models declare GinIndex (PostgreSQL); the app's own test settings run its migrations on sqlite too.
SILENCED_SYSTEM_CHECKS = ["postgres.E005"]
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": {db!r}}}}}
CACHES = {{"default": {{"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": {cache!r}}}}}
AUTOTASK_SERVER_URL = {server_url!r}
AUTOTASK_CREDENTIALS = {{"username": {user!r}, "password": "secret", "integration_code": "INTEGRATIONCODE",
                        "rest_api_version": "1.0"}}
def DJAUTOTASK_CONF_CALLABLE():
    return {{"queue_sync_filter": {queues!r}}}
LOGGING = {{"version": 1, "disable_existing_loggers": False,
           "handlers": {{"err": {{"class": "logging.StreamHandler"}}}},
           "loggers": {{"djautotask": {{"handlers": ["err"], "level": "WARNING"}}}}}}
"""

MANAGE = """\
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atproject_settings")
from django.core.management import execute_from_command_line
execute_from_command_line(sys.argv)
"""


def run_manage(project: Path, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, str(project / "manage.py"), *args], cwd=project, capture_output=True, text=True
    )
    print(f"$ manage.py {' '.join(args)}  -> exit {done.returncode}")
    for line in done.stdout.strip().splitlines():
        print("   ", line[:300])
    print_log(done.stderr.splitlines())


def print_log(lines: list[str]) -> None:
    """Log lines once each, with a count; "Failed to find companyID 105 for ... 4." counts as one kind."""
    kinds: dict[str, int] = {}
    for line in lines:
        kind = re.sub(r"\d+", "N", line) if line.startswith("Failed to find") else line
        kinds[kind] = kinds.get(kind, 0) + 1
    for kind, count in kinds.items():
        print("   ", f"[{count}x] " if count > 1 else "", kind[:400], sep="")


def drive(ticket_id: int) -> None:
    """The app's public API on one ticket, as a Django project calls it."""
    from djautotask import models, sync

    def step(name, call):
        try:
            result = call()
            print(f"{name}: ok {result!r}"[:300])
            return result
        except Exception as error:  # the app raises AutotaskAPIError subclasses
            print(f"{name}: {type(error).__name__}: {error}"[:400])
            return None

    step("callback (fetch_sync_by_id)", lambda: sync.TicketSynchronizer().fetch_sync_by_id(ticket_id))
    ticket = models.TicketTracker.objects.get(pk=ticket_id)
    waiting = models.Status.objects.get(pk=7)  # "Waiting Customer"
    step("ticket update (status)", lambda: sync.TicketSynchronizer().update(ticket, status=waiting))
    note_type = models.NoteType.objects.get(pk=1)
    step(
        "note create",
        lambda: sync.TicketNoteSynchronizer().create(
            ticket,
            title="Customer called",
            description="Customer confirmed the printer prints again.",
            note_type=note_type,
            publish=1,
        ),
    )
    # The resource sync fails on this tenant (see journal), so no Resource rows exist: pass the id, which
    # the app's body formatter sends unchanged, as it does a Resource row's id.
    resource = models.Resource.objects.filter(pk=29682899).first() or 29682899
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    step(
        "time entry create",
        lambda: sync.TimeEntrySynchronizer().create(
            ticket=ticket,
            resource=resource,
            date_worked=start,
            start_date_time=start,
            end_date_time=start + datetime.timedelta(hours=1),
            hours_worked=Decimal("1.00"),
            summary_notes="Replaced the toner and tested.",
        ),
    )
    step("callback again", lambda: sync.TicketSynchronizer().fetch_sync_by_id(ticket_id))
    print(
        "stored for the ticket: notes",
        models.TicketNote.objects.filter(ticket_id=ticket_id).count(),
        "time entries",
        models.TimeEntry.objects.filter(ticket_id=ticket_id).count(),
    )


def main() -> None:
    fake = sample_tenant()  # what `serve --seed sample` serves
    snapshot = sample_snapshot()
    with tempfile.TemporaryDirectory(prefix="djautotask-") as tmp, ServedFake(fake) as served:
        project = Path(tmp)
        (project / "atproject_settings.py").write_text(
            SETTINGS.format(
                db=str(project / "db.sqlite3"),
                cache=str(project / "cache"),
                server_url=f"{served.root_url}/atservicesrest/",
                user=API_USER,
                queues=QUEUES,
            )
        )
        (project / "manage.py").write_text(MANAGE)
        run_manage(project, "migrate", "--verbosity", "0")
        for sync_type in SYNC_TYPES:
            run_manage(project, "atsync", sync_type)

        sys.path.insert(0, str(project))
        os.environ["DJANGO_SETTINGS_MODULE"] = "atproject_settings"
        import django

        django.setup()
        from djautotask import models

        synced = {t["id"] for t in snapshot["Tickets"] if t["status"] != 5 and t["queueID"] in QUEUES}
        print(
            "tenant holds:",
            {
                "Resource": len(fake.records("Resources")),
                "Ticket (open, two queues)": len(synced),
                "TicketNote": sum(n["ticketID"] in synced for n in snapshot["TicketNotes"]),
                "TimeEntry": sum(e["ticketID"] in synced for e in snapshot["TimeEntries"]),
            },
        )
        print(
            "stored:",
            {
                name: getattr(models, name).objects.count()
                for name in ("Resource", "Status", "NoteType", "Ticket", "TicketNote", "TimeEntry")
            },
        )
        # The first synced ticket that has notes and time entries in the tenant.
        noted = {note["ticketID"] for note in snapshot["TicketNotes"]}
        timed = {entry["ticketID"] for entry in snapshot["TimeEntries"]}
        ticket = models.Ticket.objects.filter(id__in=noted & timed).order_by("id").first()
        print("working on ticket", ticket.id, ticket.ticket_number)
        drive(ticket.id)
    out = HERE / "journal.jsonl"
    fake.journal.dump_jsonl(out)
    print(f"wrote {out.name}: {len(fake.journal)} exchanges, {out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
