"""Fault campaigns against `userpools serve` subprocesses, driven through boto3.

Each campaign runs a fault many times, checks its invariants and returns its figures:

- :func:`kill_cycles`: ``kill -9`` of a node (1 or 2 workers) mid-write, restarted on the
  same database; every acknowledged write survives, and no half-write is visible;
- :func:`node_kills`: two nodes on one PostgreSQL, one killed mid-write and restarted, the
  callers failing over to the other; the same invariants;
- :func:`backend_terminations`: every PostgreSQL backend of the database terminated under
  load; no call is answered with a 500 (a 503 is counted), nothing acknowledged is lost;
- :func:`churn_paging`: ``ListUsersInGroup`` walked by ``NextToken`` while other members
  join and leave; no member present throughout is skipped or repeated;
- :func:`soak`: a mix of calls for a while; no error, and the server's RSS over time.

``tests/server/test_chaos.py`` runs them short in CI (asserting the invariants, never a
time); ``tools/chaos.py`` (``make chaos``) runs them long and prints the figures.
"""

from __future__ import annotations

import random
import signal
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from botocore.exceptions import BotoCoreError, ClientError

from .nodes import Node, Nodes, all_pages, orphan_memberships

TERMINATE = (
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


@dataclass
class Figures:
    """What a campaign measured, and every invariant it found broken (none, we hope)."""

    campaign: str
    values: dict[str, Any] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)


@dataclass
class Place:
    """Where the nodes keep their data: a SQLite file, or a PostgreSQL database."""

    db: Path | None = None
    database_url: str | None = None

    def start(self, nodes: Nodes, workers: int = 1) -> Node:
        return nodes.start(db=self.db, database_url=self.database_url, workers=workers)

    def orphans(self) -> int:
        return orphan_memberships(self.db, self.database_url)


# what was acknowledged -------------------------------------------------------------------


@dataclass
class Ledger:
    """What the servers acknowledged, and what was in flight when a node died."""

    users: set[str] = field(default_factory=set)
    members: dict[str, set[str]] = field(default_factory=dict)
    doubtful_users: set[str] = field(default_factory=set)
    doubtful_members: dict[str, set[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def acknowledged(self) -> int:
        with self.lock:
            return len(self.users) + sum(map(len, self.members.values()))

    def doubtful(self) -> int:
        return len(self.doubtful_users) + sum(map(len, self.doubtful_members.values()))

    def audit(self, api: Any, pool_id: str, groups: Sequence[str]) -> Counter[str]:
        """Lost, phantom and half-written writes, read back through the API."""
        found = Counter[str]()
        users = all_pages(api, "list_users", "Users", UserPoolId=pool_id)
        present = {u["Username"] for u in users}
        found["lost"] += len(self.users - present)
        found["phantom"] += len(present - self.users - self.doubtful_users)
        # Every user is written with its name attribute in the same call: a user without
        # it would be half a write.
        for user in users:
            attributes = {a["Name"]: a["Value"] for a in user.get("Attributes", [])}
            found["half_written"] += attributes.get("name") != user["Username"]
        for group in groups:
            listed = all_pages(
                api, "list_users_in_group", "Users", UserPoolId=pool_id, GroupName=group
            )
            in_group = {u["Username"] for u in listed}
            acknowledged = self.members.get(group, set())
            found["lost"] += len(acknowledged - in_group)
            found["phantom"] += len(
                in_group - acknowledged - self.doubtful_members.get(group, set())
            )
        return found


def violations(audit: Counter[str], ledger: Ledger, place: Place) -> list[str]:
    """The audit's and the ledger's broken invariants, in words."""
    found = [f"{n} {what.replace('_', ' ')}" for what, n in sorted(audit.items()) if n]
    found += [f"error answer: {e}" for e in ledger.errors[:5]]
    if orphans := place.orphans():
        found.append(f"{orphans} orphan memberships")
    return found


def create_user(api: Any, pool_id: str, name: str) -> None:
    api.admin_create_user(
        UserPoolId=pool_id,
        Username=name,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "name", "Value": name}],
    )


