"""A small seeded world, so that generated requests reach the domain, not just "not found".

Two pools (one case-insensitive with auto-verified email, one with email and
preferred_username aliases), users in every status, groups with memberships, app
clients with and without a secret, signed-in tokens, a NEW_PASSWORD_REQUIRED session,
one-time codes from the outbox and real pagination tokens. Strategies draw the real
names and ids from here most of the time (``World.values``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fuzz_harness import Wire

from userpools.testing import RunningServer

PASSWORD = "Fuzz-Passw0rd!"
TEMPORARY_PASSWORD = "Temp-Passw0rd!1"
ALL_FLOWS = [
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
]
AUTH_FLOWS = (
    "ADMIN_USER_PASSWORD_AUTH",
    "USER_PASSWORD_AUTH",
    "REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN",
    "USER_SRP_AUTH",
    "ADMIN_NO_SRP_AUTH",
)
#: Pool A: case-insensitive, auto-verified email, a custom attribute; pool B: aliases.
#: Pool A is protected from deletion (DeleteUserPool then meets a rule, not a rebuild).
POOL_SETTINGS: tuple[dict[str, Any], ...] = (
    {"AutoVerifiedAttributes": ["email"], "DeletionProtection": "ACTIVE"},
    {},
)
#: What UpdateUserPool cannot change.
POOL_FIXED: tuple[dict[str, Any], ...] = (
    {
        "UsernameConfiguration": {"CaseSensitive": False},
        "Schema": [{"Name": "team", "AttributeDataType": "String", "Mutable": True}],
    },
    {
        "AliasAttributes": ["email", "preferred_username"],
        "UsernameConfiguration": {"CaseSensitive": True},
    },
)
#: App clients: (index of the pool, configuration).
CLIENTS: tuple[tuple[int, dict[str, Any]], ...] = (
    (0, {"ClientName": "public", "ExplicitAuthFlows": ALL_FLOWS, "EnableTokenRevocation": True}),
    (0, {"ClientName": "secret", "GenerateSecret": True, "ExplicitAuthFlows": ALL_FLOWS}),
    (1, {"ClientName": "b", "ExplicitAuthFlows": ALL_FLOWS}),
)
#: Users of pool A: a name, its attributes, and how it is brought to its status.
USERS_A = (
    ("alice", "alice@example.com", "confirmed"),
    ("bob", "bob@example.com", "force_change"),
    ("carol", "carol@example.com", "unconfirmed"),
    ("dave", "dave@example.com", "disabled"),
    ("\u00e9mile", None, "confirmed"),  # NFC; the fuzzer also sends its NFD twin
    ("Zo\u00eb", None, "force_change"),
)
GROUPS_A = ("admins", "readers", "\u00fcbergroup", "g-3")
MEMBERSHIPS_A = (
    ("admins", "alice"),
    ("readers", "alice"),
    ("readers", "bob"),
    ("readers", "\u00e9mile"),
    ("\u00fcbergroup", "dave"),
)
CODE = re.compile(r"\b\d{6}\b")


@dataclass
class World:
    """What exists on the server right now, as far as the fuzzer knows."""

    pool_ids: list[str] = field(default_factory=list)
    usernames: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    subs: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    client_ids: list[str] = field(default_factory=list)
    client_secrets: list[str] = field(default_factory=list)
    #: The client id that has the secret.
    secret_client: str = ""
    access_tokens: list[str] = field(default_factory=list)
    id_tokens: list[str] = field(default_factory=list)
    refresh_tokens: list[str] = field(default_factory=list)
    sessions: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    next_tokens: list[str] = field(default_factory=list)
    generation: int = 0

    def values(self, member: str) -> list[Any]:
        """Real values for a member of this name, or ``[]``."""
        table: dict[str, Callable[[], list[Any]]] = {
            "UserPoolId": lambda: self.pool_ids,
            "Username": lambda: self.usernames + self.aliases + self.subs[:1] + ["e\u0301mile"],
            "USERNAME": lambda: self.usernames + self.aliases,
            "GroupName": lambda: self.groups,
            "ClientId": lambda: self.client_ids,
            "ClientSecret": lambda: self.client_secrets,
            "AccessToken": lambda: self.access_tokens + self.id_tokens[:1],
            "Token": lambda: self.refresh_tokens + self.access_tokens[:1],
            "REFRESH_TOKEN": lambda: self.refresh_tokens,
            "Session": lambda: self.sessions,
            "ConfirmationCode": lambda: [*self.codes, "123456"],
            "NextToken": lambda: self.next_tokens,
            "PaginationToken": lambda: self.next_tokens,
            "Password": lambda: [PASSWORD, TEMPORARY_PASSWORD, "New-Passw0rd!2"],
            "PASSWORD": lambda: [PASSWORD, TEMPORARY_PASSWORD, "wrong-Passw0rd!"],
            "NEW_PASSWORD": lambda: ["New-Passw0rd!2", "short"],
            "TemporaryPassword": lambda: [TEMPORARY_PASSWORD],
            "PreviousPassword": lambda: [PASSWORD, "wrong-Passw0rd!"],
            "ProposedPassword": lambda: ["New-Passw0rd!2", "weak"],
            "AuthFlow": lambda: list(AUTH_FLOWS),
            "ChallengeName": lambda: ["NEW_PASSWORD_REQUIRED", "PASSWORD_VERIFIER"],
        }
        getter = table.get(member)
        return list(getter()) if getter is not None else []


def secret_hash(secret: str, username: str, client_id: str) -> str:
    """``SECRET_HASH``: base64 of HMAC-SHA256(secret, username + client id)."""
    mac = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


class WorldBuilder:
    """Brings the server back to the seeded world.

    Creating a pool costs a key pair (about 0.1 s), so the pools are kept when they still
    exist: their settings and clients are restored, their users and groups deleted and
    seeded again. Pools the fuzzer created, and clients it added, are deleted.
    """

    def __init__(self, server: RunningServer, wire: Wire) -> None:
        self._server = server
        self._wire = wire
        self.builds = 0
        self.world = World()

    def rebuild(self) -> World:
        self.builds += 1
        world = World(generation=self.builds)
        world.pool_ids = self._pools()
        self._clients(world)
        for pool_id in world.pool_ids:
            self._empty(pool_id)
        self._seed(world)
        self.world = world
        return world

    def restore_settings(self) -> None:
        """Undo a fuzzed UpdateUserPool or UpdateUserPoolClient (each replaces everything)."""
        call, world = self._wire.call, self.world
        for pool_id, config in zip(world.pool_ids, POOL_SETTINGS, strict=True):
            call("UpdateUserPool", {"UserPoolId": pool_id, **config})
        for (pool_index, config), client_id in zip(CLIENTS, world.client_ids, strict=True):
            params = {"UserPoolId": world.pool_ids[pool_index], "ClientId": client_id, **config}
            params.pop("GenerateSecret", None)
            call("UpdateUserPoolClient", params)

    def delete_pool(self, pool_id: str) -> None:
        # Deletion protection may have been switched on by a fuzzed UpdateUserPool.
        self._wire.call("UpdateUserPool", {"UserPoolId": pool_id, "DeletionProtection": "INACTIVE"})
        self._wire.call("DeleteUserPool", {"UserPoolId": pool_id})

    def _listing(self, operation: str, params: dict[str, Any], key: str, limit: str) -> list[Any]:
        items: list[Any] = []
        token: str | None = None
        while True:
            page = self._wire.ok(
                operation, {**params, limit: 60, **({"NextToken": token} if token else {})}
            )
            items += page.get(key, [])
            token = page.get("NextToken")
            if token is None:
                return items

    def _pools(self) -> list[str]:
        """Our pools, created again if deleted, settings restored; all others deleted."""
        existing = {p["Id"] for p in self._listing("ListUserPools", {}, "UserPools", "MaxResults")}
        old = self.world.pool_ids
        kept: list[str] = []
        for index, (config, fixed) in enumerate(zip(POOL_SETTINGS, POOL_FIXED, strict=True)):
            if index < len(old) and old[index] in existing:
                self._wire.ok("UpdateUserPool", {"UserPoolId": old[index], **config})
                kept.append(old[index])
            else:
                name = f"fuzz-{index}-{self.builds}"
                created = self._wire.ok("CreateUserPool", {"PoolName": name, **config, **fixed})
                kept.append(created["UserPool"]["Id"])
        for pool_id in sorted(existing - set(kept)):
            self.delete_pool(pool_id)
        return kept

    def _clients(self, world: World) -> None:
        """Our app clients, created again if deleted, settings restored; others deleted."""
        ok = self._wire.ok
        old = self.world.client_ids if self.world.pool_ids == world.pool_ids else []
        existing = {
            c["ClientId"]
            for pool_id in world.pool_ids
            for c in self._listing(
                "ListUserPoolClients", {"UserPoolId": pool_id}, "UserPoolClients", "MaxResults"
            )
        }
        for index, (pool_index, config) in enumerate(CLIENTS):
            pool_id = world.pool_ids[pool_index]
            if index < len(old) and old[index] in existing:
                params = {"UserPoolId": pool_id, "ClientId": old[index], **config}
                params.pop("GenerateSecret", None)
                ok("UpdateUserPoolClient", params)
                client_id = old[index]
            else:
                created = ok("CreateUserPoolClient", {"UserPoolId": pool_id, **config})
                client_id = created["UserPoolClient"]["ClientId"]
            world.client_ids.append(client_id)
        for pool_id in world.pool_ids:
            for client_id in sorted(existing - set(world.client_ids)):
                self._wire.call(
                    "DeleteUserPoolClient", {"UserPoolId": pool_id, "ClientId": client_id}
                )
        secret = world.client_ids[1]
        described = ok(
            "DescribeUserPoolClient", {"UserPoolId": world.pool_ids[0], "ClientId": secret}
        )
        world.client_secrets = [described["UserPoolClient"]["ClientSecret"]]
        world.secret_client = secret

    def _empty(self, pool_id: str) -> None:
        ok = self._wire.ok
        users = []
        token: str | None = None
        while True:  # ListUsers pages with PaginationToken
            page = ok(
                "ListUsers",
                {"UserPoolId": pool_id, **({"PaginationToken": token} if token else {})},
            )
            users += [u["Username"] for u in page.get("Users", [])]
            token = page.get("PaginationToken")
            if token is None:
                break
        for username in users:
            ok("AdminDeleteUser", {"UserPoolId": pool_id, "Username": username})
        for group in self._listing("ListGroups", {"UserPoolId": pool_id}, "Groups", "Limit"):
            ok("DeleteGroup", {"UserPoolId": pool_id, "GroupName": group["GroupName"]})

    def _seed(self, world: World) -> None:
        ok = self._wire.ok
        pool_a, pool_b = world.pool_ids
        public = world.client_ids[0]
        started = time.time()
        for name, email, status in USERS_A:
            self._user(world, pool_a, public, name, email, status)
        for group in GROUPS_A:
            ok("CreateGroup", {"UserPoolId": pool_a, "GroupName": group, "Precedence": 1})
        for group, user in MEMBERSHIPS_A:
            ok("AdminAddUserToGroup", {"UserPoolId": pool_a, "GroupName": group, "Username": user})
        # Pool B holds a user and a group of the same names: scopes must not mix.
        ok(
            "AdminCreateUser",
            {
                "UserPoolId": pool_b,
                "Username": "alice",
                "MessageAction": "SUPPRESS",
                "UserAttributes": [
                    {"Name": "email", "Value": "alice@example.com"},
                    {"Name": "email_verified", "Value": "true"},
                    {"Name": "preferred_username", "Value": "ally"},
                ],
            },
        )
        ok("CreateGroup", {"UserPoolId": pool_b, "GroupName": "admins"})
        ok(
            "AdminAddUserToGroup",
            {"UserPoolId": pool_b, "GroupName": "admins", "Username": "alice"},
        )
        world.usernames = [name for name, _, _ in USERS_A]
        world.aliases = ["ALICE", "alice@example.com", "ally"]
        world.groups = [*GROUPS_A, "ADMINS"]
        got = ok("AdminGetUser", {"UserPoolId": pool_a, "Username": "alice"})
        world.subs = [a["Value"] for a in got["UserAttributes"] if a["Name"] == "sub"]
        self._sign_in(world, pool_a, public)
        self._pagination_tokens(world, pool_a)
        messages = self._server.server.services.users.outbox(pool_a, 0, 10**9)
        world.codes = sorted(
            {
                code
                for message in messages
                if message.created_at >= started
                for code in CODE.findall(message.body)
            }
        )

    def _user(
        self, world: World, pool_id: str, client_id: str, name: str, email: str | None, how: str
    ) -> None:
        ok = self._wire.ok
        attributes = [{"Name": "email", "Value": email}] if email else []
        if how == "unconfirmed":
            ok(
                "SignUp",
                {
                    "ClientId": client_id,
                    "Username": name,
                    "Password": PASSWORD,
                    "UserAttributes": attributes,
                },
            )
            return
        if email:
            attributes.append({"Name": "email_verified", "Value": "true"})
        ok(
            "AdminCreateUser",
            {
                "UserPoolId": pool_id,
                "Username": name,
                "TemporaryPassword": TEMPORARY_PASSWORD,
                "MessageAction": "SUPPRESS",
                "UserAttributes": attributes,
            },
        )
        if how in ("confirmed", "disabled"):
            ok(
                "AdminSetUserPassword",
                {"UserPoolId": pool_id, "Username": name, "Password": PASSWORD, "Permanent": True},
            )
        if how == "disabled":
            ok("AdminDisableUser", {"UserPoolId": pool_id, "Username": name})

    def _sign_in(self, world: World, pool_id: str, client_id: str) -> None:
        ok = self._wire.ok
        for name in ("alice", "\u00e9mile"):
            result = ok(
                "AdminInitiateAuth",
                {
                    "UserPoolId": pool_id,
                    "ClientId": client_id,
                    "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                    "AuthParameters": {"USERNAME": name, "PASSWORD": PASSWORD},
                },
            )["AuthenticationResult"]
            world.access_tokens.append(result["AccessToken"])
            world.id_tokens.append(result["IdToken"])
            world.refresh_tokens.append(result["RefreshToken"])
        challenge = ok(
            "AdminInitiateAuth",
            {
                "UserPoolId": pool_id,
                "ClientId": client_id,
                "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "bob", "PASSWORD": TEMPORARY_PASSWORD},
            },
        )
        world.sessions.append(challenge["Session"])

    def _pagination_tokens(self, world: World, pool_id: str) -> None:
        ok = self._wire.ok
        calls: list[tuple[str, dict[str, Any], str]] = [
            ("ListUsers", {"UserPoolId": pool_id, "Limit": 1}, "PaginationToken"),
            ("ListGroups", {"UserPoolId": pool_id, "Limit": 1}, "NextToken"),
            (
                "ListUsersInGroup",
                {"UserPoolId": pool_id, "GroupName": "readers", "Limit": 1},
                "NextToken",
            ),
            (
                "AdminListGroupsForUser",
                {"UserPoolId": pool_id, "Username": "alice", "Limit": 1},
                "NextToken",
            ),
            ("ListUserPoolClients", {"UserPoolId": pool_id, "MaxResults": 1}, "NextToken"),
            ("ListUserPools", {"MaxResults": 1}, "NextToken"),
        ]
        for operation, params, key in calls:
            token = ok(operation, params).get(key)
            if token is not None:
                world.next_tokens.append(token)
