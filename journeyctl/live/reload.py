"""The reload channel: a version for each page, sent to open pages as server-sent events, and
the script (injected into served pages only) that reloads a page when its version moves on."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable

EVENTS = "/events"
"""The route of the event stream."""

_SCRIPT = """<script>
(() => {
  const route = %s, version = %d;
  new EventSource(%s).onmessage = (e) => {
    if (JSON.parse(e.data)[route] !== version) location.reload();
  };
})();
</script>
"""


class Versions:
    """Each route's version, counted up when its page changes; readers wait for a change."""

    def __init__(self, routes: Iterable[str]):
        self._versions = dict.fromkeys(routes, 0)
        self._changed = threading.Condition()
        self._closed = False

    def bump(self, route: str) -> None:
        with self._changed:
            self._versions[route] += 1
            self._changed.notify_all()

    def current(self) -> dict[str, int]:
        with self._changed:
            return dict(self._versions)

    def wait(self, seen: dict[str, int], timeout: float) -> dict[str, int] | None:
        """The versions once they differ from `seen` (`seen` itself after `timeout` seconds),
        or None when the channel is closed."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._versions != seen, timeout)
            return None if self._closed else dict(self._versions)

    def close(self) -> None:
        """End every wait: the server is stopping."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()


def event(versions: dict[str, int]) -> bytes:
    """`versions` as one server-sent event."""
    return f"data: {json.dumps(versions, sort_keys=True)}\n\n".encode()


def with_reload(html: str, route: str, version: int) -> str:
    """`html` with the reload script before its last `</body>` (at the end when it has none)."""
    script = _SCRIPT % (json.dumps(route), version, json.dumps(EVENTS))
    head, tag, tail = html.rpartition("</body>")
    return head + script + tag + tail if tag else html + script