def burst(
    nodes: Sequence[Node],
    pool_id: str,
    groups: Sequence[str],
    ledger: Ledger,
    tag: str,
    kill: Callable[[], None],
    *,
    kill_after: int,
    threads: int,
    linger: float = 0.0,
) -> int:
    """Write (create a user, add it to a group) from several threads, spread over ``nodes``,
    until ``kill_after`` more writes are acknowledged; then ``kill()`` mid-burst.

    A call that fails without an answer (the node died under it) is in doubt. With one
    node a thread stops there; with several it fails over to the next node, and the
    writers go on for ``linger`` seconds. Returns the writes acknowledged after the kill.
    An error answer is recorded in ``ledger.errors``: it is never acceptable here.
    """
    stop = threading.Event()
    killed = threading.Event()
    after_kill = Counter[str]()

    def write(t: int) -> None:
        apis = [node.client() for node in nodes]
        for i in range(1_000_000):
            if stop.is_set():
                return
            api, group = apis[(t + i) % len(apis)], groups[i % len(groups)]
            name = f"{tag}-t{t}-{i:05}"
            try:
                create_user(api, pool_id, name)
            except BotoCoreError:  # the connection died with the node
                with ledger.lock:
                    ledger.doubtful_users.add(name)
                if len(apis) == 1:
                    return
                continue
            with ledger.lock:
                ledger.users.add(name)
                after_kill["w"] += killed.is_set()
            try:
                api.admin_add_user_to_group(UserPoolId=pool_id, GroupName=group, Username=name)
            except BotoCoreError:
                with ledger.lock:
                    ledger.doubtful_members.setdefault(group, set()).add(name)
                if len(apis) == 1:
                    return
                continue
            with ledger.lock:
                ledger.members.setdefault(group, set()).add(name)
                after_kill["w"] += killed.is_set()

    def guarded(t: int) -> None:
        try:
            write(t)
        except ClientError as exc:  # an answer, not a dead node
            with ledger.lock:
                ledger.errors.append(repr(exc))

    with ThreadPoolExecutor(threads) as executor:
        futures = [executor.submit(guarded, t) for t in range(threads)]
        target = ledger.acknowledged() + kill_after
        deadline = time.monotonic() + 60
        while ledger.acknowledged() < target and time.monotonic() < deadline:
            time.sleep(0.005)
        kill()  # mid-burst: every thread has a request in flight or next
        killed.set()
        time.sleep(linger)
        stop.set()
        for future in futures:
            future.result(timeout=60)
    return after_kill["w"]


def seed(api: Any, name: str, groups: int) -> tuple[str, list[str]]:
    pool_id: str = api.create_user_pool(PoolName=name)["UserPool"]["Id"]
    names = [f"group{i}" for i in range(groups)]
    for group in names:
        api.create_group(UserPoolId=pool_id, GroupName=group)
    return pool_id, names


def kill_node(node: Node) -> Callable[[], None]:
    return lambda: node.kill(signal.SIGKILL)


# campaigns -------------------------------------------------------------------------------


def kill_cycles(
    nodes: Nodes, place: Place, *, cycles: int, workers: int = 1, threads: int = 6
) -> Figures:
    """``kill -9`` of a node (and its workers) mid-write, ``cycles`` times, each time
    restarted on the same database."""
    figures = Figures(f"kill -9 cycles, {workers} worker(s)")
    node = place.start(nodes, workers)
    pool_id, groups = seed(node.client(), "kill-cycles", 3)
    ledger, restarts = Ledger(), []
    for cycle in range(cycles):
        kill_after = random.randint(10, 60)
        kill = kill_node(node)
        burst(
            [node],
            pool_id,
            groups,
            ledger,
            f"c{cycle}",
            kill,
            kill_after=kill_after,
            threads=threads,
        )
        began = time.monotonic()
        node = place.start(nodes, workers)
        restarts.append(time.monotonic() - began)
    audit = ledger.audit(node.client(), pool_id, groups)
    figures.violations += violations(audit, ledger, place)
    figures.values.update(
        cycles=cycles,
        acknowledged=ledger.acknowledged(),
        in_doubt=ledger.doubtful(),
        lost=audit["lost"],
        half_written=audit["half_written"],
        restart_median_s=round(statistics.median(restarts), 2) if restarts else None,
    )
    node.stop()
    return figures


