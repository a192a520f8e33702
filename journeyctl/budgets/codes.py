"""The budget codes (B101–B104): one per kind of budget a map can break."""

from __future__ import annotations

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

CONVERSION = Rule(
    "B101",
    "conversion-below-budget",
    Severity.ERROR,
    """A persona's exact conversion is below its budget.

    The budget is `min-conversion` in the configuration's `budgets` section; the figure is the
    exact conversion of the absorbing chain (cycle 1 of a cyclical journey), as `journeyctl
    simulate --exact` reports it. The finding stands at the persona in the map. Raise the
    moves that lead to the goal for this persona (`journeyctl levers` ranks them), or lower the
    budget if the map is right and the budget was not.
    """,
)
DROP_OFF = Rule(
    "B102",
    "drop-off-over-budget",
    Severity.ERROR,
    """The exact share of a persona's walks that leave the journey at a moment of truth is
    over its budget.

    The budget is `max-drop-off` in the configuration's `budgets` section; the figure is the
    exact probability that a walk ends at the touchpoint (`exit_probability`, before or after
    converting), as `journeyctl simulate --exact` reports it. The finding stands at the
    touchpoint. Give the walks that reach it a way on (a `next` move), or weaken its `exit`.
    """,
)
FORBIDDEN_GAP = Rule(
    "B103",
    "forbidden-gap",
    Severity.ERROR,
    """The map has a gap whose code the budgets forbid.

    The budget is `forbidden-gaps` in the configuration's `budgets` section: gap codes or
    prefixes (`G3` forbids every push gap) that `journeyctl gaps` must not find in the map. The
    finding stands at the gap's first evidence and repeats its message; `journeyctl rules CODE`
    explains the gap and how to close it.
    """,
)
NEGATIVE_EXPERIENCE = Rule(
    "B104",
    "negative-experience-over-budget",
    Severity.ERROR,
    """The share of a persona's walks that end with a negative experience is over its budget.

    The budget is `max-negative-experience` in the configuration's `budgets` section; the
    figure is the share of walks whose peak-end experience score is below 0, among the walks
    that met an emotion, from a seeded Monte Carlo run (`runs` walks, `seed`): an estimate,
    given with its 95% interval, and the same on every run. The finding stands at the persona.
    Soften the touchpoints that are the walks' negative peaks (`journeyctl simulate` lists
    them), or end the journey on a better one.
    """,
)
RULES = (CONVERSION, DROP_OFF, FORBIDDEN_GAP, NEGATIVE_EXPERIENCE)
"""Every budget code, in order."""
