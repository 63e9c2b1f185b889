"""What the probe created, and what became of each record, so the end of a run can list all of it."""

from __future__ import annotations

from dataclasses import dataclass, field

PREFIX = "[contract-probe]"  # every ticket the probe opens carries this title prefix
CLOSED_PREFIX = "[contract-probe-closed]"  # ...and this one once it has been closed and marked


@dataclass
class Created:
    entity: str
    record_id: int
    what: str
    fate: str = "left as created"


@dataclass
class Ledger:
    created: list[Created] = field(default_factory=list)

    def add(self, entity: str, record_id: int, what: str) -> Created:
        entry = Created(entity, record_id, what)
        self.created.append(entry)
        return entry

    def of(self, entity: str) -> list[Created]:
        return [c for c in self.created if c.entity == entity]

    def lines(self) -> list[str]:
        return [f"{c.entity} {c.record_id} ({c.what}): {c.fate}" for c in self.created]
