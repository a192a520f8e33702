"""Self-contained HTML: the shared page chrome and the workshop report of a journey map.

Pages load nothing: the CSS is inline, diagrams are inline SVG, there are no scripts or
external fonts. `page` is the chrome other reports (e.g. gaps) reuse.
"""

from __future__ import annotations

from html import escape

from journeyctl.core.model import JourneyMap
from journeyctl.render import style

CSS = """
:root { --ink: #222; --muted: #666; --line: #bbb; }
* { box-sizing: border-box; }
body { margin: 0; font-family: %(font)s; color: var(--ink); background: #fff; line-height: 1.4; }
main { max-width: 1600px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 8px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 16px; margin: 16px 0 4px; }
p.lead { color: var(--muted); max-width: 70em; }
.note { background: #FFF4D6; border-left: 4px solid #E69F00; padding: 8px 12px; }
dl.counts { display: flex; flex-wrap: wrap; gap: 8px 24px; margin: 12px 0; }
dl.counts div { min-width: 8em; }
dl.counts dt { color: var(--muted); font-size: 13px; }
dl.counts dd { margin: 0; font-size: 22px; font-weight: bold; }
figure { margin: 0; overflow-x: auto; }
figure svg { max-width: 100%%; height: auto; }
table { border-collapse: collapse; }
table.data th, table.data td, .funnel th, .funnel td {
  border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
table.swimlane { width: 100%%; table-layout: fixed; font-size: 12px; }
table.swimlane > * > tr > th, table.swimlane > * > tr > td {
  border: 1px solid var(--line); padding: 6px; vertical-align: top; text-align: left; }
table.swimlane > thead th { background: #333; color: #fff; }
table.swimlane th small, .card small { display: block; font-weight: normal; font-size: 11px; }
table.swimlane > tbody > tr > th { width: 11em; }
.card { border: 1px solid #000; border-radius: 6px; padding: 4px 6px; margin: 0 0 6px; }
.card.active { border-width: 3px; }
.card.mini { border-style: dashed; }
.card.goal { border-color: %(goal)s; border-width: 4px; }
table.grid { border-collapse: separate; border-spacing: 1px; font-size: 10px; }
table.grid td, table.grid th { width: 22px; height: 14px; padding: 0; text-align: center;
  background: #FAFAFA; font-weight: normal; }
table.grid th { background: none; }
tr.notes ul { margin: 0; padding-left: 1.1em; }
.funnel table { min-width: 40em; }
td.bar { position: relative; width: 16em; }
td.bar span { position: absolute; left: 0; top: 3px; bottom: 3px; background: #77AADD;
  z-index: -1; }
td.bar.drop span { background: #EE8866; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 16px; }
@media print { main { max-width: none; padding: 0; } h2 { break-after: avoid; } }
"""


def page(title: str, body_html: str, paper: style.Page | None = None) -> str:
    """A complete, self-contained HTML document around `body_html` (already HTML)."""
    css = CSS % {"font": style.FONT_STACK, "goal": style.GOAL_COLOUR}
    if paper is not None:
        css += f"@page {{ size: {paper.name.upper()} landscape; margin: 10mm; }}\n"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n<main>\n"
        f"{body_html}\n</main>\n<footer>Made with journeyctl</footer>\n</body>\n</html>\n"
    )


def inline_svg(svg: str) -> str:
    """A standalone SVG file (e.g. from Graphviz) as an element to put in HTML."""
    return svg[svg.index("<svg") :]


def report(jmap: JourneyMap, persona: str | None, paper: style.Page, simulate: bool) -> str:
    """The workshop report: summary, swimlane, flow, emotion curves, optional funnels."""
    from journeyctl.render.emotion import emotion_svg, emotions
    from journeyctl.render.swimlane import swimlane, swimlane_html

    feelings = emotions(jmap, persona)
    parts = [_summary(jmap, persona)]
    parts.append("<h2>Swimlane</h2>")
    parts.append(f"<figure>{swimlane_html(swimlane(jmap, feelings))}</figure>")
    parts.append("<h2>Flow</h2>")
    parts.append(_flow_figure(jmap, persona, paper))
    parts.append("<h2>Emotion</h2>")
    parts.append(f"<figure>{emotion_svg(jmap, feelings, standalone=False)}</figure>")
    if simulate:
        from journeyctl.render.funnel import funnel, funnel_html

        who = [persona] if persona else [None, *(p.id for p in jmap.personas)]
        parts.append("<h2>Simulation</h2>")
        if jmap.journey.kind == "linear":
            parts.append(
                '<p class="lead">In a linear journey a walk ends at its goal, so stages after '
                "the goal show no reach and no drop-off.</p>"
            )
        parts.extend(funnel_html(funnel(jmap, p)) for p in who)
    return page(jmap.name, "\n".join(parts), paper)


def _flow_figure(jmap: JourneyMap, persona: str | None, paper: style.Page) -> str:
    """The flow view as a figure, or a note saying why it is left out."""
    from journeyctl.core.errors import RequestError
    from journeyctl.render.flow import check_layout, flow_graph, persona_overlay
    from journeyctl.render.graphviz_run import have_dot, run_dot

    if not have_dot():
        return (
            '<p class="note">The flow diagram needs Graphviz, which is not installed here: '
            "install it (<code>apt-get install graphviz</code> or <code>brew install "
            "graphviz</code>) and render again.</p>"
        )
    try:
        check_layout(jmap)
    except RequestError as too_big:
        return f'<p class="note">The flow diagram is left out: {escape(str(too_big))}.</p>'
    overlay = persona_overlay(jmap, persona) if persona else None
    svg = run_dot(flow_graph(jmap, paper, overlay), "svg").decode("utf-8")
    return f"<figure>{inline_svg(svg)}</figure>"


def _summary(jmap: JourneyMap, persona: str | None) -> str:
    j = jmap.journey
    assert j is not None
    tps = jmap.touchpoints
    counts = [
        ("Stages", len(jmap.stages)),
        ("Touchpoints", len(tps)),
        ("Channels", len({t.channel for t in tps})),
        ("Personas", len(jmap.personas)),
        ("Moments of truth", sum(t.moment_of_truth for t in tps)),
        ("Pain points", sum(len(t.pain_points) for t in tps)),
        ("Opportunities", sum(len(t.opportunities) for t in tps)),
    ]
    goal = ", ".join(jmap.touchpoint[g].label for g in j.goal if g in jmap.touchpoint)
    facts = [f"<b>Goal:</b> {escape(j.goal_description or goal)}"]
    if j.owner:
        facts.append(f"<b>Owner:</b> {escape(j.owner)}")
    facts.append(f"<b>Kind:</b> {escape(j.kind)}")
    if persona:
        facts.append(f"<b>Persona:</b> {escape(jmap.persona[persona].name or persona)}")
    return (
        f"<h1>{escape(jmap.name)}</h1>"
        + (f'<p class="lead">{escape(j.description)}</p>' if j.description else "")
        + f"<p>{' · '.join(facts)}</p>"
        + '<dl class="counts">'
        + "".join(f"<div><dt>{k}</dt><dd>{v}</dd></div>" for k, v in counts)
        + "</dl>"
    )
