"""What a contract rule is, what it finds, and how rules are grouped and switched off."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fake_server import DEFAULT_COMPLETING_STATUS, TenantProfile

from ..traffic import Exchange

CONTRACT = "contract"
WORKFLOW = "resolution-workflow"


@dataclass(frozen=True)
class Finding:
    """What a check function reports: one breach, naming the exchanges involved by position. The
    rule's id is not repeated here; ``Rule.run`` stamps it, so each id is written once, in ``@rule``."""

    message: str
    exchanges: tuple[int, ...]
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Violation:
    """A finding attributed to the rule that made it."""

    rule: str
    message: str
    exchanges: tuple[int, ...]
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleContext:
    """What the rules need to know about the tenant they judge for: which statuses complete a ticket
    (seed 004 §5), and whether it refuses other casings of ``ATServicesRest`` (seed 004 §0)."""

    completing_statuses: frozenset[int] = frozenset({DEFAULT_COMPLETING_STATUS})
    base_path_case_sensitive: bool = True

    @classmethod
    def for_profile(cls, profile: TenantProfile) -> RuleContext:
        """The context of a tenant profile (a bundled one, or one ``probe`` wrote)."""
        return cls(frozenset(profile.completion.completing_values), profile.base_path_case_sensitive)


Check = Callable[[Sequence[Exchange], RuleContext], list[Finding]]


@dataclass(frozen=True)
class Rule:
    """A named contract rule: ``id``, a one-line ``statement``, the seed ``source`` it comes from."""

    id: str
    statement: str
    source: str
    pack: str
    check: Check

    def run(self, traffic: Sequence[Exchange], context: RuleContext | None = None) -> list[Violation]:
        found = self.check(traffic, context or RuleContext())
        return [Violation(self.id, f.message, f.exchanges, f.details) for f in found]


REGISTRY: dict[str, Rule] = {}


def rule(rule_id: str, statement: str, source: str, pack: str = CONTRACT) -> Callable[[Check], Check]:
    """Register a check function as a rule."""

    def register(check: Check) -> Check:
        if rule_id in REGISTRY:
            raise ValueError(f"rule {rule_id} is registered twice")
        REGISTRY[rule_id] = Rule(rule_id, statement, source, pack, check)
        return check

    return register
