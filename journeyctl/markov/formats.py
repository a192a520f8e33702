"""Simulation reports as machine output: JSON and CSV, byte-for-byte deterministic.

Floats are rounded to 6 decimals; infinite or undefined figures are null (JSON) or empty (CSV).
CSV text is printable (control characters as `\\xNN`) and never starts a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from journeyctl.core.escape import csv_cell, printable
from journeyctl.core.rounding import rounded
from journeyctl.markov.summary import AfterConversion, Experience, PersonaReport, Share, Spread

if TYPE_CHECKING:
    from journeyctl.markov.exact import AfterConversion as ExactAfter
    from journeyctl.markov.exact import ExactResult

CSV_HEADER = ("persona", "section", "item", "metric", "value")


def _nums(d: dict[str, float]) -> dict[str, float | None]:
    return {k: rounded(v) for k, v in d.items()}


def _spread(s: Spread | None) -> dict[str, float | None] | None:
    return (
        None
        if s is None
        else {"mean": rounded(s.mean), "median": rounded(s.median), "p90": rounded(s.p90)}
    )


def _share(s: Share) -> dict[str, Any]:
    low, high = s.interval
    return {"count": s.count, "share": rounded(s.share), "low": rounded(low), "high": rounded(high)}


def _shares(d: dict[str, Share]) -> dict[str, dict[str, Any]]:
    return {k: _share(v) for k, v in d.items()}


def _after(a: AfterConversion) -> dict[str, Any]:
    return {
        "converted": a.converted,
        "reach": _shares(a.reach),
        "stage_reach": _shares(a.stage_reach),
        "drop_off": _shares(a.drop_off),
        "stage_drop_off": _shares(a.stage_drop_off),
    }


def _experience(x: Experience) -> dict[str, Any]:
    return {
        "walks": x.felt,
        "mean": rounded(x.mean),
        "mean_emotion": rounded(x.mean_emotion),
        "negative": _share(x.negative),
        "positive": _share(x.positive),
        "negative_peaks": _shares(x.negative_peaks),
    }


def _exact_after(a: ExactAfter) -> dict[str, Any]:
    return {
        "reach": _nums(a.reach),
        "stage_reach": None if a.stage_reach is None else _nums(a.stage_reach),
        "drop_off": _nums(a.drop_off),
        "stage_drop_off": _nums(a.stage_drop_off),
    }


def _exact(e: ExactResult) -> dict[str, Any]:
    return {
        "conversion": rounded(e.conversion),
        "expected_steps": rounded(e.expected_steps),
        "steps_to_convert": rounded(e.steps_to_convert),
        "time_to_convert_hours": rounded(e.time_to_convert),
        "visit_probability": _nums(e.visit_probability),
        "expected_visits": _nums(e.expected_visits),
        "exit_probability": _nums(e.exit_probability),
        "stage_exit_probability": _nums(e.stage_exit_probability),
        "edge_flow": [
            {"from": a, "to": b, "flow": rounded(f)} for (a, b), f in e.edge_flow.items()
        ],
        "retention": [rounded(r) for r in e.retention],
        "after_conversion": None if e.after is None else _exact_after(e.after),
    }


def report_dict(r: PersonaReport) -> dict[str, Any]:
    """One persona's report as plain JSON-ready data."""
    low, high = r.interval
    return {
        "persona": r.persona,
        "runs": r.runs,
        "conversion": {"rate": rounded(r.conversion), "converted": r.converted,
                       "low": rounded(low), "high": rounded(high)},
        "outcomes": r.outcomes,
        "steps_per_walk": rounded(r.steps_per_walk),
        "cut": r.cut,
        "drop_off": {"by_stage": _nums(r.drop_off_by_stage),
                     "by_touchpoint": _nums(r.drop_off_by_touchpoint)},
        "top_paths": [
            {"path": list(p.touchpoints), "outcome": p.outcome, "count": p.count,
             "share": rounded(p.share)}
            for p in r.top_paths
        ],
        "channel_mix": _nums(r.channel_mix),
        "screen_mix": _nums(r.screen_mix),
        "steps_to_convert": _spread(r.steps_to_convert),
        "time_to_convert_hours": _spread(r.time_to_convert),
        "moments_of_truth": _nums(r.moments_of_truth),
        "visit_share": _nums(r.visit_share),
        "retention": [
            {"cycle": c.cycle, "share": rounded(c.share), "vs_previous": rounded(c.vs_previous)}
            for c in r.retention
        ],
        "starts_as": "customer" if r.customer else "prospect",
        "after_conversion": None if r.after is None else _after(r.after),
        "experience": None if r.experience is None else _experience(r.experience),
        "value": {stage: _shares(kinds) for stage, kinds in r.value.items()},
        "valueless_stages": list(r.valueless),
        "reasons": list(r.reasons),
        "exact": _exact(r.exact) if r.exact is not None else None,
    }  # fmt: skip


