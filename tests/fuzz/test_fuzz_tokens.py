"""Pagination tokens, in bulk: mutations of real tokens and replays across scopes.

Builds on tests/api/test_pagination_properties.py (which proves the paginators, the
tamper-evidence of a few tokens per listing and each kind of foreign token, through
boto3) with volume, over raw HTTP on one keep-alive connection: every listing that
pages (ListUsersInGroup, AdminListGroupsForUser, ListGroups, ListUsers with and without
a filter, ListUserPoolClients, ListUserPools) in two pools whose users, groups and
clients all have different names, so an item of another scope is recognisable.

- mutations of real tokens (10,000 on SQLite and 2,500 on PostgreSQL, or
  ``FUZZ_TOKEN_MUTATIONS`` on each): bit flips, byte and character edits, truncation and
  extension (as characters and as bytes), base64 of random bytes, random text, splices
  of two tokens, other spellings of the same bytes (padding, the URL-safe alphabet),
  botocore's own resume-token wrapping, repetition;
- every token of every listing replayed on every other listing (pool, group, user,
  filter and operation all differ somewhere).

All must be ``InvalidParameterException`` "Invalid pagination token." (docs/errors.md),
none may return an item, and the real tokens must still work afterwards
(reliability.md §6, goal 5).
"""

from __future__ import annotations

import base64
import json
import random
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fuzz_harness import Figures, Wire, env_int

from userpools.testing import RunningServer, start_server

INVALID_TOKEN = ("InvalidParameterException", "Invalid pagination token.")
#: Mutations per store: 10,000 on SQLite, a quarter on PostgreSQL (the same code path
#: on a slower store), unless ``FUZZ_TOKEN_MUTATIONS`` sets both.
MUTATIONS = env_int("FUZZ_TOKEN_MUTATIONS", 0)
CI_MUTATIONS = {"sqlite": 10_000, "postgres": 2_500}
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
JAVA_SPACE = re.compile("[ \t\n\x0b\f\r]")  # what the model's [\S]+ refuses
MAX_TOKEN = 131_072  # PaginationKey's maximum length


@dataclass
class Scope:
    """One listing with fixed parameters: its tokens must open no other."""

    name: str
    operation: str
    params: dict[str, Any]
    token_key: str
    limit_key: str
    result_key: str
    item_key: str
    items: set[str] = field(default_factory=set)
    tokens: list[str] = field(default_factory=list)

    def request(self, token: str | None, limit: int) -> dict[str, Any]:
        params = {**self.params, self.limit_key: limit}
        if token is not None:
            params[self.token_key] = token
        return params

    def names(self, payload: dict[str, Any]) -> list[str]:
        return [item[self.item_key] for item in payload.get(self.result_key, [])]


@pytest.fixture
def token_server(fresh_database: dict[str, Any]) -> Iterator[RunningServer]:
    yield from start_server(**fresh_database)


def _b64decode(token: str) -> bytes:
    return base64.b64decode(token + "=" * (-len(token) % 4))


def _b64encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode().rstrip("=")


def build_world(wire: Wire) -> list[Scope]:
    """Two pools with six users, five groups and four clients each, all named apart."""
    scopes: list[Scope] = []
    for p in (1, 2):
        pool = wire.ok("CreateUserPool", {"PoolName": f"tokens-{p}"})["UserPool"]["Id"]
        users = [f"p{p}-user{i}" for i in range(6)]
        groups = [f"p{p}-group{i}" for i in range(5)]
        for user in users:
            wire.ok(
                "AdminCreateUser",
                {"UserPoolId": pool, "Username": user, "MessageAction": "SUPPRESS"},
            )
        for group in groups:
            wire.ok("CreateGroup", {"UserPoolId": pool, "GroupName": group})
        members = {groups[0]: users[0:4], groups[1]: users[2:6]}
        joined = {users[0]: groups, users[1]: groups[1:4]}
        for group, names in members.items():
            for user in names:
                wire.ok(
                    "AdminAddUserToGroup",
                    {"UserPoolId": pool, "GroupName": group, "Username": user},
                )
        for user, names in joined.items():
            for group in names:
                if user not in members.get(group, []):
                    wire.ok(
                        "AdminAddUserToGroup",
                        {"UserPoolId": pool, "GroupName": group, "Username": user},
                    )
        for i in range(4):
            wire.ok("CreateUserPoolClient", {"UserPoolId": pool, "ClientName": f"p{p}-client{i}"})
        for group in groups[:2]:
            scopes.append(
                Scope(
                    f"ListUsersInGroup {p}/{group}",
                    "ListUsersInGroup",
                    {"UserPoolId": pool, "GroupName": group},
                    "NextToken",
                    "Limit",
                    "Users",
                    "Username",
                )
            )
        for user in users[:2]:
            scopes.append(
                Scope(
                    f"AdminListGroupsForUser {p}/{user}",
                    "AdminListGroupsForUser",
                    {"UserPoolId": pool, "Username": user},
                    "NextToken",
                    "Limit",
                    "Groups",
                    "GroupName",
                )
            )
        scopes += [
            Scope(
                f"ListGroups {p}",
                "ListGroups",
                {"UserPoolId": pool},
                "NextToken",
                "Limit",
                "Groups",
                "GroupName",
            ),
            Scope(
                f"ListUsers {p}",
                "ListUsers",
                {"UserPoolId": pool},
                "PaginationToken",
                "Limit",
                "Users",
                "Username",
            ),
            Scope(
                f"ListUsers {p} filtered",
                "ListUsers",
                {"UserPoolId": pool, "Filter": 'username ^= "p"'},
                "PaginationToken",
                "Limit",
                "Users",
                "Username",
            ),
            Scope(
                f"ListUserPoolClients {p}",
                "ListUserPoolClients",
                {"UserPoolId": pool},
                "NextToken",
                "MaxResults",
                "UserPoolClients",
                "ClientId",
            ),
        ]
    wire.ok("CreateUserPool", {"PoolName": "tokens-3"})  # ListUserPools: 3 pools, 2 tokens
    scopes.append(
        Scope("ListUserPools", "ListUserPools", {}, "NextToken", "MaxResults", "UserPools", "Id")
    )
    for scope in scopes:
        collect(wire, scope)
    return scopes


