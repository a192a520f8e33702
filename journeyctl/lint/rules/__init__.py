"""Rules: the source rules (JM0xx) and the journey-logic rules (JM1xx), one module each.

A logic rule module defines `RULE` (its code, slug, severity and documentation, taken from the
module docstring, which holds a failing and a passing example) and `check(jmap)`, a generator
of findings over a `JourneyMap`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Finding


@dataclass(frozen=True, slots=True)
class LogicRule:
    rule: Rule
    check: Callable[..., Iterator[Finding]]


@cache
def logic_rules() -> tuple[LogicRule, ...]:
    """Every journey-logic rule, by code."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("jm"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            found.append(LogicRule(module.RULE, module.check))
    return tuple(sorted(found, key=lambda r: r.rule.code))


@cache
def all_rules() -> dict[str, Rule]:
    """Every rule journeyctl can report, by code, sorted."""
    from journeyctl.lint.rules.source import SOURCE_RULES
    from journeyctl.lint.rules.suppression import UNUSED_DISABLE

    rules = [*SOURCE_RULES, UNUSED_DISABLE, *(r.rule for r in logic_rules())]
    return {r.code: r for r in sorted(rules, key=lambda r: r.code)}