def to_json(journey: str, seed: int, reports: Sequence[PersonaReport]) -> str:
    doc = {"journey": journey, "seed": seed, "personas": [report_dict(r) for r in reports]}
    return json.dumps(doc, indent=2, sort_keys=True, allow_nan=False) + "\n"


def _rows(r: PersonaReport) -> Iterator[tuple[str, str, str, Any]]:
    d = report_dict(r)
    for metric in ("rate", "converted", "low", "high"):
        yield "conversion", "", metric, d["conversion"][metric]
    yield "walks", "", "runs", r.runs
    yield "walks", "", "steps_per_walk", d["steps_per_walk"]
    for name, count in r.outcomes.items():
        yield "outcome", name, "walks", count
    for section, key in (("drop_off_stage", "by_stage"), ("drop_off_touchpoint", "by_touchpoint")):
        for item, v in d["drop_off"][key].items():
            yield section, item, "share", v
    for rank, p in enumerate(d["top_paths"], 1):
        yield "path", str(rank), "path", " > ".join([*p["path"], p["outcome"]])
        yield "path", str(rank), "count", p["count"]
        yield "path", str(rank), "share", p["share"]
    for section in ("channel_mix", "screen_mix", "moments_of_truth", "visit_share"):
        for item, v in d[section].items():
            yield section, item, "share", v
    for section in ("steps_to_convert", "time_to_convert_hours"):
        for metric, v in (d[section] or {}).items():
            yield section, "", metric, v
    for c in d["retention"]:
        yield "retention", str(c["cycle"]), "share", c["share"]
        yield "retention", str(c["cycle"]), "vs_previous", c["vs_previous"]
    a = d["after_conversion"]
    if a is not None:
        for section in ("reach", "stage_reach", "drop_off", "stage_drop_off"):
            for item, v in a[section].items():
                yield f"after_{section}", item, "share", v["share"]
    x = d["experience"]
    if x is not None:
        for metric in ("walks", "mean", "mean_emotion"):
            yield "experience", "", metric, x[metric]
        for metric in ("negative", "positive"):
            yield "experience", "", metric, x[metric]["share"]
        for item, v in x["negative_peaks"].items():
            yield "negative_peak", item, "share", v["share"]
    for stage, kinds in d["value"].items():
        for kind, v in kinds.items():
            yield "value", f"{stage}/{kind}", "share", v["share"]
    for i, reason in enumerate(r.reasons, 1):
        yield "reason", str(i), "text", reason
    e = d["exact"]
    if e is not None:
        yield "exact", "", "conversion", e["conversion"]
        for metric in ("expected_steps", "steps_to_convert", "time_to_convert_hours"):
            yield "exact", "", metric, e[metric]
        for k, v in enumerate(e["retention"], 1):
            yield "exact_retention", str(k), "share", v
        for item, v in e["visit_probability"].items():
            yield "exact_visit", item, "probability", v
        for item, v in (e["after_conversion"] or {}).get("reach", {}).items():
            yield "exact_after_reach", item, "probability", v


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return csv_cell(printable(v))
    return f"{v:.6f}" if isinstance(v, float) else str(v)


def to_csv(reports: Sequence[PersonaReport]) -> str:
    """All personas' figures as long-format CSV: persona,section,item,metric,value."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_HEADER)
    for r in reports:
        for row in _rows(r):
            w.writerow([_cell(v) for v in (r.persona or "", *row)])
    return buf.getvalue()
