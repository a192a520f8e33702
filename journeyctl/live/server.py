"""HTTP on exactly the site's routes: each page, the event stream and nothing else (no files,
no folder listings); requests naming another host are refused on a loopback address, so a web
page elsewhere cannot read the maps through DNS rebinding."""

from __future__ import annotations

import ipaddress
import socket
import socketserver
import sys
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from journeyctl.core.errors import RequestError
from journeyctl.live.reload import EVENTS, event
from journeyctl.live.site import Site
from journeyctl.live.watch import Watcher

KEEPALIVE_S = 15.0
"""An idle event stream sends a comment this often, so a closed tab ends its thread."""


def serve(site: Site, host: str, port: int, started: Callable[[str], None]) -> None:
    """Serve `site` on `host`:`port` (0: a free port), watching its files, until interrupted;
    `started` hears the URL once the port is open. Raises RequestError when the address cannot
    be used (the port is taken, say)."""
    try:
        server = _Server(host, port, site)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise RequestError(
            f"cannot serve on {host}:{port}: {reason}; pick another port with --port "
            "(0 picks a free one)"
        ) from None

    def changed(paths: set[Path]) -> None:
        site.changed(paths)
        watcher.watch(site.files)  # the includes may have changed

    watcher = Watcher(changed)
    try:
        watcher.watch(site.files)
        started(server.url)
        server.serve_forever(poll_interval=0.2)
    finally:
        site.versions.close()
        watcher.stop()
        server.server_close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, port: int, site: Site):
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), _Handler)
        self.site = site
        bound = self.server_address[1]
        name = f"[{host}]" if ":" in host else host
        self.url = f"http://{name}:{bound}/"
        self.hosts = _loopback_hosts(host, bound)

    def server_bind(self) -> None:
        # TCPServer's, not HTTPServer's: that one looks the host name up, for nothing
        socketserver.TCPServer.server_bind(self)

    def handle_error(self, request, client_address) -> None:
        """A browser that went away mid-answer is no error; anything else is a bug, said in
        one line."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError):
            self.site.note(f"internal error answering a request ({type(exc).__name__}: {exc})")


def _loopback_hosts(host: str, port: int) -> frozenset[str] | None:
    """The Host headers a loopback server answers (None: any, for a server on the network)."""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        return None
    names = ("localhost", "127.0.0.1", "[::1]", f"[{host}]" if ":" in host else host)
    return frozenset(f"{n}:{port}" for n in names)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        hosts = self.server.hosts
        if hosts is not None and self.headers.get("Host", "") not in hosts:
            return self._send(403, "text/plain", b"this server answers its own address only\n")
        route = urlsplit(self.path).path
        if route == EVENTS:
            return self._events()
        if route == "/favicon.ico":  # asked for by every browser: none, and no 404 in its console
            return self._send(204, "image/x-icon", b"")
        html = self.server.site.html(route)
        if html is None:
            return self._send(404, "text/plain", b"not found\n")
        return self._send(200, "text/html; charset=utf-8", html.encode("utf-8"))

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self._headers(kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _headers(self, kind: str) -> None:
        self.send_header("Content-Type", kind)
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")

    def _events(self) -> None:
        """The versions now, then again each time one changes, until the page goes away."""
        versions = self.server.site.versions
        self.send_response(200)
        self._headers("text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        seen: dict[str, int] | None = versions.current()
        try:
            self.wfile.write(b"retry: 500\n" + event(seen))
            self.wfile.flush()
            while (now := versions.wait(seen, KEEPALIVE_S)) is not None:
                self.wfile.write(event(now) if now != seen else b": keepalive\n\n")
                self.wfile.flush()
                seen = now
        except OSError:  # the page was closed or reloaded
            return

    def log_message(self, format: str, *args: object) -> None:
        """Requests are not logged: the console shows reloads only."""
