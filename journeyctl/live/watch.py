"""Waiting for changes to map files: a thread watching the folders they lie in (watchfiles).

Folders, not files, are watched, so an editor that saves by replacing the file is seen, and
so is a file that appears where a broken include pointed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from journeyctl.lint.workspace import MAP_SUFFIXES

QUIET_MS = 50
"""A change is reported once its folder has been quiet this long (a save is often several
writes)."""


TICK_MS = 100
"""How often the watch looks up from waiting (for `stop`, and to say it has begun)."""
READY_S = 5.0
"""How long the first `watch` waits for the folders to be watched."""


class Watcher:
    """Calls `changed(paths)` from its own thread with the files changed in the watched
    folders that are `known` or have a map suffix (.yaml, .yml)."""

    def __init__(self, changed: Callable[[set[Path]], None]):
        self._changed = changed
        self._folders: frozenset[Path] = frozenset()
        self._known: frozenset[Path] = frozenset()
        self._wake = threading.Event()
        self._ready = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="journeyctl-watch", daemon=True)

    def watch(self, files: frozenset[Path]) -> None:
        """Watch the folders of `files` from now on. The first call starts the thread and
        returns once the folders are watched (a save from then on is seen)."""
        folders = frozenset(f.parent for f in files)
        self._known = files
        if folders != self._folders:
            self._folders = folders
            self._wake.set()
        if not self._thread.is_alive():
            self._thread.start()
            self._ready.wait(READY_S)

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        import watchfiles

        first = True
        while not self._stopping:
            self._wake.clear()
            folders = sorted(f for f in self._folders if f.is_dir())
            if not folders:  # every folder is gone for now: look again shortly
                self._wake.wait(0.5)
                continue
            watching = False
            try:
                for changes in watchfiles.watch(
                    *folders,
                    watch_filter=self._wanted,
                    step=QUIET_MS,
                    stop_event=self._wake,
                    rust_timeout=TICK_MS,
                    yield_on_timeout=True,
                    recursive=False,
                    raise_interrupt=False,
                ):
                    if not watching:  # the folders are watched from here on
                        watching, missed = True, not first
                        first = False
                        self._ready.set()
                        if missed:  # saves while the watch moved to other folders
                            changes = {(None, str(p)) for p in self._known} | changes
                    if changes:
                        self._changed({Path(p) for _, p in changes})
            except OSError:  # a folder went away as the watch began: look again shortly
                self._wake.wait(0.5)

    def _wanted(self, _change: object, path: str) -> bool:
        return path.endswith(MAP_SUFFIXES) or Path(path) in self._known