def node_kills(nodes: Nodes, place: Place, *, kills: int, threads: int = 6) -> Figures:
    """Two nodes on one PostgreSQL; one at a time is killed mid-write and restarted, while
    the callers fail over to the other."""
    figures = Figures("node kills, 2 nodes on PostgreSQL")
    pair = [place.start(nodes), place.start(nodes)]
    pool_id, groups = seed(pair[0].client(), "node-kills", 3)
    ledger, served_after = Ledger(), 0
    for k in range(kills):
        victim = k % 2
        kill, kill_after = kill_node(pair[victim]), random.randint(20, 80)
        served_after += burst(
            pair,
            pool_id,
            groups,
            ledger,
            f"k{k}",
            kill,
            kill_after=kill_after,
            threads=threads,
            linger=0.5,
        )
        pair[victim] = place.start(nodes)
    audit = ledger.audit(pair[0].client(), pool_id, groups)
    figures.violations += violations(audit, ledger, place)
    if kills and not served_after:
        figures.violations.append("the surviving node served nothing after a kill")
    figures.values.update(
        kills=kills,
        acknowledged=ledger.acknowledged(),
        in_doubt=ledger.doubtful(),
        lost=audit["lost"],
        half_written=audit["half_written"],
        served_by_survivor=served_after,
    )
    for node in pair:
        node.stop()
    return figures


def backend_terminations(
    nodes: Nodes, place: Place, *, rounds: int, interval: float = 0.3, threads: int = 8
) -> Figures:
    """Every backend of the node's database is terminated ``rounds`` times under load."""
    assert place.database_url
    figures = Figures("terminated PostgreSQL backends under load")
    node = place.start(nodes)
    pool_id, groups = seed(node.client(), "terminations", 2)
    ledger, statuses = Ledger(), Counter[str]()
    running = threading.Event()
    running.set()

    def call(api: Any, what: str, name: str, group: str) -> None:
        if what == "create":
            create_user(api, pool_id, name)
        elif what == "add":
            api.admin_add_user_to_group(UserPoolId=pool_id, GroupName=group, Username=name)
        else:
            api.list_users_in_group(UserPoolId=pool_id, GroupName=group)

    def load(t: int) -> None:
        api = node.client()
        for i in range(1_000_000):
            if not running.is_set():
                return
            name, group = f"t{t}-{i:05}", groups[i % len(groups)]
            for what in ("create", "add", "list"):
                try:
                    call(api, what, name, group)
                except ClientError as exc:
                    status = exc.response["ResponseMetadata"]["HTTPStatusCode"]
                    code = exc.response["Error"]["Code"]
                    with ledger.lock:
                        statuses[f"{status} {code}"] += 1
                        if what == "create":
                            ledger.doubtful_users.add(name)
                        elif what == "add":
                            ledger.doubtful_members.setdefault(group, set()).add(name)
                    break
                with ledger.lock:
                    statuses["200"] += 1
                    if what == "create":
                        ledger.users.add(name)
                    elif what == "add":
                        ledger.members.setdefault(group, set()).add(name)

    terminated = 0
    with (
        psycopg.connect(place.database_url, autocommit=True) as admin,
        ThreadPoolExecutor(threads) as executor,
    ):
        futures = [executor.submit(load, t) for t in range(threads)]
        for _ in range(rounds):
            time.sleep(interval)
            row = admin.execute(TERMINATE).fetchone()
            terminated += int(row[0]) if row else 0
        running.clear()
        for future in futures:
            future.result(timeout=60)
    audit = ledger.audit(node.client(), pool_id, groups)
    figures.violations += violations(audit, ledger, place)
    # A 503 (the database dropped the connection on every attempt) is a documented,
    # retryable answer; a 500 is a bug.
    if errors_500 := {k: v for k, v in statuses.items() if k.startswith("500")}:
        figures.violations.append(f"500 answers: {errors_500}; {server_errors(node)[:20]}")
    figures.values.update(
        rounds=rounds,
        backends_terminated=terminated,
        requests=sum(statuses.values()),
        answers=dict(statuses),
        acknowledged=ledger.acknowledged(),
        lost=audit["lost"],
    )
    node.stop()
    return figures


