"""A local stand-in for CCBill's DataLink ``subscriptionManagement.cgi`` (GET, query-string credentials).

Answers ``returnXML=1`` requests with ``<results>N</results>`` like the documented examples; ``N`` is
``1`` for success or whatever the test sets in ``next_results``. ``delay_seconds`` makes it slower
than the adapter's timeout, to exercise the "outcome unknown" path.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


class FakeDataLink:
    def __init__(self, username: str = "datalink-user", password: str = "datalink-pass") -> None:
        self.username, self.password = username, password
        self.requests: list[dict[str, str]] = []
        self.next_results: deque[str] = deque()
        self.delay_seconds = 0.0
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> FakeDataLink:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                params = dict(parse_qsl(urlsplit(self.path).query))
                fake.requests.append(params)
                if fake.delay_seconds:
                    time.sleep(fake.delay_seconds)
                if (params.get("username"), params.get("password")) != (fake.username, fake.password):
                    result = "-1"  # authentication failure in CCBill's numbering
                else:
                    result = fake.next_results.popleft() if fake.next_results else "1"
                body = f"<?xml version='1.0' standalone='yes'?>\n<results>{result}</results>\n".encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/xml")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def log_message(self, format: str, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/utils/subscriptionManagement.cgi"
