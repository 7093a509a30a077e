"""The fuzzers' plumbing: raw HTTP, the oracle, snapshots of the store, and figures.

Requests go over one keep-alive ``http.client`` connection as raw bytes, so a body may be
anything boto3 would refuse to send. The oracle (reliability.md §6, goals 1, 4, 5, 25):

- never a 5xx;
- a success is HTTP 200 with a JSON object;
- an error is HTTP 4xx with a JSON body ``{"__type", "message"}`` whose ``__type`` is one
  of the operation's modelled errors (never ``InternalErrorException``) or one the
  protocol layer documents (docs/errors.md), and whose message shows no traceback or
  server file path;
- after an error, the store holds exactly what it held before (no partial write).
"""

from __future__ import annotations

import http.client
import json
import os
import sqlite3
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from userpools.protocol.model import TARGET_PREFIX, service_model
from userpools.testing import RunningServer

CONTENT_TYPE = "application/x-amz-json-1.1"

#: Error types the protocol layer answers for any operation (docs/errors.md).
PROTOCOL_ERRORS = frozenset(
    {"SerializationException", "UnknownOperationException", "UnsupportedOperationException"}
)
#: Errors of authentication and throttling, allowed should they ever appear.
AUTH_ERRORS = frozenset(
    {
        "MissingAuthenticationTokenException",
        "InvalidSignatureException",
        "UnrecognizedClientException",
        "AccessDeniedException",
        "TooManyRequestsException",
    }
)
#: Never acceptable: it is the server's "500, a bug".
FORBIDDEN_ERRORS = frozenset({"InternalErrorException"})

#: Written on purpose when a request fails: the lock-out count of a wrong password and
#: the failure count of a wrong one-time code (docs/errors.md, domain/lockout.py).
COUNTED_ON_FAILURE = {
    "users": frozenset({"failed_attempts", "last_failure_at", "locked_until"}),
    "user_codes": frozenset({"failures"}),
}

#: Tables that only grow (the outbox of messages the server "sent"); they grow long.
APPEND_ONLY = frozenset({"outbox"})

#: Fragments an error message must never show (goal 25), unless the request sent them.
LEAK_MARKERS = ("Traceback", 'File "', "/userpools/", ".py", "sqlite3.", "psycopg")

SOURCE_ROOT = str(Path(__file__).resolve().parents[2])


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def error_type(self) -> str | None:
        if self.status == 200:
            return None
        try:
            payload = self.json()
        except ValueError:
            return None
        return payload.get("__type") if isinstance(payload, dict) else None


