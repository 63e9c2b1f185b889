"""Adapters that do less than the contract suite needs: one with no operations, one with half of them."""

from __future__ import annotations

from typing import Any

from harness.contract.adapter import ClientConfig, reference_adapter


class NoOperations:
    """Offers nothing: the suite must fail it, naming every operation."""


def make_empty(config: ClientConfig) -> NoOperations:
    return NoOperations()


class ResolvesAndNotes:
    """resolve_ticket and add_note through the reference client; no set_resolution, no query_all."""

    def __init__(self, config: ClientConfig) -> None:
        self.inner = reference_adapter(config)

    def resolve_ticket(self, ticket_number: str, note: str, resolution: str) -> None:
        self.inner.resolve_ticket(ticket_number, note, resolution)

    def add_note(self, ticket_number: str, title: str, description: str) -> None:
        self.inner.add_note(ticket_number, title, description)


def make_half(config: ClientConfig) -> Any:
    return ResolvesAndNotes(config)
