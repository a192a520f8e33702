"""The pages `serve` shows, kept current: one per map at its route, and an index at `/` when
there are several maps. A page's version moves on only when its bytes change."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from journeyctl.core.errors import JourneyctlError
from journeyctl.lint.workspace import display_path
from journeyctl.live import pages
from journeyctl.live.pages import Options, Page
from journeyctl.live.reload import Versions, with_reload

INDEX = "/"


class Site:
    """Every map's page, built once at start (raising InputError or RequestError as
    `pages.build` does), then rebuilt on `changed`; `note` hears of each rebuild."""

    def __init__(self, paths: Sequence[Path], options: Options, note: Callable[[str], None]):
        self.options, self.note = options, note
        single = len(paths) == 1
        self.maps = {INDEX if single else f"/map/{i}": p for i, p in enumerate(paths, 1)}
        self.pages: dict[str, Page] = {r: pages.build(p, options) for r, p in self.maps.items()}
        self.versions = Versions([*self.maps, *([] if single else [INDEX])])
        self._index = "" if single else self._index_html()
        self._lock = threading.Lock()

    @property
    def files(self) -> frozenset[Path]:
        """Every file some page was read from."""
        return frozenset().union(*(p.files for p in self.pages.values()))

    def html(self, route: str) -> str | None:
        """The page at `route` with its reload script; None when there is no such page."""
        with self._lock:
            version = self.versions.current().get(route)
            if version is None:
                return None
            text = self.pages[route].html if route in self.pages else self._index
        return with_reload(text, route, version)

    def changed(self, paths: set[Path]) -> None:
        """Rebuild the pages that read one of `paths` or lie beside a new one (no page read
        it: it may be an include that was missing), and move on the version of each page
        whose bytes changed."""
        new_files = paths - self.files
        for route, path in self.maps.items():
            old = self.pages[route]
            folders = {f.parent for f in old.files}
            if not (paths & old.files or any(p.parent in folders for p in new_files)):
                continue
            new = self._rebuild(path, old)
            with self._lock:
                self.pages[route] = new
            if new.html != old.html:
                self.versions.bump(route)
                self.note(_located(path, new.problem or "reloaded"))
        if INDEX not in self.maps:
            index = self._index_html()
            with self._lock:
                fresh, self._index = index != self._index, index
            if fresh:
                self.versions.bump(INDEX)

    def _rebuild(self, path: Path, old: Page) -> Page:
        try:
            return pages.build(path, self.options)
        except JourneyctlError as exc:  # the file is gone or unreadable, the persona removed
            return pages.problem_page(path, str(exc), old.files)

    def _index_html(self) -> str:
        return pages.index([(r, self.pages[r]) for r in self.maps])


def _located(path: Path, message: str) -> str:
    """`message` starting with the map's path (unreadable-file errors already do)."""
    where = display_path(path)
    return message if message.startswith(f"{where}:") else f"{where}: {message}"