class Wire:
    """One keep-alive HTTP/1.1 connection to the server; reconnects when it is closed."""

    def __init__(self, server: RunningServer, timeout: float = 30.0) -> None:
        host, port = server.endpoint_url.removeprefix("http://").split(":")
        self._address = (host, int(port))
        self._timeout = timeout
        self._connection: http.client.HTTPConnection | None = None
        self.sent = 0

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            host, port = self._address
            self._connection = http.client.HTTPConnection(host, port, timeout=self._timeout)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def post(self, target: str | None, body: bytes) -> Reply:
        headers = {"Content-Type": CONTENT_TYPE}
        if target is not None:
            headers["X-Amz-Target"] = target
        for attempt in (1, 2):
            connection = self._connect()
            try:
                connection.request("POST", "/", body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection before reading the
                # request; nothing was processed, so sending it again is safe.
                self.close()
                if attempt == 2:
                    raise
                continue
            self.sent += 1
            reply = Reply(
                response.status, {k.lower(): v for k, v in response.getheaders()}, payload
            )
            if response.will_close:
                self.close()
            return reply
        raise AssertionError("unreachable")

    def call(self, operation: str, params: dict[str, Any]) -> Reply:
        return self.post(TARGET_PREFIX + operation, json.dumps(params).encode())

    def ok(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """A set-up call that must succeed."""
        reply = self.call(operation, params)
        assert reply.status == 200, (operation, reply.status, reply.body[:500])
        result: dict[str, Any] = reply.json()
        return result


# --- the oracle -------------------------------------------------------------------------


def allowed_errors(operation: str | None) -> frozenset[str]:
    """Error types a client may see from ``operation`` (``None``: no resolvable one)."""
    modelled: set[str] = set()
    if operation is not None:
        model = service_model()
        modelled = {shape.name for shape in model.operation_model(operation).error_shapes}
    return frozenset(modelled - FORBIDDEN_ERRORS) | PROTOCOL_ERRORS | AUTH_ERRORS


def reply_problems(operation: str | None, reply: Reply, sent: bytes) -> list[str]:
    """What is wrong with ``reply`` to a request for ``operation``; empty when nothing."""
    problems: list[str] = []
    if reply.status >= 500:
        problems.append(f"HTTP {reply.status}")
    try:
        payload = reply.json()
    except ValueError:
        return [*problems, "the body is not JSON"]
    if not isinstance(payload, dict):
        return [*problems, "the body is not a JSON object"]
    if reply.status == 200:
        if not reply.headers.get("content-type", "").startswith(CONTENT_TYPE):
            problems.append(f"success with content-type {reply.headers.get('content-type')!r}")
        return problems
    if not 400 <= reply.status < 500:
        problems.append(f"an error with HTTP {reply.status}")
    code, message = payload.get("__type"), payload.get("message")
    if set(payload) != {"__type", "message"}:
        problems.append(f"error body members {sorted(payload)}")
    if not isinstance(code, str) or code not in allowed_errors(operation):
        problems.append(f"__type {code!r} is not modelled for {operation}")
    if not isinstance(message, str) or not message:
        problems.append("no message")
    else:
        sent_text = sent.decode("utf-8", "replace")
        for marker in (*LEAK_MARKERS, SOURCE_ROOT):
            if marker in message and marker not in sent_text:
                problems.append(f"the message shows {marker!r}")
    if isinstance(code, str) and not reply.headers.get("x-amzn-errortype", "").startswith(code):
        problems.append("x-amzn-ErrorType does not name the __type")
    return problems


# --- snapshots of the store ---------------------------------------------------------------

Snapshot = dict[str, list[tuple[Any, ...]]]


class Probe:
    """Reads every table of the server's store, to prove an error changed nothing."""

    def __init__(self, server: RunningServer) -> None:
        settings = server.server.settings
        self.database_url: str | None = settings.database_url
        self._sqlite: sqlite3.Connection | None = None
        self._postgres: Any = None
        if self.database_url is None:
            uri = f"file:{settings.db_path}?mode=ro"
            self._sqlite = sqlite3.connect(uri, uri=True, isolation_level=None)
            self.tables = [
                row[0]
                for row in self._sqlite.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                )
            ]
        else:
            import psycopg

            self._postgres = psycopg.connect(self.database_url, autocommit=True)
            self.tables = [
                row[0]
                for row in self._postgres.execute(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = current_schema() ORDER BY table_name"
                )
            ]

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
        if self._postgres is not None:
            self._postgres.close()

    def snapshot(self) -> Snapshot:
        """Every row of every table, in a canonical order, less the failure counters."""
        result: Snapshot = {}
        if self._sqlite is not None:
            connection = self._sqlite
            connection.execute("BEGIN")
            try:
                for table in self.tables:
                    cursor = connection.execute(_select(table))
                    result[table] = _canonical(table, cursor.description, cursor.fetchall())
            finally:
                connection.execute("COMMIT")
            return result
        with self._postgres.transaction(), self._postgres.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            for table in self.tables:
                cursor.execute(_select(table))
                result[table] = _canonical(table, cursor.description, cursor.fetchall())
        return result


def _select(table: str) -> str:
    if table in APPEND_ONLY:  # rows are only ever added: their count and last id say it all
        return f'SELECT count(*), max(id) FROM "{table}"'
    return f'SELECT * FROM "{table}"'


def _canonical(table: str, description: Any, rows: Iterable[tuple[Any, ...]]) -> list[Any]:
    skip = COUNTED_ON_FAILURE.get(table, frozenset())
    names = [column[0] for column in description]
    keep = [i for i, name in enumerate(names) if name not in skip]
    picked = [tuple(row[i] for i in keep) for row in rows]
    return sorted(picked, key=repr)


def snapshot_diff(before: Snapshot, after: Snapshot) -> str:
    """A short account of what changed between two snapshots."""
    lines: list[str] = []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, []), after.get(table, [])
        if old == new:
            continue
        gone = [row for row in old if row not in new]
        added = [row for row in new if row not in old]
        lines.append(f"{table}: -{len(gone)} +{len(added)}")
        lines.extend(f"  - {_short(row)}" for row in gone[:3])
        lines.extend(f"  + {_short(row)}" for row in added[:3])
    return "\n".join(lines)


def _short(row: Any) -> str:
    text = repr(row)
    return text if len(text) <= 300 else text[:300] + "..."


# --- figures -------------------------------------------------------------------------------


@dataclass
class Figures:
    """What a campaign sent and what came back."""

    name: str
    requests: int = 0
    server_errors: int = 0
    successes: int = 0
    by_type: Counter[str] = field(default_factory=Counter)
    by_operation: Counter[str] = field(default_factory=Counter)
    successes_by_operation: Counter[str] = field(default_factory=Counter)
    mutations: Counter[str] = field(default_factory=Counter)
    failed_checks: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    def record(self, operation: str | None, reply: Reply) -> None:
        self.requests += 1
        self.by_operation[operation or "(no operation)"] += 1
        if reply.status >= 500:
            self.server_errors += 1
        if reply.status == 200:
            self.successes += 1
            self.successes_by_operation[operation or "(no operation)"] += 1
        else:
            self.by_type[reply.error_type or f"(HTTP {reply.status}, no __type)"] += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "campaign": self.name,
            "requests": self.requests,
            "http_5xx": self.server_errors,
            "successes": self.successes,
            "errors_by_type": dict(self.by_type.most_common()),
            "requests_by_operation": dict(sorted(self.by_operation.items())),
            "successes_by_operation": dict(sorted(self.successes_by_operation.items())),
            "mutations": dict(self.mutations.most_common()),
            "failure_snapshots_compared": self.failed_checks,
            **self.extra,
            "seconds": round(time.monotonic() - self.started, 1),
        }

    def summary(self) -> str:
        data = self.as_dict()
        head = (
            f"{self.name}: {data['requests']} requests, {data['http_5xx']} HTTP 5xx, "
            f"{data['successes']} successes, {data['seconds']} s"
        )
        types = ", ".join(f"{k} {v}" for k, v in data["errors_by_type"].items())
        lines = [head, f"  errors by __type: {types}"]
        lines.extend(f"  {key}: {value}" for key, value in self.extra.items())
        return "\n".join(lines)

    def write(self, directory: Path) -> Path:
        path = directory / f"{self.name.replace(' ', '-').replace('/', '-')}.json"
        path.write_text(json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n")
        report_dir = os.environ.get("FUZZ_REPORT_DIR")
        if report_dir:
            Path(report_dir).mkdir(parents=True, exist_ok=True)
            (Path(report_dir) / path.name).write_text(path.read_text())
        return path
