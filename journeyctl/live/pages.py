"""One map's page as `serve` shows it: the workshop report while the map is valid, its
findings (or why it cannot be read) while it is not; and the index of several maps."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from journeyctl.core.errors import InvalidMapError
from journeyctl.core.escape import printable
from journeyctl.core.findings import Finding
from journeyctl.core.limits import DEFAULT_LIMITS, Limits
from journeyctl.core.model import JourneyMap
from journeyctl.lint.load import load_valid
from journeyctl.lint.workspace import Workspace, display_path
from journeyctl.render.html import page


@dataclass(frozen=True)
class Options:
    """How to draw every page: as `render -f html` does, with the include roots of the
    project configuration."""

    persona: str | None = None
    simulate: bool = False
    roots: tuple[Path, ...] = ()
    limits: Limits = DEFAULT_LIMITS


@dataclass(frozen=True)
class Page:
    """One map's page: the document (without the reload script), its title, what is wrong
    (empty while the report is shown) and the files it was read from (resolved)."""

    html: str
    title: str
    problem: str
    files: frozenset[Path]


def build(path: Path, options: Options) -> Page:
    """The page of the map at `path`: its report, or its findings when it has errors.

    Raises InputError when the map cannot be read and RequestError for an unknown persona
    (`problem_page` shows these while serving).
    """
    workspace = Workspace(options.limits, options.roots)
    try:
        jmap, _ = load_valid(workspace, path)
    except InvalidMapError as exc:
        files = _read(workspace, path)
        return Page(_findings_html(path, exc.findings), path.name, str(exc), files)
    return Page(_report(jmap, options), jmap.name, "", _read(workspace, path))


def problem_page(path: Path, message: str, files: frozenset[Path]) -> Page:
    """The page of a map that cannot be drawn for `message` (it was deleted, say)."""
    body = f"<h1>{escape(display_path(path))}</h1>\n" + _problem(message)
    return Page(page(path.name, body), path.name, message, files)


def index(pages: list[tuple[str, Page]]) -> str:
    """The index of several maps' pages: (route, page) each, in the order given."""
    rows = "".join(
        f'<li><a href="{route}">{escape(p.title)}</a>'
        + (f" — <strong>{escape(printable(p.problem))}</strong>" if p.problem else "")
        + "</li>"
        for route, p in pages
    )
    return page("journeyctl serve", f"<h1>Journey maps</h1>\n<ul>{rows}</ul>")


def _report(jmap: JourneyMap, options: Options) -> str:
    """The workshop report, exactly as `render -f html` writes it (on its default page)."""
    from journeyctl.render.formats import Request
    from journeyctl.report import workshop_report

    paper = Request(format="html").paper
    return workshop_report(jmap, options.persona, paper, options.simulate)


def _read(workspace: Workspace, path: Path) -> frozenset[Path]:
    """The files a build read: the root and every include it reached."""
    return frozenset({path.resolve(), *workspace.files})


_COLUMNS = ("File", "Line", "Column", "Code", "Severity", "Message")


def _findings_html(path: Path, findings: list[Finding]) -> str:
    """The findings of a broken map as a page: where each is, its code and how to fix it."""
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{escape(printable(str(v)))}</td>"
            for v in (f.span.file, f.span.line, f.span.col, f.code, f.severity.label)
        )
        + f"<td>{escape(printable(f.message))}"
        + (f"<br><small>{escape(printable(f.hint))}</small>" if f.hint else "")
        + "</td></tr>"
        for f in findings
    )
    head = "".join(f"<th>{c}</th>" for c in _COLUMNS)
    body = (
        f"<h1>{escape(display_path(path))}</h1>\n"
        + _problem(f"{len(findings)} finding(s) keep the map from being drawn")
        + f'<table class="data findings"><thead><tr>{head}</tr></thead>'
        + f"<tbody>{rows}</tbody></table>"
    )
    return page(path.name, body)


def _problem(message: str) -> str:
    return (
        f'<p class="note">{escape(printable(message))}. '
        "This page reloads when you save the fix.</p>\n"
    )
