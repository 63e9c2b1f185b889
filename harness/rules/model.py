"""What a contract rule is, what it finds, and how rules are grouped and switched off."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from fake_server import DEFAULT_COMPLETING_STATUS, Exchange, FakeAutotask, TenantProfile
from fake_server.face import Catalog, tenant_catalog

CONTRACT = "contract"
WORKFLOW = "resolution-workflow"


@dataclass(frozen=True)
class Finding:
    """What a check function reports: one breach, naming the exchanges involved by position. The
    rule's id is not repeated here; ``Rule.run`` stamps it, so each id is written once, in ``@rule``."""

    message: str
    exchanges: tuple[int, ...]
    details: dict[str, Any] = field(default_factory=dict)


UNJUDGEABLE = "unjudgeable"  # the rule name of exchanges no rule could read


@dataclass(frozen=True)
class Violation:
    """A finding attributed to the rule that made it. One with ``unjudgeable`` set is no breach: the rule
    could not judge those exchanges (or, under the rule name ``unjudgeable``, no rule could read them), and
    the message, starting ``unjudgeable:``, says why."""

    rule: str
    message: str
    exchanges: tuple[int, ...] = ()  # none for a finding on the tenant's state (a contract scenario's)
    details: dict[str, Any] = field(default_factory=dict)
    unjudgeable: str = ""

    def line(self) -> str:
        """The violation in one line: ``[rule] message (exchanges 1, 2)``."""
        where = f" (exchanges {', '.join(map(str, self.exchanges))})" if self.exchanges else ""
        return f"[{self.rule}] {self.message}{where}"


@cache
def _default_catalog() -> Catalog:
    # Built once: the rules run on many small journals (the live view, the contract suite's scenarios).
    return tenant_catalog(TenantProfile.load())


@dataclass(frozen=True)
class RuleContext:
    """What the rules need to know about the tenant they judge for: which statuses complete a ticket
    (the Postman contract §5), whether it refuses other casings of ``ATServicesRest`` (the Postman contract
    §0), and its catalog: the entities and fields bodies are judged against, the tenant's own entity files
    and picklists included. Without one, the bundled default tenant's catalog."""

    completing_statuses: frozenset[int] = frozenset({DEFAULT_COMPLETING_STATUS})
    base_path_case_sensitive: bool = True
    catalog: Catalog = field(default_factory=_default_catalog, compare=False, repr=False)

    @classmethod
    def for_profile(cls, profile: TenantProfile, entity_dirs: tuple[str | Path, ...] = ()) -> RuleContext:
        """The context of a tenant profile (a bundled one, or one ``probe`` wrote), with the catalog a fake
        of that profile has (``entity_dirs`` as ``FakeAutotask`` takes them)."""
        return cls._of(profile, tenant_catalog(profile, entity_dirs))

    @classmethod
    def for_fake(cls, fake: FakeAutotask) -> RuleContext:
        """The context of the tenant a fake holds, with the catalog it answers from (none is built)."""
        return cls._of(fake.profile, fake.catalog)

    @classmethod
    def _of(cls, profile: TenantProfile, catalog: Catalog) -> RuleContext:
        return cls(frozenset(profile.completion.completing_values), profile.base_path_case_sensitive, catalog)


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
        """The rule's violations over traffic numbered from 1 in order (``rules.check`` renumbers).

        This is the one place a rule is run, so no exception of a rule ever leaves it: a rule that fails on
        the traffic is run on each exchange alone to find the ones it cannot judge, which are reported as
        unjudgeable (naming the rule and the error), and then judges the rest. The rules are written to judge
        any exchange; this is the net under them, not their way of handling odd input."""
        context = context or RuleContext()
        try:
            return self._violations(self.check(traffic, context))
        except Exception as error:  # the net: every exception of a rule becomes a finding
            return self._salvage(traffic, context, error)

    def _violations(self, found: list[Finding]) -> list[Violation]:
        return [Violation(self.id, f.message, f.exchanges, f.details) for f in found]

    def _salvage(self, traffic: Sequence[Exchange], context: RuleContext, error: Exception) -> list[Violation]:
        whole = f"{self.id} could not judge this traffic"
        failing: dict[int, Violation] = {}
        for exchange in traffic:
            try:
                self.check([exchange.numbered(1)], context)
            except Exception as alone:
                # No position in the text: the caller may renumber the findings (rules.check does).
                what = f"{self.id} could not judge {exchange.method} {exchange.path} -> {exchange.status}"
                failing[exchange.position] = self._unjudgeable((exchange.position,), what, alone)
        if not failing:  # only the exchanges together fail: none of them is judged
            return [self._unjudgeable((), whole, error)]
        rest = [e for e in traffic if e.position not in failing]
        try:
            judged = renumbered(rest, self._violations(self.check(numbered(rest), context)))
        except Exception as together:  # the rest still fails together: none of it is judged
            judged = [self._unjudgeable((), whole, together)]
        return [*failing.values(), *judged]

    def _unjudgeable(self, positions: tuple[int, ...], what: str, error: Exception) -> Violation:
        why = f"{type(error).__name__}: {str(error)[:200]}"
        return Violation(self.id, f"unjudgeable: {what} ({why})", positions, {}, why)


def numbered(traffic: Sequence[Exchange]) -> list[Exchange]:
    """The exchanges numbered from 1 in order, as every rule reads them (``traffic[position - 1]``)."""
    return [e if e.position == n else e.numbered(n) for n, e in enumerate(traffic, 1)]


def renumbered(kept: Sequence[Exchange], violations: list[Violation]) -> list[Violation]:
    """Violations found over ``numbered(kept)`` with the positions the exchanges had before."""
    back = {n: e.position for n, e in enumerate(kept, 1)}
    if all(n == p for n, p in back.items()):
        return violations
    return [replace(v, exchanges=tuple(back.get(p, p) for p in v.exchanges)) for v in violations]


class RuleBook(Mapping[str, Rule]):
    """Rules by id, in the order they were added: what ``rules.check`` runs. Each book is its own, as vcrpy
    keeps its registries per instance: ``RuleBook.of_modules(...)`` collects the rules the modules declare
    with ``@rule``, and a project adds its own with ``RuleBook([*REGISTRY.values(), mine])``."""

    def __init__(self, rules: Iterable[Rule] = ()) -> None:
        self._rules: dict[str, Rule] = {}
        for contract_rule in rules:
            if contract_rule.id in self._rules:
                raise ValueError(f"rule {contract_rule.id} is in the book twice")
            self._rules[contract_rule.id] = contract_rule

    @classmethod
    def of_modules(cls, *modules: ModuleType) -> RuleBook:
        """The rules the modules declare with ``@rule``, module by module in the order each declares them."""
        return cls(
            r
            for module in modules
            for r in map(declared_rule, vars(module).values())
            if r is not None and r.check.__module__ == module.__name__  # declared there, not imported
        )

    def __getitem__(self, rule_id: str) -> Rule:
        return self._rules[rule_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)


_DECLARED = "__contract_rule__"  # where @rule leaves the Rule on its check function


def rule(rule_id: str, statement: str, source: str, pack: str = CONTRACT) -> Callable[[Check], Check]:
    """Declare a check function a rule. Nothing is registered on import: a ``RuleBook`` collects it."""

    def declare(check: Check) -> Check:
        setattr(check, _DECLARED, Rule(rule_id, statement, source, pack, check))
        return check

    return declare


def declared_rule(value: object) -> Rule | None:
    """The rule a function was declared as with ``@rule``, if it was."""
    found = getattr(value, _DECLARED, None)
    return found if isinstance(found, Rule) else None
