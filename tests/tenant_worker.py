"""One worker of the tenants-by-credentials test: its own API user writes and queries a shared served fake.

Run as ``python -m tests.tenant_worker BASE_URL INDEX GO_FILE``; it waits for GO_FILE (so that all workers
start together), creates tickets, reads and queries, and prints what it saw as JSON.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import httpx

TICKETS = 6


def credentials(index: int) -> dict[str, str]:
    return {
        "ApiIntegrationCode": f"WORKER-CODE-{index}",
        "UserName": f"worker-{index}@example.invalid",
        "Secret": f"worker-secret-{index}",
    }


def main(base_url: str, index: int, go_file: Path) -> None:
    deadline = time.monotonic() + 30
    while not go_file.exists() and time.monotonic() < deadline:
        time.sleep(0.001)
    sent = 0
    created: list[int] = []
    with httpx.Client(base_url=base_url, headers=credentials(index), timeout=30) as http:
        for n in range(TICKETS):
            body = {"companyID": 0, "title": f"worker {index} ticket {n}", "status": 1, "priority": 2}
            answer = http.post("/Tickets", json=body)
            sent += 1
            answer.raise_for_status()
            created.append(answer.json()["itemId"])
        for ticket in created:
            http.get(f"/Tickets/{ticket}").raise_for_status()
            sent += 1
        seen = http.post("/Tickets/query", json={"filter": [{"op": "gt", "field": "id", "value": 0}]})
        sent += 1
        titles = sorted(item["title"] for item in seen.raise_for_status().json()["items"])
    print(json.dumps({"sent": sent, "created": created, "titles": titles}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]))
