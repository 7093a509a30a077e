"""Fuzzing from the model: valid and broken requests for every implemented operation.

Each Hypothesis example is one raw HTTP request (``fuzz_shapes.fuzz_requests``) against a
server of its own, seeded with a small world (``fuzz_world``). The oracle
(``fuzz_harness``): never a 5xx; a success is 200 with a JSON object botocore can parse;
an error is 4xx ``{"__type", "message"}`` with a modelled ``__type``; a body the
protocol must refuse is a SerializationException and a well-typed one never is; and
after every error the store is exactly as before (reliability.md §6, goals 1-4, 25).

CI sends ``FUZZ_CI_EXAMPLES`` requests on SQLite and a quarter of that on PostgreSQL,
always the same ones (derandomized). ``make fuzz`` sets ``FUZZ_EXAMPLES`` (requests per
store) and draws fresh ones each run; ``FUZZ_SEED`` replays a run. Figures are printed
and written as JSON to the test's tmp dir (and to ``$FUZZ_REPORT_DIR`` when set);
``FUZZ_LOG=file`` appends every request and reply to ``file`` as JSON lines.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.awsrequest import HeadersDict
from botocore.parsers import create_parser
from fuzz_harness import (
    Figures,
    Probe,
    Reply,
    Snapshot,
    Wire,
    env_int,
    reply_problems,
    snapshot_diff,
)
from fuzz_shapes import FuzzRequest, fuzz_requests
from fuzz_world import WorldBuilder
from hypothesis import HealthCheck, Phase, given, seed, settings

from userpools.operations import implemented
from userpools.protocol.model import service_model
from userpools.testing import RunningServer, start_server

OPERATIONS = sorted(implemented())
UNIMPLEMENTED = sorted(set(service_model().operation_names) - implemented())

FUZZ_CI_EXAMPLES = 2200
BATCH = 5000
LONG_RUN = bool(os.environ.get("FUZZ_EXAMPLES", "").strip())

#: Successes after which the world is rebuilt at once (they delete what it is made of).
REBUILD_AFTER = frozenset({"DeleteUserPool", "DeleteUserPoolClient"})
#: Successes whose change to every later request is undone at once.
RESTORE_AFTER = frozenset({"UpdateUserPool", "UpdateUserPoolClient"})
#: Otherwise the world is rebuilt after this many examples that changed something.
REBUILD_EVERY = 300

READ_ONLY = frozenset(
    {
        "AdminGetUser",
        "AdminListGroupsForUser",
        "DescribeUserPool",
        "DescribeUserPoolClient",
        "GetGroup",
        "GetUser",
        "ListGroups",
        "ListUserPoolClients",
        "ListUserPools",
        "ListUsers",
        "ListUsersInGroup",
    }
)


def _batches(total: int, size: int) -> list[int]:
    return [min(size, total - start) for start in range(0, total, size)]


def budget(store_kind: str) -> int:
    if LONG_RUN:
        return env_int("FUZZ_EXAMPLES", FUZZ_CI_EXAMPLES)
    examples = env_int("FUZZ_CI_EXAMPLES", FUZZ_CI_EXAMPLES)
    return examples if store_kind == "sqlite" else examples // 4


@pytest.fixture
def fuzz_server(fresh_database: dict[str, Any]) -> Iterator[RunningServer]:
    """A server of its own, on the current store, with default settings (no credentials)."""
    yield from start_server(**fresh_database)


_PARSER = create_parser("json")


def _parse_problems(operation: str, reply: Reply) -> list[str]:
    """A success botocore cannot read is no success."""
    shape = service_model().operation_model(operation).output_shape
    response = {"status_code": 200, "headers": HeadersDict(reply.headers), "body": reply.body}
    try:
        _PARSER.parse(response, shape)
    except Exception as error:  # botocore raises several unrelated types
        return [f"botocore cannot parse the success: {error!r}"]
    return []


def _validation_error(reply: Reply) -> bool:
    payload = reply.json()
    message = payload.get("message", "") if isinstance(payload, dict) else ""
    return " validation error" in message and message[:1].isdigit()


def test_fuzz_requests_from_the_model_keep_the_oracle(
    fuzz_server: RunningServer,
    store_kind: str,
    tmp_path: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    examples = budget(store_kind)
    wire = Wire(fuzz_server)
    probe = Probe(fuzz_server)
    builder = WorldBuilder(fuzz_server, wire)
    figures = Figures(f"fuzz-model-{store_kind}")
    builder.rebuild()
    state: dict[str, Any] = {"snapshot": None, "changed": 0, "rebuild": False, "restore": False}
    domain_answers = 0
    seconds: Counter[str] = Counter()

    @contextlib.contextmanager
    def timer(name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            seconds[name] += time.perf_counter() - started

    def snapshot() -> Snapshot:
        if state["snapshot"] is None:
            with timer("snapshots"):
                state["snapshot"] = probe.snapshot()
        current: Snapshot = state["snapshot"]
        return current

    fuzz_seed = os.environ.get("FUZZ_SEED", "").strip()
    derandomize = not LONG_RUN and not fuzz_seed
    seed_value = int(fuzz_seed) if fuzz_seed else random.SystemRandom().randrange(2**32)
    log_path = os.environ.get("FUZZ_LOG", "").strip()
    log = open(log_path, "a", encoding="utf-8") if log_path else None  # noqa: SIM115

    def check(request: FuzzRequest) -> None:
        nonlocal domain_answers
        if state["rebuild"] or state["changed"] >= REBUILD_EVERY:
            with timer("world"):
                builder.rebuild()
            state.update(snapshot=None, changed=0, rebuild=False, restore=False)
        elif state["restore"]:
            with timer("world"):
                builder.restore_settings()
            state.update(snapshot=None, restore=False)
        before = snapshot()
        sent_before = wire.sent
        with timer("requests"):
            reply = wire.post(request.target, request.body)
        assert wire.sent == sent_before + 1
        figures.record(request.operation, reply)
        for note in request.notes:
            figures.mutations[note.split("@")[0]] += 1
        if log is not None:
            entry = {"op": request.operation, "notes": request.notes, "status": reply.status}
            entry["reply"] = reply.body[:300].decode("utf-8", "replace")
            entry["body"] = request.body[:300].decode("utf-8", "replace")
            log.write(json.dumps(entry) + "\n")
        problems = reply_problems(request.operation, reply, request.body)
        code = reply.error_type
        if request.expect is not None and code != request.expect:
            problems.append(f"expected {request.expect}, got {code or reply.status}")
        if request.not_expect is not None and code == request.not_expect:
            problems.append(f"a well-formed, well-typed body got {code}")
        if reply.status == 200 and request.operation is not None:
            problems += _parse_problems(request.operation, reply)
            domain_answers += 1
            if request.operation not in READ_ONLY:
                state["snapshot"] = None
                state["changed"] += 1
                state["rebuild"] = request.operation in REBUILD_AFTER
                state["restore"] = request.operation in RESTORE_AFTER
        elif reply.status != 200:
            if code not in ("SerializationException", "UnknownOperationException") and not (
                code == "InvalidParameterException" and _validation_error(reply)
            ):
                domain_answers += 1
            with timer("snapshots"):
                after = probe.snapshot()
            figures.failed_checks += 1
            if after != before:
                problems.append("partial write after an error:\n" + snapshot_diff(before, after))
                state["snapshot"] = after
        assert not problems, (
            "; ".join(problems) + "\n" + request.describe() + f"\nreply {reply.status}: "
            f"{reply.body[:800]!r}"
        )

    requests = fuzz_requests(lambda: builder.world, OPERATIONS, UNIMPLEMENTED)
    # Long campaigns run in batches, each a fresh Hypothesis engine with its own seed:
    # one engine remembers every example it ran, which would not fit 200,000 of them.
    batches = [examples] if derandomize else _batches(examples, BATCH)
    try:
        for number, size in enumerate(batches):
            config = settings(
                max_examples=size,
                deadline=None,
                derandomize=derandomize,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
                report_multiple_bugs=False,
            )
            run = config(given(request=requests)(check))
            if not derandomize:
                figures.extra["batch"] = f"{number + 1} of {len(batches)}"
                run = seed(seed_value + number)(run)
            run()
    finally:
        figures.extra.update(
            world_builds=builder.builds,
            answers_from_the_domain=domain_answers,
            operations=len(OPERATIONS),
            seed="derandomized" if derandomize else f"FUZZ_SEED={seed_value}",
            seconds_in={name: round(value, 1) for name, value in seconds.items()},
        )
        path = figures.write(tmp_path)
        with capsys.disabled():
            print(f"\n{figures.summary()}\n  report: {path}")
        probe.close()
        wire.close()
        if log is not None:
            log.close()
    assert figures.server_errors == 0
    assert figures.requests >= examples, f"only {figures.requests} of {examples} requests sent"
    if examples >= 1000:
        assert set(figures.by_operation) >= set(OPERATIONS), "an operation was never fuzzed"


def test_fuzz_oracle_sees_a_write_and_ignores_only_the_failure_counters(
    fuzz_server: RunningServer,
) -> None:
    """The partial-write oracle is not vacuous: a change shows; a wrong password's lock-out
    count (written on purpose by a failing call) is the one thing it leaves out."""
    wire, probe = Wire(fuzz_server), Probe(fuzz_server)
    try:
        world = WorldBuilder(fuzz_server, wire).rebuild()
        pool_id, client_id = world.pool_ids[0], world.client_ids[0]
        before = probe.snapshot()
        wire.ok("CreateGroup", {"UserPoolId": pool_id, "GroupName": "seen"})
        after = probe.snapshot()
        assert "groups: -0 +1" in snapshot_diff(before, after)
        wrong = {
            "UserPoolId": pool_id,
            "ClientId": client_id,
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Wrong-Passw0rd!"},
        }
        assert wire.call("AdminInitiateAuth", wrong).error_type == "NotAuthorizedException"
        assert probe.snapshot() == after
    finally:
        probe.close()
        wire.close()