def collect(wire: Wire, scope: Scope) -> None:
    """Every item of the scope, and every token of its chains at page sizes 1 and 2."""
    for limit in (1, 2):
        token: str | None = None
        while True:
            payload = wire.ok(scope.operation, scope.request(token, limit))
            scope.items.update(scope.names(payload))
            token = payload.get(scope.token_key)
            if token is None:
                break
            scope.tokens.append(token)
            assert len(scope.tokens) < 100
    assert len(scope.items) >= 2 and scope.tokens, scope.name


# --- mutations ------------------------------------------------------------------------------

Mutation = Callable[[random.Random, str, list[str]], str]


def _bit_flip(rng: random.Random, token: str, others: list[str]) -> str:
    raw = bytearray(_b64decode(token))
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
    return _b64encode(bytes(raw))


def _byte_set(rng: random.Random, token: str, others: list[str]) -> str:
    raw = bytearray(_b64decode(token))
    raw[rng.randrange(len(raw))] = rng.randrange(256)
    return _b64encode(bytes(raw))


def _char_substitute(rng: random.Random, token: str, others: list[str]) -> str:
    i = rng.randrange(len(token))
    return token[:i] + rng.choice(B64.replace(token[i], "")) + token[i + 1 :]


def _char_insert(rng: random.Random, token: str, others: list[str]) -> str:
    i = rng.randrange(len(token) + 1)
    return token[:i] + rng.choice(B64) + token[i:]


def _char_delete(rng: random.Random, token: str, others: list[str]) -> str:
    i = rng.randrange(len(token))
    return token[:i] + token[i + 1 :]


def _truncate(rng: random.Random, token: str, others: list[str]) -> str:
    return token[: rng.randrange(1, len(token))]


def _truncate_bytes(rng: random.Random, token: str, others: list[str]) -> str:
    raw = _b64decode(token)
    return _b64encode(raw[: rng.randrange(1, len(raw))])


def _extend(rng: random.Random, token: str, others: list[str]) -> str:
    return token + "".join(rng.choice(B64) for _ in range(rng.randint(1, 8)))


def _extend_bytes(rng: random.Random, token: str, others: list[str]) -> str:
    return _b64encode(_b64decode(token) + rng.randbytes(rng.randint(1, 32)))


def _garbage_base64(rng: random.Random, token: str, others: list[str]) -> str:
    return _b64encode(rng.randbytes(rng.choice((1, 2, 3, 12, 28, 44, len(_b64decode(token)), 200))))


def _garbage_text(rng: random.Random, token: str, others: list[str]) -> str:
    alphabet = [chr(c) for c in range(0x21, 0x7F)] + list("éß€Ωжש東😀\u00a0\u200b\u202e\ufeff")
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 80)))


def _splice(rng: random.Random, token: str, others: list[str]) -> str:
    other = rng.choice(others)
    return token[: rng.randrange(1, len(token))] + other[rng.randrange(len(other)) :]


def _splice_bytes(rng: random.Random, token: str, others: list[str]) -> str:
    mine, theirs = _b64decode(token), _b64decode(rng.choice(others))
    cut = rng.randrange(1, min(len(mine), len(theirs)))
    return _b64encode(mine[:cut] + theirs[cut:])


def _respell(rng: random.Random, token: str, others: list[str]) -> str:
    choices = [token + "=", token + "==", token + "===", "=" + token]
    urlsafe = token.replace("+", "-").replace("/", "_")
    if urlsafe != token:
        choices.append(urlsafe)
    last = B64.index(token[-1])
    unused = {2: 0b1111, 3: 0b11}.get(len(token) % 4, 0)
    if unused:  # the bits a lenient decoder ignores
        choices.append(token[:-1] + B64[last ^ rng.randrange(1, unused + 1)])
    return rng.choice(choices)


def _botocore_wrapped(rng: random.Random, token: str, others: list[str]) -> str:
    wrapped = {"NextToken": token, "boto_truncate_amount": rng.randint(0, 3)}
    return base64.b64encode(json.dumps(wrapped).encode()).decode()