def churn_paging(
    nodes: Nodes, place: Place, *, walks: int, stable: int = 120, churners: int = 40
) -> Figures:
    """Walk ``ListUsersInGroup`` by ``NextToken`` (7 a page) while other members join and
    leave; count the stable members skipped and the members seen twice in one walk."""
    figures = Figures("churn during paging")
    node = place.start(nodes)
    api = node.client(max_pool_connections=8)
    pool_id, (group,) = seed(api, "churn", 1)
    stable_names = {f"stable-{i:04}" for i in range(stable)}
    churn_names = [f"churn-{i:04}" for i in range(churners)]
    for name in sorted(stable_names) + churn_names:
        create_user(api, pool_id, name)
    for name in sorted(stable_names):
        api.admin_add_user_to_group(UserPoolId=pool_id, GroupName=group, Username=name)
    running = threading.Event()
    running.set()
    churned, lock = Counter[str](), threading.Lock()

    def churn(t: int) -> None:
        rng = random.Random(t)
        while running.is_set():
            name = rng.choice(churn_names)
            if rng.random() < 0.5:
                api.admin_add_user_to_group(UserPoolId=pool_id, GroupName=group, Username=name)
            else:
                api.admin_remove_user_from_group(UserPoolId=pool_id, GroupName=group, Username=name)
            with lock:
                churned["calls"] += 1

    duplicates = skips = pages = 0
    with ThreadPoolExecutor(3) as executor:
        futures = [executor.submit(churn, t) for t in range(3)]
        for _ in range(walks):
            seen: list[str] = []
            token: dict[str, str] = {}
            while True:
                page = api.list_users_in_group(
                    UserPoolId=pool_id, GroupName=group, Limit=7, **token
                )
                pages += 1
                seen += [u["Username"] for u in page["Users"]]
                if "NextToken" not in page:
                    break
                token = {"NextToken": page["NextToken"]}
            duplicates += len(seen) - len(set(seen))
            skips += len(stable_names - set(seen))
        running.clear()
        for future in futures:
            future.result(timeout=60)
    if duplicates or skips:
        figures.violations.append(f"{duplicates} duplicates and {skips} skips")
    figures.values.update(
        walks=walks,
        pages=pages,
        churn_calls=churned["calls"],
        duplicates=duplicates,
        skips=skips,
    )
    node.stop()
    return figures


def server_errors(node: Node) -> list[str]:
    """The node's log lines about a 500 and their tracebacks, to explain it."""
    lines = node.output().splitlines()
    marks = ("unhandled error", "gave up", "Traceback")
    found = [i for i, line in enumerate(lines) if any(mark in line for mark in marks)]
    return [line for i in found[:3] for line in lines[i : i + 40]]


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


def soak(nodes: Nodes, place: Place, *, seconds: float, threads: int = 4) -> Figures:
    """A mix of reads and writes from ``threads`` callers for ``seconds``; every call must
    succeed. RSS is sampled over the run (the drift is a figure, not an invariant)."""
    figures = Figures("soak")
    node = place.start(nodes)
    api = node.client(max_pool_connections=threads)
    pool_id, groups = seed(api, "soak", 4)
    for t in range(threads):
        create_user(api, pool_id, f"soak-{t}")
    errors: list[str] = []
    calls, lock = Counter[str](), threading.Lock()
    deadline = time.monotonic() + seconds

    def mix(t: int) -> None:
        name, rng = f"soak-{t}", random.Random(t)
        while time.monotonic() < deadline:
            group = rng.choice(groups)
            member = {"UserPoolId": pool_id, "GroupName": group, "Username": name}
            user = {"UserPoolId": pool_id, "Username": name}
            attribute = [{"Name": "name", "Value": f"{name}-{rng.random()}"}]
            steps: list[tuple[str, dict[str, Any]]] = [
                ("admin_add_user_to_group", member),
                ("list_users_in_group", {"UserPoolId": pool_id, "GroupName": group}),
                ("admin_list_groups_for_user", user),
                ("admin_update_user_attributes", {**user, "UserAttributes": attribute}),
                ("admin_get_user", user),
                ("list_users", {"UserPoolId": pool_id, "Limit": 10}),
                ("admin_remove_user_from_group", member),
            ]
            for operation, params in steps:
                try:
                    getattr(api, operation)(**params)
                except (ClientError, BotoCoreError) as exc:
                    errors.append(repr(exc))
                with lock:
                    calls["n"] += 1

    samples: list[float] = []
    with ThreadPoolExecutor(threads) as executor:
        futures = [executor.submit(mix, t) for t in range(threads)]
        while time.monotonic() < deadline:
            samples.append(rss_mb(node.process.pid))
            time.sleep(min(5.0, max(0.1, seconds / 20)))
        for future in futures:
            future.result(timeout=60)
    samples.append(rss_mb(node.process.pid))
    if errors:
        figures.violations.append(f"{len(errors)} errors, first {errors[:3]}")
    warm = samples[len(samples) // 10]  # after the first tenth: caches are warm
    figures.values.update(
        seconds=seconds,
        requests=calls["n"],
        errors=len(errors),
        requests_per_s=round(calls["n"] / seconds, 1),
        rss_mb_warm=round(warm, 1),
        rss_mb_end=round(samples[-1], 1),
        rss_mb_max=round(max(samples), 1),
        rss_drift_mb=round(samples[-1] - warm, 1),
    )
    node.stop()
    return figures
