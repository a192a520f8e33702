"""Every code journeyctl can emit, by code: the lint rules, the gap types and the budget codes.

Each code is declared once, next to what reports it: the lint rules (JM0xx from reading the
files, JM030 from the inline disables, JM1xx from the journey logic) as `Rule`s in
`journeyctl.lint.rules`, the gap types (G1xx–G6xx from the designed journey, G7xx from an event
log) as `GapType`s in the gap family modules, the budget codes (B1xx, `journeyctl check`) as
`Rule`s in `journeyctl.budgets.codes`. `journeyctl rules` lists and explains them, and the tests
check the docs' code tables against them.
"""

from __future__ import annotations

from functools import cache

from journeyctl.budgets import codes as budget_codes
from journeyctl.core.codes import Rule
from journeyctl.gaps import GAP_TYPES, observed
from journeyctl.lint.rules import all_rules


@cache
def all_codes() -> dict[str, Rule]:
    """Every code's declaration (a `Rule`, or for a gap a `GapType`), sorted by code."""
    declared = [*all_rules().values(), *GAP_TYPES, *observed.TYPES, *budget_codes.RULES]
    return {d.code: d for d in sorted(declared, key=lambda d: d.code)}
