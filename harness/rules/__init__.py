"""Contract rules over journals. ``check(traffic)`` runs the enabled packs and returns the violations."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from fake_server import Exchange

from . import hygiene, queries, receiver, tickets, wire, workflow
from .model import (
    CONTRACT,
    UNJUDGEABLE,
    WORKFLOW,
    Finding,
    Rule,
    RuleBook,
    RuleContext,
    Violation,
    numbered,
    renumbered,
    rule,
)
from .receiver import RECEIVER

# The rules the harness ships, in the order they run: built here, from the modules that declare them, not
# filled by importing them. A project with rules of its own passes its own book to ``check``.
REGISTRY = RuleBook.of_modules(hygiene, queries, receiver, tickets, wire, workflow)
DEFAULT_PACKS = (CONTRACT,)


def rules_in(
    packs: Iterable[str] = DEFAULT_PACKS, disabled: Mapping[str, str] | None = None, book: RuleBook = REGISTRY
) -> list[Rule]:
    """The rules of those packs in the book, less the ones switched off (id -> reason)."""
    wanted = set(packs)
    unknown = set(disabled or {}) - set(book)
    if unknown:
        raise ValueError(f"no rule named {', '.join(sorted(unknown))}; known: {', '.join(sorted(book))}")
    return [r for r in book.values() if r.pack in wanted and r.id not in (disabled or {})]


def check(
    traffic: Sequence[Exchange],
    packs: Iterable[str] = DEFAULT_PACKS,
    disabled: Mapping[str, str] | None = None,
    context: RuleContext | None = None,
    book: RuleBook = REGISTRY,
) -> list[Violation]:
    """Every violation of the enabled rules, in rule order then position, after one ``unjudgeable`` finding
    for each exchange no rule can read (``Exchange.unjudgeable``). Webhook callouts the fake sent
    (``outbound``) are the fake's traffic, not the client's: the rules never judge them.

    The rules read the rest numbered from 1 in order, whatever was left out, and their findings name the
    exchanges by their positions in ``traffic``."""
    found = [
        Violation(UNJUDGEABLE, f"unjudgeable: {e.unjudgeable}", (e.position,), {}, e.unjudgeable)
        for e in traffic
        if e.unjudgeable
    ]
    judged = [e for e in traffic if not e.outbound and not e.unjudgeable]
    read = numbered(judged)
    for contract_rule in rules_in(packs, disabled, book):
        found.extend(sorted(renumbered(judged, contract_rule.run(read, context)), key=lambda v: v.exchanges))
    return found


__all__ = [
    "CONTRACT",
    "DEFAULT_PACKS",
    "RECEIVER",
    "REGISTRY",
    "UNJUDGEABLE",
    "WORKFLOW",
    "Finding",
    "Rule",
    "RuleBook",
    "RuleContext",
    "Violation",
    "check",
    "rule",
    "rules_in",
]