def _repeat(rng: random.Random, token: str, others: list[str]) -> str:
    return token * rng.choice((2, 3, 50, 2000))


def _reverse(rng: random.Random, token: str, others: list[str]) -> str:
    return token[::-1]


MUTATORS: dict[str, Mutation] = {
    "bit_flip": _bit_flip,
    "byte_set": _byte_set,
    "char_substitute": _char_substitute,
    "char_insert": _char_insert,
    "char_delete": _char_delete,
    "truncate": _truncate,
    "truncate_bytes": _truncate_bytes,
    "extend": _extend,
    "extend_bytes": _extend_bytes,
    "garbage_base64": _garbage_base64,
    "garbage_text": _garbage_text,
    "splice": _splice,
    "splice_bytes": _splice_bytes,
    "respell": _respell,
    "botocore_wrapped": _botocore_wrapped,
    "repeat": _repeat,
    "reverse": _reverse,
}
#: Bit and character edits are the heart of tamper-evidence: they get a double share.
WEIGHTED = [*MUTATORS, "bit_flip", "byte_set", "char_substitute", "truncate", "extend"]


# --- the campaign ---------------------------------------------------------------------------


@dataclass
class Outcome:
    sent: int = 0
    rejected: int = 0
    accepted: list[str] = field(default_factory=list)
    leaked_items: int = 0
    wrong: list[str] = field(default_factory=list)


def present(
    wire: Wire, figures: Figures, scope: Scope, token: str, limit: int, label: str, out: Outcome
) -> None:
    reply = wire.call(scope.operation, scope.request(token, limit))
    figures.record(scope.operation, reply)
    out.sent += 1
    payload = reply.json()
    if reply.status == 200:
        names = scope.names(payload)
        foreign = [name for name in names if name not in scope.items]
        out.leaked_items += len(foreign)
        out.accepted.append(
            f"{label} on {scope.name}: {token[:60]!r} -> {names} (foreign {foreign})"
        )
    elif (payload.get("__type"), payload.get("message")) == INVALID_TOKEN and reply.status == 400:
        out.rejected += 1
    else:
        out.wrong.append(f"{label} on {scope.name}: {token[:60]!r} -> {reply.status} {payload}")


def test_fuzz_pagination_tokens_mutated_and_replayed_are_all_refused(
    token_server: RunningServer, store_kind: str, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    wanted = MUTATIONS or CI_MUTATIONS[store_kind]
    wire = Wire(token_server)
    figures = Figures(f"fuzz-tokens-{store_kind}")
    scopes = build_world(wire)
    every_token = sorted({token for scope in scopes for token in scope.tokens})
    rng = random.Random(env_int("FUZZ_SEED", 2024))
    kinds: Counter[str] = Counter()
    mutated, replayed = Outcome(), Outcome()
    try:
        while mutated.sent < wanted:
            scope = rng.choice(scopes)
            token = rng.choice(scope.tokens)
            kind = rng.choice(WEIGHTED)
            others = [t for t in every_token if t != token]
            altered = MUTATORS[kind](rng, token, others)
            # Only tokens the model lets through reach the token check; one of the scope's
            # own tokens is no mutation (another listing's token is fine: it is foreign).
            if (
                not altered
                or len(altered) > MAX_TOKEN
                or JAVA_SPACE.search(altered)
                or altered in scope.tokens
            ):
                continue
            kinds[kind] += 1
            present(wire, figures, scope, altered, rng.choice((1, 2, 60)), kind, mutated)
        for target in scopes:
            for source in scopes:
                if source is target:
                    continue
                for token in source.tokens:
                    label = f"token of {source.name}"
                    present(wire, figures, target, token, 1, label, replayed)
        # The real tokens still open their pages, and only their own items.
        for scope in scopes:
            for token in scope.tokens:
                reply = wire.call(scope.operation, scope.request(token, 60))
                assert reply.status == 200, (scope.name, reply.body)
                assert set(scope.names(reply.json())) <= scope.items
    finally:
        figures.extra.update(
            scopes=len(scopes),
            real_tokens=len(every_token),
            mutations_sent=mutated.sent,
            mutations_refused_invalid_token=mutated.rejected,
            mutations_accepted=len(mutated.accepted),
            replays_sent=replayed.sent,
            replays_refused_invalid_token=replayed.rejected,
            replays_accepted=len(replayed.accepted),
            items_from_another_scope=mutated.leaked_items + replayed.leaked_items,
            other_answers=len(mutated.wrong) + len(replayed.wrong),
            mutation_kinds=dict(kinds.most_common()),
        )
        path = figures.write(tmp_path)
        with capsys.disabled():
            print(f"\n{figures.summary()}\n  report: {path}")
        wire.close()
    problems = mutated.accepted + mutated.wrong + replayed.accepted + replayed.wrong
    assert not problems, f"{len(problems)} tokens not refused, e.g.:\n" + "\n".join(problems[:10])
    assert mutated.rejected == mutated.sent >= wanted
    assert replayed.rejected == replayed.sent > 0
    assert mutated.leaked_items == replayed.leaked_items == 0
