"""Rules: one module per code, `jmNNN_slug.py`, whose docstring is the rule's documentation
(with a failing and a passing example) and whose `RULE` declares it.

The source rules (JM0xx, reported by the loader, the schema check and the include resolver)
and JM030 (reported by the suppression handling) declare only `RULE`; a journey-logic rule
(JM1xx) also defines `check(jmap)`, a generator of findings over a `JourneyMap`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from types import ModuleType

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Finding


@dataclass(frozen=True, slots=True)
class LogicRule:
    rule: Rule
    check: Callable[..., Iterator[Finding]]


@cache
def _modules() -> tuple[ModuleType, ...]:
    """Every rule module, by code."""
    found = [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
        if info.name.startswith("jm")
    ]
    return tuple(sorted(found, key=lambda m: m.RULE.code))


@cache
def logic_rules() -> tuple[LogicRule, ...]:
    """Every journey-logic rule (a module with `check`), by code."""
    return tuple(LogicRule(m.RULE, m.check) for m in _modules() if hasattr(m, "check"))


@cache
def all_rules() -> dict[str, Rule]:
    """Every rule `validate` can report, by code, sorted."""
    return {m.RULE.code: m.RULE for m in _modules()}
