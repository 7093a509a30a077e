"""The pytest plugin's client (``RunningServer.client``) must show every error to a test.

A client that quietly retries hides a 500 whenever the second attempt succeeds, and the
suites that assert "no client ever sees a 500" rely on seeing the first one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from userpools.testing import RunningServer


class AlwaysFails(BaseHTTPRequestHandler):
    """Answers every call with a 500 InternalErrorException and counts the calls."""

    calls = 0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        type(self).calls += 1
        body = b'{"__type": "InternalErrorException", "message": "boom"}'
        self.send_response(500)
        self.send_header("content-type", "application/x-amz-json-1.1")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def failing_endpoint() -> Iterator[str]:
    AlwaysFails.calls = 0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), AlwaysFails)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)


def test_running_server_client_does_not_retry_a_500(failing_endpoint: str, tmp_path: Path) -> None:
    running = RunningServer(failing_endpoint, tmp_path / "unused.db", server=None)  # type: ignore[arg-type]
    with pytest.raises(ClientError) as failed:
        running.client().list_user_pools(MaxResults=1)
    assert failed.value.response["Error"]["Code"] == "InternalErrorException"
    assert AlwaysFails.calls == 1
