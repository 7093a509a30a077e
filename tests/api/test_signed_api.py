"""The signed admin API end to end: SigV4 from configured keys, key scopes, tenant isolation.

A server of this module's own (once per store) reads a credentials file with four keys:

- ``ADMIN``: every pool;
- ``KEY_A``: pools A and A2 (A2 holds the scratch objects the tests are allowed to change);
- ``KEY_B``: pool B;
- ``READER``: every pool, read-only.

The pools are made by the admin key before the scoped keys exist (their ids go into the
credentials file), then the server is started again on the same database with every key.
Each of A, A2 and B has: ``alice`` (confirmed, in group ``team``, verified email, signed in),
``bob`` (signed up, unconfirmed, in no group), the group ``team`` and an app client.

Covered through boto3 with real credentials and through raw HTTP (``http.client``) signed
with botocore's ``SigV4Auth`` then tampered with: signed, unsigned, tampered, expired,
unknown, out-of-scope and read-only calls; the public operations, which ignore signatures;
and development mode (the plugin's server, no credentials).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import psycopg
import pytest
from botocore import UNSIGNED, xform_name
from botocore.auth import SIGV4_TIMESTAMP, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from joserfc import jwt as jose_jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from psycopg import sql

from userpools.operations import implemented
from userpools.protocol import access, sigv4
from userpools.protocol.model import service_model
from userpools.testing import RunningServer, start_server

REGION = "us-east-1"
PASSWORD = "Corr3ct-horse-battery!"
OTHER_PASSWORD = "An0ther-horse-battery!"
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
#: A pool id of the right form that no pool has.
MISSING_POOL = f"{REGION}_Zz9Zz9Zz9"
TARGET_PREFIX = "AWSCognitoIdentityProviderService."
CONTENT_TYPE = "application/x-amz-json-1.1"

MISSING_TOKEN = ("MissingAuthenticationTokenException", "Missing Authentication Token")
MISMATCH = ("InvalidSignatureException", sigv4.SIGNATURE_MISMATCH)
UNKNOWN = ("UnrecognizedClientException", sigv4.UNKNOWN_KEY)
WRONG_SCOPE = (
    "InvalidSignatureException",
    "Credential should be scoped to a valid region and to the service 'cognito-idp'.",
)
WRONG_DATE = ("InvalidSignatureException", "Credential should be scoped to the date of X-Amz-Date.")
#: Answers that mean "the caller was not let through"; never right for a public operation.
AUTH_ERRORS = frozenset(
    {
        "MissingAuthenticationTokenException",
        "IncompleteSignatureException",
        "InvalidSignatureException",
        "UnrecognizedClientException",
        "AccessDeniedException",
    }
)


@dataclass(frozen=True)
class Cred:
    key_id: str
    secret: str
    pools: tuple[str, ...] | None = None
    read_only: bool = False


ADMIN = Cred("AKIAUSERPOOLSADMIN01", "admin-secret-0123456789abcdef")
READER = Cred("AKIAUSERPOOLSREADER1", "reader-secret-0123456789abcdef", read_only=True)
UNKNOWN_KEY = Cred("AKIAUSERPOOLSNOBODY1", "nobody-secret-0123456789abcdef")
WRONG_SECRET = Cred(ADMIN.key_id, "not-the-admin-secret-0123456789")
KEY_A_ID = "AKIAUSERPOOLSTENANTA"
KEY_B_ID = "AKIAUSERPOOLSTENANTB"


def denied(key_id: str, operation: str, pool_id: str | None) -> tuple[str, str]:
    """The exact AccessDenied answer for a key, an operation and the pool it named."""
    resource = f"arn:aws:cognito-idp:{REGION}:000000000000:userpool/{pool_id}" if pool_id else "*"
    return (
        "AccessDeniedException",
        f"User: {key_id} is not authorized to perform: cognito-idp:{operation} "
        f"on resource: {resource}",
    )


# operations ---------------------------------------------------------------------------------

MODEL = service_model()
SIGNED = sorted(n for n in implemented() if not access.is_public(MODEL.operation_model(n)))
PUBLIC = sorted(n for n in implemented() if access.is_public(MODEL.operation_model(n)))
READS = [n for n in SIGNED if n.startswith(access.READ_ONLY_PREFIXES)]
WRITES = [n for n in SIGNED if n not in READS]
#: Signed operations that name no pool; tested on their own.
POOLLESS = ("CreateUserPool", "ListUserPools", "DescribeUserPoolDomain")
CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/signed-api"


def domain_of(pool_id: str) -> str:
    """The prefix domain each seeded pool has: from its id, without the letters of the
    reserved words (aws, amazon, cognito)."""
    return "d-" + pool_id.split("_", 1)[1].lower().replace("a", "0").replace("o", "0")


@dataclass(frozen=True)
class Target:
    """What an operation's parameters name: a pool and objects in it."""

    pool_id: str
    client_id: str
    user: str = "alice"
    unconfirmed: str = "bob"
    group: str = "team"
    suffix: str = "x"


def _pool(t: Target, **more: Any) -> dict[str, Any]:
    return {"UserPoolId": t.pool_id, **more}


def _user(t: Target, **more: Any) -> dict[str, Any]:
    return _pool(t, Username=t.user, **more)


def _arn(t: Target, **more: Any) -> dict[str, Any]:
    """The tag operations name the pool by its ARN."""
    return {
        "ResourceArn": f"arn:aws:cognito-idp:{REGION}:000000000000:userpool/{t.pool_id}",
        **more,
    }


#: Minimal valid parameters of every signed operation that names a pool. The writes change
#: something visible if they were let through (deleting, disabling, signing out ``alice``,
#: confirming ``bob``, …), so that "denied" is checked twice: by the answer and by the pool.
PARAMS: dict[str, Callable[[Target], dict[str, Any]]] = {
    "AddCustomAttributes": lambda t: _pool(
        t, CustomAttributes=[{"Name": f"new-{t.suffix}"[:20], "AttributeDataType": "String"}]
    ),
    "AdminAddUserToGroup": lambda t: _pool(t, Username=t.unconfirmed, GroupName=t.group),
    "AdminConfirmSignUp": lambda t: _pool(t, Username=t.unconfirmed),
    "AdminCreateUser": lambda t: _pool(t, Username=f"new-{t.suffix}", MessageAction="SUPPRESS"),
    "AdminDeleteUser": _user,
    "AdminDeleteUserAttributes": lambda t: _user(t, UserAttributeNames=["name"]),
    "AdminDisableUser": _user,
    "AdminEnableUser": _user,
    "AdminGetUser": _user,
    "AdminInitiateAuth": lambda t: _pool(
        t,
        ClientId=t.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": t.user, "PASSWORD": PASSWORD},
    ),
    "AdminListGroupsForUser": _user,
    "AdminListUserAuthEvents": _user,
    "AddUserPoolClientSecret": lambda t: _pool(t, ClientId=t.client_id),
    "DeleteUserPoolClientSecret": lambda t: _pool(
        t, ClientId=t.client_id, ClientSecretId="made-up"
    ),
    "ListUserPoolClientSecrets": lambda t: _pool(t, ClientId=t.client_id),
    "TagResource": lambda t: _arn(t, Tags={"team": "mallory"}),
    "UntagResource": lambda t: _arn(t, TagKeys=["team"]),
    "ListTagsForResource": _arn,
    "GetSigningCertificate": _pool,
    "GetCSVHeader": _pool,
    "GetUICustomization": _pool,
    "GetUserPoolMfaConfig": _pool,
    "SetUserPoolMfaConfig": lambda t: _pool(
        t, MfaConfiguration="OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True}
    ),
    "AdminSetUserMFAPreference": lambda t: _user(t, SMSMfaSettings={"Enabled": False}),
    "SetUICustomization": lambda t: _pool(t, CSS="body { color: red; }"),
    "DescribeRiskConfiguration": _pool,
    "SetRiskConfiguration": lambda t: _pool(
        t, RiskExceptionConfiguration={"BlockedIPRangeList": ["10.0.0.0/8"]}
    ),
    "GetLogDeliveryConfiguration": _pool,
    "SetLogDeliveryConfiguration": lambda t: _pool(
        t, LogConfigurations=[{"LogLevel": "ERROR", "EventSource": "userNotification"}]
    ),
    "AdminRemoveUserFromGroup": lambda t: _user(t, GroupName=t.group),
    "AdminResetUserPassword": _user,
    "AdminRespondToAuthChallenge": lambda t: _pool(
        t,
        ClientId=t.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session="s" * 64,
        ChallengeResponses={"USERNAME": t.user, "NEW_PASSWORD": OTHER_PASSWORD},
    ),
    "AdminSetUserPassword": lambda t: _user(t, Password=OTHER_PASSWORD, Permanent=True),
    "AdminSetUserSettings": lambda t: _user(t, MFAOptions=[]),
    "AdminUpdateUserAttributes": lambda t: _user(
        t, UserAttributes=[{"Name": "name", "Value": "Mallory"}]
    ),
    "AdminUserGlobalSignOut": _user,
    "CreateGroup": lambda t: _pool(t, GroupName=f"new-{t.suffix}"),
    "CreateUserPoolClient": lambda t: _pool(t, ClientName=f"new-{t.suffix}"),
    "DeleteGroup": lambda t: _pool(t, GroupName=t.group),
    "DeleteUserPool": _pool,
    "DeleteUserPoolClient": lambda t: _pool(t, ClientId=t.client_id),
    "DescribeUserPool": _pool,
    "DescribeUserPoolClient": lambda t: _pool(t, ClientId=t.client_id),
    "GetGroup": lambda t: _pool(t, GroupName=t.group),
    "ListGroups": _pool,
    "ListUserPoolClients": lambda t: _pool(t, MaxResults=10),
    "ListUsers": _pool,
    "ListUsersInGroup": lambda t: _pool(t, GroupName=t.group),
    "UpdateGroup": lambda t: _pool(t, GroupName=t.group, Description="changed"),
    "UpdateUserPool": lambda t: _pool(t, Policies={"PasswordPolicy": {"MinimumLength": 12}}),
    "UpdateUserPoolClient": lambda t: _pool(
        t, ClientId=t.client_id, ClientName=f"renamed-{t.suffix}", ExplicitAuthFlows=FLOWS
    ),
    "CreateResourceServer": lambda t: _pool(t, Identifier=f"new-{t.suffix}", Name="new"),
    "DescribeResourceServer": lambda t: _pool(t, Identifier="api"),
    "UpdateResourceServer": lambda t: _pool(t, Identifier="api", Name="changed"),
    "DeleteResourceServer": lambda t: _pool(t, Identifier="api"),
    "ListResourceServers": lambda t: _pool(t, MaxResults=10),
    "CreateUserPoolDomain": lambda t: _pool(
        t,
        Domain=f"new-{t.suffix}.example.com",
        CustomDomainConfig={"CertificateArn": CERTIFICATE},
    ),
    "UpdateUserPoolDomain": lambda t: _pool(t, Domain=domain_of(t.pool_id), ManagedLoginVersion=2),
    "DeleteUserPoolDomain": lambda t: _pool(t, Domain=domain_of(t.pool_id)),
}
POOLED = sorted(PARAMS)
#: What a pool-scoped key gets on its own pool (scratch objects), when not a success.
ON_OWN_POOL = {
    "AdminRespondToAuthChallenge": "NotAuthorizedException",  # the session is made up
    "AdminListUserAuthEvents": "UserPoolAddOnNotEnabledException",  # no threat protection
    "AddUserPoolClientSecret": "InvalidParameterException",  # the client has no secret
    "DeleteUserPoolClientSecret": "ResourceNotFoundException",  # the secret id is made up
    "DeleteUserPool": "AccessDeniedException",  # pool lifecycle is closed to scoped keys
}


# clients and outcomes -----------------------------------------------------------------------


def idp(
    server: RunningServer, cred: Cred | None = None, *, region: str = REGION, **config: Any
) -> Any:
    """A boto3 client of ``server`` signing with ``cred``, or an unsigned one for ``None``."""
    if cred is None:
        config["signature_version"] = UNSIGNED
    cred = cred or Cred("AKIAUSERPOOLSUNUSED0", "unused-secret-0123456789")
    client = boto3.client(
        "cognito-idp",
        endpoint_url=server.endpoint_url,
        region_name=region,
        aws_access_key_id=cred.key_id,
        aws_secret_access_key=cred.secret,
        config=Config(retries={"total_max_attempts": 1}, **config),
    )
    return server.bind(client)


def with_header(client: Any, value: str) -> Any:
    """``client`` with its Authorization header replaced by ``value`` on every request."""

    def put(request: Any, **_: Any) -> None:
        request.headers["Authorization"] = value

    client.meta.events.register("before-send.cognito-idp", put)
    return client


@dataclass(frozen=True)
class Outcome:
    code: str | None
    message: str = ""
    status: int = 200
    response: Any = None


def call(client: Any, operation: str, params: dict[str, Any]) -> Outcome:
    try:
        response = getattr(client, xform_name(operation))(**params)
    except ClientError as exc:
        error = exc.response["Error"]
        status = exc.response["ResponseMetadata"]["HTTPStatusCode"]
        return Outcome(error["Code"], error["Message"], status)
    return Outcome(None, response=response)


def answer(outcome: Outcome) -> tuple[str | None, str]:
    return outcome.code, outcome.message


# the world ----------------------------------------------------------------------------------


@dataclass
class Tenant:
    pool_id: str
    client_id: str
    access_token: str = ""
    refresh_token: str = ""

    @property
    def target(self) -> Target:
        return Target(self.pool_id, self.client_id)


@dataclass
class World:
    server: RunningServer
    a: Tenant
    a2: Tenant
    b: Tenant
    others: tuple[str, ...]
    key_a: Cred
    key_b: Cred
    admin: Any
    reader: Any
    client_a: Any
    client_b: Any
    unsigned: Any

    @property
    def endpoint(self) -> str:
        return self.server.endpoint_url

    def client_for(self, key_id: str) -> Any:
        return {KEY_A_ID: self.client_a, KEY_B_ID: self.client_b}[key_id]

    def tenant(self, name: str) -> Tenant:
        tenant: Tenant = getattr(self, name)
        return tenant


def write_credentials(path: Path, creds: list[Cred]) -> str:
    lines = []
    for c in creds:
        lines += ["[[keys]]", f"access_key_id = {json.dumps(c.key_id)}"]
        lines.append(f"secret_access_key = {json.dumps(c.secret)}")
        if c.pools is not None:
            lines.append(f"pools = {json.dumps(list(c.pools))}")
        if c.read_only:
            lines.append("read_only = true")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return str(path)


def seed(admin: Any, label: str) -> Tenant:
    pool_id = admin.create_user_pool(PoolName=f"signed-{label}")["UserPool"]["Id"]
    client_id = admin.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]["ClientId"]
    scratch(admin, pool_id, client_id, "alice", "bob", "team")
    oauth_objects(admin, pool_id)
    return Tenant(pool_id, client_id)


def oauth_objects(admin: Any, pool_id: str) -> None:
    """The resource server ``api`` and the prefix domain :func:`domain_of`, unless the pool
    has them (an earlier test may have deleted them)."""
    servers = admin.list_resource_servers(UserPoolId=pool_id, MaxResults=50)["ResourceServers"]
    if not any(s["Identifier"] == "api" for s in servers):
        admin.create_resource_server(
            UserPoolId=pool_id,
            Identifier="api",
            Name="api",
            Scopes=[{"ScopeName": "read", "ScopeDescription": "read"}],
        )
    if "Domain" not in admin.describe_user_pool(UserPoolId=pool_id)["UserPool"]:
        admin.create_user_pool_domain(UserPoolId=pool_id, Domain=domain_of(pool_id))


def scratch(
    admin: Any, pool_id: str, client_id: str, user: str, unconfirmed: str, group: str
) -> None:
    """``user`` (confirmed, in ``group``), ``unconfirmed`` (signed up) and ``group``."""
    admin.create_group(UserPoolId=pool_id, GroupName=group, Description="the team")
    admin.admin_create_user(
        UserPoolId=pool_id,
        Username=user,
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": f"{user}@example.com"},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "name", "Value": user.title()},
        ],
    )
    admin.admin_set_user_password(
        UserPoolId=pool_id, Username=user, Password=PASSWORD, Permanent=True
    )
    admin.admin_add_user_to_group(UserPoolId=pool_id, Username=user, GroupName=group)
    admin.sign_up(
        ClientId=client_id,
        Username=unconfirmed,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": f"{unconfirmed}@example.com"}],
    )


def sign_in(client: Any, tenant: Tenant, user: str = "alice", password: str = PASSWORD) -> Any:
    return client.initiate_auth(
        ClientId=tenant.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user, "PASSWORD": password},
    )


def _own_database(base_url: str, suffix: str) -> str:
    info = psycopg.conninfo.conninfo_to_dict(base_url)
    name = f"{info['dbname']}_{suffix}"
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    info["dbname"] = name
    return psycopg.conninfo.make_conninfo(**info)


def _drop_database(base_url: str, url: str) -> None:
    name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(str(name)))
        )


@pytest.fixture(scope="module")
def world(
    store_kind: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("signed")
    db_path = tmp / "userpools.db"
    base_url = request.getfixturevalue("postgres_url") if store_kind == "postgres" else None
    database_url = _own_database(base_url, "signed") if base_url else None
    try:
        # First run: only the admin key, to make the pools whose ids scope the others.
        first = start_server(
            db_path,
            database_url=database_url,
            credentials_file=write_credentials(tmp / "admin.toml", [ADMIN]),
        )
        running = next(first)
        try:
            admin = idp(running, ADMIN)
            others = [admin.create_user_pool(PoolName="other-1")["UserPool"]["Id"]]
            a = seed(admin, "a")
            others.append(admin.create_user_pool(PoolName="other-2")["UserPool"]["Id"])
            a2 = seed(admin, "a2")
            b = seed(admin, "b")
            others.append(admin.create_user_pool(PoolName="other-3")["UserPool"]["Id"])
        finally:
            first.close()
        key_a = Cred(KEY_A_ID, "tenant-a-secret-0123456789abcdef", pools=(a.pool_id, a2.pool_id))
        key_b = Cred(KEY_B_ID, "tenant-b-secret-0123456789abcdef", pools=(b.pool_id,))
        credentials = write_credentials(tmp / "keys.toml", [ADMIN, key_a, key_b, READER])
        second = start_server(db_path, database_url=database_url, credentials_file=credentials)
        running = next(second)
        try:
            unsigned = idp(running)
            for tenant in (a, a2, b):
                tokens = sign_in(unsigned, tenant)["AuthenticationResult"]
                tenant.access_token = tokens["AccessToken"]
                tenant.refresh_token = tokens["RefreshToken"]
            yield World(
                server=running,
                a=a,
                a2=a2,
                b=b,
                others=tuple(others),
                key_a=key_a,
                key_b=key_b,
                admin=idp(running, ADMIN),
                reader=idp(running, READER),
                client_a=idp(running, key_a),
                client_b=idp(running, key_b),
                unsigned=unsigned,
            )
        finally:
            second.close()
    finally:
        if base_url and database_url:
            _drop_database(base_url, database_url)


def all_pages(client: Any, operation: str, key: str, **params: Any) -> list[Any]:
    pages = client.get_paginator(operation).paginate(**params)
    return [item for page in pages for item in page[key]]


def snapshot(w: World, tenant: Tenant) -> dict[str, Any]:
    """Everything an outsider's write could have changed in the pool, read by the admin key."""
    admin, pool_id = w.admin, tenant.pool_id
    groups = all_pages(admin, "list_groups", "Groups", UserPoolId=pool_id)
    clients = all_pages(admin, "list_user_pool_clients", "UserPoolClients", UserPoolId=pool_id)
    return {
        "pool": admin.describe_user_pool(UserPoolId=pool_id)["UserPool"],
        "resource_servers": all_pages(
            admin, "list_resource_servers", "ResourceServers", UserPoolId=pool_id
        ),
        "domain": admin.describe_user_pool_domain(Domain=domain_of(pool_id))["DomainDescription"],
        "users": all_pages(admin, "list_users", "Users", UserPoolId=pool_id),
        "groups": groups,
        "members": {
            g["GroupName"]: [
                u["Username"]
                for u in all_pages(
                    admin,
                    "list_users_in_group",
                    "Users",
                    UserPoolId=pool_id,
                    GroupName=g["GroupName"],
                )
            ]
            for g in groups
        },
        "clients": [
            admin.describe_user_pool_client(UserPoolId=pool_id, ClientId=c["ClientId"])[
                "UserPoolClient"
            ]
            for c in clients
        ],
        # AdminUserGlobalSignOut, AdminSetUserPassword, AdminResetUserPassword leave these.
        "token": call(w.unsigned, "GetUser", {"AccessToken": tenant.access_token}).code,
        "sign_in": call(
            w.unsigned,
            "InitiateAuth",
            {
                "ClientId": tenant.client_id,
                "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD},
            },
        ).code,
    }


def pool_ids(w: World) -> list[str]:
    return sorted(
        p["Id"] for p in all_pages(w.admin, "list_user_pools", "UserPools", MaxResults=60)
    )


# boto3 with real credentials ----------------------------------------------------------------


def test_the_tables_cover_every_signed_operation() -> None:
    assert set(POOLED) | set(POOLLESS) == set(SIGNED)
    assert not set(POOLED) & set(POOLLESS)
    assert {"InitiateAuth", "SignUp", "GetUser", "RespondToAuthChallenge"} <= set(PUBLIC)
    assert not set(PUBLIC) & set(SIGNED)


def test_admin_key_works(world: World) -> None:
    pools = world.admin.list_user_pools(MaxResults=60)["UserPools"]
    assert {world.a.pool_id, world.a2.pool_id, world.b.pool_id, *world.others} <= {
        p["Id"] for p in pools
    }
    pool_id = world.admin.create_user_pool(PoolName="made-by-admin")["UserPool"]["Id"]
    world.admin.delete_user_pool(UserPoolId=pool_id)


def test_wrong_secret_is_an_invalid_signature(world: World) -> None:
    outcome = call(idp(world.server, WRONG_SECRET), "ListUserPools", {"MaxResults": 10})
    assert answer(outcome) == MISMATCH
    assert 400 <= outcome.status < 500


def test_unknown_key_is_unrecognized(world: World) -> None:
    outcome = call(idp(world.server, UNKNOWN_KEY), "ListUserPools", {"MaxResults": 10})
    assert answer(outcome) == UNKNOWN
    assert 400 <= outcome.status < 500


@pytest.mark.parametrize("operation", ["ListUserPools", "AdminGetUser", "DeleteUserPool"])
def test_unsigned_signed_operation_is_missing_a_token(world: World, operation: str) -> None:
    params = PARAMS[operation](world.a.target) if operation in PARAMS else {"MaxResults": 10}
    before = snapshot(world, world.a)
    outcome = call(world.unsigned, operation, params)
    assert answer(outcome) == MISSING_TOKEN
    assert 400 <= outcome.status < 500
    assert snapshot(world, world.a) == before


def test_garbage_authorization_on_a_signed_operation(world: World) -> None:
    client = with_header(idp(world.server), "garbage")
    outcome = call(client, "ListUserPools", {"MaxResults": 10})
    assert outcome.code == "IncompleteSignatureException"
    assert outcome.message.startswith("Authorization header is not a valid AWS Signature")


@pytest.mark.parametrize("operation", READS)
def test_read_only_key_reads(world: World, operation: str) -> None:
    params = PARAMS[operation](world.a.target) if operation in PARAMS else {"MaxResults": 60}
    if operation == "DescribeUserPoolDomain":
        params = {"Domain": domain_of(world.a.pool_id)}
    outcome = call(world.reader, operation, params)
    assert outcome.code == ON_OWN_POOL.get(operation), outcome  # let through, not denied
    if operation == "ListUserPools":
        assert set(pool_ids(world)) == {p["Id"] for p in outcome.response["UserPools"]}


@pytest.mark.parametrize("operation", WRITES)
def test_read_only_key_cannot_write(world: World, operation: str) -> None:
    if operation == "CreateUserPool":
        before = pool_ids(world)
        outcome = call(world.reader, operation, {"PoolName": "by-reader"})
        assert answer(outcome) == denied(READER.key_id, operation, None)
        assert pool_ids(world) == before
        return
    before = snapshot(world, world.a)
    outcome = call(world.reader, operation, PARAMS[operation](world.a.target))
    assert answer(outcome) == denied(READER.key_id, operation, world.a.pool_id)
    assert 400 <= outcome.status < 500
    assert snapshot(world, world.a) == before


# tenant isolation ---------------------------------------------------------------------------


@pytest.mark.parametrize("direction", ["A on B", "B on A"])
@pytest.mark.parametrize("operation", POOLED)
def test_a_key_is_denied_every_operation_on_another_pool(
    world: World, operation: str, direction: str
) -> None:
    """Denied the same way as on a pool that does not exist: nothing tells them apart."""
    key_id, theirs = (KEY_A_ID, world.b) if direction == "A on B" else (KEY_B_ID, world.a)
    client = world.client_for(key_id)
    is_write = operation in WRITES
    before = snapshot(world, theirs) if is_write else None
    outcome = call(client, operation, PARAMS[operation](theirs.target))
    nowhere = call(
        client, operation, PARAMS[operation](replace(theirs.target, pool_id=MISSING_POOL))
    )
    assert answer(outcome) == denied(key_id, operation, theirs.pool_id)
    assert answer(nowhere) == denied(key_id, operation, MISSING_POOL)
    assert outcome.status == nowhere.status
    assert outcome.message.replace(theirs.pool_id, "<pool>") == nowhere.message.replace(
        MISSING_POOL, "<pool>"
    )
    if is_write:
        assert snapshot(world, theirs) == before


@pytest.mark.parametrize("operation", POOLED)
def test_a_key_may_use_its_own_pool(world: World, operation: str) -> None:
    """Reads on pool A (its seeded objects); every operation on scratch objects in pool A2."""
    if operation in READS:
        outcome = call(world.client_a, operation, PARAMS[operation](world.a.target))
        assert outcome.code == ON_OWN_POOL.get(operation), outcome
    tag = uuid.uuid4().hex[:8]
    target = Target(world.a2.pool_id, "", f"u-{tag}", f"v-{tag}", f"g-{tag}", tag)
    client_id = world.admin.create_user_pool_client(
        UserPoolId=target.pool_id, ClientName=f"c-{tag}", ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]["ClientId"]
    target = replace(target, client_id=client_id)
    scratch(world.admin, target.pool_id, client_id, target.user, target.unconfirmed, target.group)
    oauth_objects(world.admin, target.pool_id)
    outcome = call(world.client_a, operation, PARAMS[operation](target))
    if operation == "DeleteUserPool":
        assert answer(outcome) == denied(KEY_A_ID, operation, target.pool_id)
    else:
        assert outcome.code == ON_OWN_POOL.get(operation), outcome


@pytest.mark.parametrize("key_id", [KEY_A_ID, KEY_B_ID])
def test_a_scoped_key_cannot_create_or_delete_pools(world: World, key_id: str) -> None:
    client = world.client_for(key_id)
    before = pool_ids(world)
    assert answer(call(client, "CreateUserPool", {"PoolName": "mine"})) == denied(
        key_id, "CreateUserPool", None
    )
    own = world.a if key_id == KEY_A_ID else world.b
    for pool_id in (own.pool_id, MISSING_POOL):
        outcome = call(client, "DeleteUserPool", {"UserPoolId": pool_id})
        assert answer(outcome) == denied(key_id, "DeleteUserPool", pool_id)
    assert pool_ids(world) == before


def test_list_user_pools_shows_a_scoped_key_only_its_pools(world: World) -> None:
    mine = {world.a.pool_id, world.a2.pool_id}
    listed = world.client_a.list_user_pools(MaxResults=60)
    assert {p["Id"] for p in listed["UserPools"]} == mine
    assert "NextToken" not in listed
    assert {p["Id"] for p in world.client_b.list_user_pools(MaxResults=60)["UserPools"]} == {
        world.b.pool_id
    }
    seen: list[str] = []
    token: str | None = None
    first_token: str | None = None
    for _ in range(10):
        page = world.client_a.list_user_pools(
            MaxResults=1, **({"NextToken": token} if token else {})
        )
        assert len(page["UserPools"]) <= 1
        seen += [p["Id"] for p in page["UserPools"]]
        token = page.get("NextToken")
        first_token = first_token or token
        if not token:
            break
    assert sorted(seen) == sorted(mine)
    # Key A's page token does not widen key B's view.
    assert first_token is not None
    outcome = call(world.client_b, "ListUserPools", {"MaxResults": 60, "NextToken": first_token})
    if outcome.code is None:
        assert {p["Id"] for p in outcome.response["UserPools"]} <= {world.b.pool_id}
    else:
        assert outcome.code == "InvalidParameterException", outcome


def test_describe_user_pool_domain_is_for_unscoped_keys(world: World) -> None:
    """DescribeUserPoolDomain names a domain, not a pool, so a pool-scoped key cannot be
    checked before the look-up: it is denied, and the admin key is answered."""
    domain = domain_of(world.a.pool_id)
    outcome = call(world.client_a, "DescribeUserPoolDomain", {"Domain": domain})
    assert answer(outcome) == denied(KEY_A_ID, "DescribeUserPoolDomain", None)
    described = world.admin.describe_user_pool_domain(Domain=domain)["DomainDescription"]
    assert described["UserPoolId"] == world.a.pool_id


def test_a_scoped_key_is_denied_before_validation(world: World) -> None:
    """Malformed parameters on another pool: still AccessDenied, not a validation error."""
    client = idp(world.server, world.key_a, parameter_validation=False)
    for params in (
        {"UserPoolId": world.b.pool_id},
        {"UserPoolId": world.b.pool_id, "Username": ""},
        {"UserPoolId": world.b.pool_id, "Username": "x" * 500},
    ):
        outcome = call(client, "AdminGetUser", params)
        assert answer(outcome) == denied(KEY_A_ID, "AdminGetUser", world.b.pool_id)
    outcome = call(client, "AdminGetUser", {"Username": "alice"})
    assert answer(outcome) == denied(KEY_A_ID, "AdminGetUser", None)


@pytest.mark.parametrize("operation", ["DescribeUserPoolClient", "AdminInitiateAuth"])
def test_another_pools_client_id_is_like_a_missing_one(world: World, operation: str) -> None:
    """On its own pool, key A naming pool B's client learns nothing pool B's client."""
    target = world.a.target
    theirs = call(
        world.client_a, operation, PARAMS[operation](replace(target, client_id=world.b.client_id))
    )
    missing_id = "1" * len(world.b.client_id)
    nowhere = call(
        world.client_a, operation, PARAMS[operation](replace(target, client_id=missing_id))
    )
    assert theirs.code is not None and theirs.code not in AUTH_ERRORS
    assert theirs.code == nowhere.code
    assert theirs.message.replace(world.b.client_id, "<id>") == nowhere.message.replace(
        missing_id, "<id>"
    )


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def test_tokens_do_not_cross_pools(world: World) -> None:
    a, b = world.a, world.b
    jwks = f"{world.endpoint}/{{}}/.well-known/jwks.json"
    ours = KeySet.import_key_set(get_json(jwks.format(a.pool_id)))
    theirs = KeySet.import_key_set(get_json(jwks.format(b.pool_id)))
    assert jose_jwt.decode(a.access_token, ours, algorithms=["RS256"]).claims["sub"]
    with pytest.raises((JoseError, ValueError)):
        jose_jwt.decode(a.access_token, theirs, algorithms=["RS256"])
    assert world.unsigned.get_user(AccessToken=a.access_token)["Username"] == "alice"
    refresh = {"REFRESH_TOKEN": a.refresh_token}
    cross = call(
        world.unsigned,
        "InitiateAuth",
        {"ClientId": b.client_id, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": refresh},
    )
    assert cross.code == "NotAuthorizedException", cross
    own = world.unsigned.initiate_auth(
        ClientId=a.client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters=refresh
    )
    assert own["AuthenticationResult"]["AccessToken"]


# public operations --------------------------------------------------------------------------

AUTH_STYLES = ["unsigned", "garbage header", "unknown key", "wrong secret", "other tenant's key"]


def public_client(w: World, style: str) -> Any:
    if style == "unsigned":
        return idp(w.server)
    if style == "garbage header":
        return with_header(idp(w.server), "AWS4-HMAC-SHA256 garbage")
    if style == "unknown key":
        return idp(w.server, UNKNOWN_KEY)
    if style == "wrong secret":
        return idp(w.server, WRONG_SECRET)
    return idp(w.server, w.key_b)  # a valid key, scoped to another pool


@pytest.mark.parametrize("style", AUTH_STYLES)
def test_public_operations_ignore_signatures(world: World, style: str) -> None:
    client, tenant, tag = public_client(world, style), world.a2, uuid.uuid4().hex[:8]
    signed_up = client.sign_up(
        ClientId=tenant.client_id,
        Username=f"p-{tag}",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": f"p-{tag}@example.com"}],
    )
    assert signed_up["UserConfirmed"] is False
    tokens = sign_in(client, tenant)["AuthenticationResult"]
    assert client.get_user(AccessToken=tokens["AccessToken"])["Username"] == "alice"
    assert (
        client.forgot_password(ClientId=tenant.client_id, Username="alice")["CodeDeliveryDetails"][
            "DeliveryMedium"
        ]
        == "EMAIL"
    )
    world.admin.admin_create_user(
        UserPoolId=tenant.pool_id,
        Username=f"t-{tag}",
        TemporaryPassword=OTHER_PASSWORD,
        MessageAction="SUPPRESS",
    )
    challenge = sign_in(client, tenant, f"t-{tag}", OTHER_PASSWORD)
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    answered = client.respond_to_auth_challenge(
        ClientId=tenant.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": f"t-{tag}", "NEW_PASSWORD": PASSWORD},
    )
    assert answered["AuthenticationResult"]["AccessToken"]


# raw HTTP -----------------------------------------------------------------------------------


class SignedAt(SigV4Auth):  # type: ignore[misc]
    """botocore's signer at a chosen time, optionally leaving headers out of the signature."""

    def __init__(
        self,
        credentials: Credentials,
        service: str,
        region: str,
        when: datetime,
        leave_out: tuple[str, ...] = (),
    ) -> None:
        super().__init__(credentials, service, region)
        self._when = when
        self._leave_out = leave_out

    def headers_to_sign(self, request: AWSRequest) -> Any:
        headers = super().headers_to_sign(request)
        for name in self._leave_out:
            del headers[name]
        return headers

    def add_auth(self, request: AWSRequest) -> None:
        # SigV4Auth.add_auth, with the time given instead of the clock's.
        request.context["timestamp"] = self._when.strftime(SIGV4_TIMESTAMP)
        self._modify_request_before_signing(request)
        canonical = self.canonical_request(request)
        signature = self.signature(self.string_to_sign(request, canonical), request)
        self._inject_signature_to_request(request, signature)


@dataclass(frozen=True)
class Raw:
    status: int
    body: dict[str, Any]

    @property
    def answer(self) -> tuple[str | None, str | None]:
        return self.body.get("__type"), self.body.get("message")


def request_for(
    endpoint: str, operation: str, params: dict[str, Any], path: str = "/", **headers: str
) -> AWSRequest:
    return AWSRequest(
        method="POST",
        url=endpoint + path,
        data=json.dumps(params).encode(),
        headers={
            "Content-Type": CONTENT_TYPE,
            "X-Amz-Target": TARGET_PREFIX + operation,
            **headers,
        },
    )


def sign(
    request: AWSRequest,
    cred: Cred = ADMIN,
    *,
    skew: timedelta = timedelta(0),
    service: str = sigv4.SERVICE,
    region: str = REGION,
    leave_out: tuple[str, ...] = (),
) -> AWSRequest:
    when = datetime.now(UTC) + skew
    SignedAt(Credentials(cred.key_id, cred.secret), service, region, when, leave_out).add_auth(
        request
    )
    return request


def send(
    endpoint: str,
    request: AWSRequest,
    *,
    path: str = "/",
    body: bytes | None = None,
    **headers: str,
) -> Raw:
    """Send ``request`` as signed, ``headers`` added or replaced (``X_Amz_Date``: X-Amz-Date)."""
    sent = {name: value for name, value in request.headers.items()}
    for name, value in headers.items():
        name = name.replace("_", "-")
        sent = {k: v for k, v in sent.items() if k.lower() != name.lower()}
        sent[name] = value
    url = urlsplit(endpoint)
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    try:
        conn.request("POST", path, body=request.data if body is None else body, headers=sent)
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    try:
        parsed = json.loads(data)
    except ValueError:
        parsed = {"raw": data.decode("latin-1")}
    return Raw(response.status, parsed if isinstance(parsed, dict) else {"raw": parsed})


def list_users(w: World) -> AWSRequest:
    return request_for(w.endpoint, "ListUsers", {"UserPoolId": w.a.pool_id})


def test_raw_signed_request_is_served(world: World) -> None:
    raw = send(world.endpoint, sign(list_users(world)))
    assert raw.status == 200, raw
    assert "alice" in {u["Username"] for u in raw.body["Users"]}


def test_raw_signed_request_with_the_right_content_hash_is_served(world: World) -> None:
    request = list_users(world)
    request.headers["X-Amz-Content-SHA256"] = hashlib.sha256(request.data).hexdigest()
    assert send(world.endpoint, sign(request)).status == 200


@pytest.mark.parametrize("skew", [timedelta(minutes=-4), timedelta(minutes=4)])
def test_raw_clock_skew_within_five_minutes_is_served(world: World, skew: timedelta) -> None:
    assert send(world.endpoint, sign(list_users(world), skew=skew)).status == 200


def test_raw_expired_signature(world: World) -> None:
    request = sign(list_users(world), skew=timedelta(minutes=-6))
    code, message = send(world.endpoint, request).answer
    assert code == "InvalidSignatureException"
    assert message is not None
    assert message.startswith(f"Signature expired: {request.headers['X-Amz-Date']} is now earlier")
    assert message.endswith(" - 5 min.)")


def test_raw_signature_from_the_future(world: World) -> None:
    request = sign(list_users(world), skew=timedelta(minutes=6))
    code, message = send(world.endpoint, request).answer
    assert code == "InvalidSignatureException"
    assert message is not None
    assert message.startswith(
        f"Signature not yet current: {request.headers['X-Amz-Date']} is still later"
    )
    assert message.endswith(" + 5 min.)")


def _date_shifted(request: AWSRequest) -> AWSRequest:
    header = request.headers["Authorization"]
    date = request.headers["X-Amz-Date"][:8]
    yesterday = (datetime.strptime(date, "%Y%m%d") - timedelta(days=1)).strftime("%Y%m%d")
    del request.headers["Authorization"]
    request.headers["Authorization"] = header.replace(f"/{date}/", f"/{yesterday}/")
    return request


def _date_nudged(w: World) -> Raw:
    """The signed X-Amz-Date with another second of the same minute: same day, no skew."""
    request = sign(list_users(w))
    stamp = request.headers["X-Amz-Date"]
    second = (int(stamp[13:15]) + 1) % 60
    return send(w.endpoint, request, X_Amz_Date=f"{stamp[:13]}{second:02d}Z")


def _region_swapped(request: AWSRequest) -> AWSRequest:
    header = request.headers["Authorization"]
    del request.headers["Authorization"]
    request.headers["Authorization"] = header.replace("/eu-west-1/", f"/{REGION}/")
    return request


TAMPERED: dict[str, tuple[Callable[[World], Raw], tuple[str, str]]] = {
    "body changed after signing": (
        lambda w: send(
            w.endpoint,
            sign(list_users(w)),
            body=json.dumps({"UserPoolId": w.a2.pool_id}).encode(),
        ),
        MISMATCH,
    ),
    "body with a byte appended": (
        lambda w: send(w.endpoint, sign(list_users(w)), body=list_users(w).data + b" "),
        MISMATCH,
    ),
    "signed target changed": (
        lambda w: send(w.endpoint, sign(list_users(w)), X_Amz_Target=TARGET_PREFIX + "ListGroups"),
        MISMATCH,
    ),
    "host changed": (
        lambda w: send(w.endpoint, sign(list_users(w)), Host="cognito-idp.us-east-1.amazonaws.com"),
        MISMATCH,
    ),
    "signed for /x, sent to /": (
        lambda w: send(
            w.endpoint,
            sign(request_for(w.endpoint, "ListUsers", {"UserPoolId": w.a.pool_id}, "/x")),
        ),
        MISMATCH,
    ),
    "query added": (
        lambda w: send(w.endpoint, sign(list_users(w)), path="/?Action=ListUsers"),
        MISMATCH,
    ),
    "content type changed": (
        lambda w: send(w.endpoint, sign(list_users(w)), Content_Type="application/json"),
        MISMATCH,
    ),
    "x-amz-date changed by a second": (lambda w: _date_nudged(w), MISMATCH),
    "scope for service iam": (
        lambda w: send(w.endpoint, sign(list_users(w), service="iam")),
        WRONG_SCOPE,
    ),
    "scope with an invalid region": (
        lambda w: send(w.endpoint, sign(list_users(w), region="US_EAST_1")),
        WRONG_SCOPE,
    ),
    "scope for another date": (
        lambda w: send(w.endpoint, _date_shifted(sign(list_users(w)))),
        WRONG_DATE,
    ),
    "scope region changed after signing": (
        lambda w: send(w.endpoint, _region_swapped(sign(list_users(w), region="eu-west-1"))),
        MISMATCH,
    ),
    "content hash not matching the body (signed)": (
        lambda w: _with_hash(w, hashlib.sha256(b"{}").hexdigest()),
        MISMATCH,
    ),
    "content hash not matching the body (unsigned)": (
        lambda w: send(
            w.endpoint,
            sign(list_users(w)),
            X_Amz_Content_SHA256=hashlib.sha256(b"{}").hexdigest(),
        ),
        MISMATCH,
    ),
    "content hash UNSIGNED-PAYLOAD": (
        lambda w: _with_hash(w, "UNSIGNED-PAYLOAD"),
        MISMATCH,
    ),
    "wrong secret": (lambda w: send(w.endpoint, sign(list_users(w), WRONG_SECRET)), MISMATCH),
    "unknown key": (lambda w: send(w.endpoint, sign(list_users(w), UNKNOWN_KEY)), UNKNOWN),
}


def _with_hash(w: World, claimed: str) -> Raw:
    request = list_users(w)
    request.headers["X-Amz-Content-SHA256"] = claimed
    return send(w.endpoint, sign(request))


@pytest.mark.parametrize("case", sorted(TAMPERED))
def test_raw_tampered_request_is_refused(world: World, case: str) -> None:
    send_it, expected = TAMPERED[case]
    raw = send_it(world)
    assert raw.answer == expected, raw
    assert raw.status == 400


def test_raw_request_to_another_path_is_not_served(world: World) -> None:
    raw = send(world.endpoint, sign(list_users(world)), path="/x")
    assert raw.status == 404
    assert "Users" not in raw.body


INCOMPLETE: dict[str, Callable[[World], Raw]] = {
    "host not signed": lambda w: send(w.endpoint, sign(list_users(w), leave_out=("host",))),
    "x-amz-date not signed": lambda w: send(
        w.endpoint, sign(list_users(w), leave_out=("x-amz-date",))
    ),
    "x-amz-date missing": lambda w: _without(w, "X-Amz-Date"),
    # Unsigned, the target could be swapped: a signed ListUsers replayed as DeleteUserPool.
    "x-amz-target not signed": lambda w: send(
        w.endpoint, sign(list_users(w), leave_out=("x-amz-target",))
    ),
    "another algorithm": lambda w: _rewritten(w, "AWS4-HMAC-SHA256 ", "AWS4-HMAC-SHA512 "),
    "bearer token": lambda w: send(w.endpoint, list_users(w), Authorization="Bearer abc"),
    "no signature": lambda w: _rewritten(w, ", Signature=", ", Sig="),
    "no credential": lambda w: _rewritten(w, "Credential=", "Cred="),
    "no signed headers": lambda w: _rewritten(w, "SignedHeaders=", "Signed="),
    "credential without service": lambda w: _rewritten(
        w, "/cognito-idp/aws4_request", "/aws4_request"
    ),
    "signature not hex": lambda w: _signature_replaced(w, "z" * 64),
    "signature too short": lambda w: _signature_replaced(w, "0" * 63),
    "signed headers unsorted": lambda w: _rewritten(w, "content-type;host", "host;content-type"),
    "empty authorization": lambda w: send(w.endpoint, list_users(w), Authorization=""),
}


def _rewritten(w: World, old: str, new: str) -> Raw:
    request = sign(list_users(w))
    header = request.headers["Authorization"]
    assert old in header
    return send(w.endpoint, request, Authorization=header.replace(old, new, 1))


def _signature_replaced(w: World, signature: str) -> Raw:
    request = sign(list_users(w))
    head, _, _ = request.headers["Authorization"].rpartition("Signature=")
    return send(w.endpoint, request, Authorization=f"{head}Signature={signature}")


def _without(w: World, header: str) -> Raw:
    request = sign(list_users(w))
    del request.headers[header]
    return send(w.endpoint, request)


@pytest.mark.parametrize("case", sorted(INCOMPLETE))
def test_raw_malformed_authorization_is_incomplete(world: World, case: str) -> None:
    raw = INCOMPLETE[case](world)
    code, message = raw.answer
    assert code == "IncompleteSignatureException", raw
    assert message is not None
    assert message.startswith("Authorization header is not a valid AWS Signature Version 4: ")
    assert raw.status == 400


def test_raw_unsigned_request_is_missing_a_token(world: World) -> None:
    raw = send(world.endpoint, list_users(world))
    assert raw.answer == MISSING_TOKEN


def test_raw_signature_checked_before_the_body_is_decoded(world: World) -> None:
    """A body that is not JSON, correctly signed, is a SerializationException; tampered with,
    an InvalidSignatureException: authentication comes first."""
    request = list_users(world)
    request.data = b"\xff not json"
    assert send(world.endpoint, sign(request)).answer[0] == "SerializationException"
    assert send(world.endpoint, sign(request), body=b"\xfe not json").answer == MISMATCH


def test_raw_denied_answers_have_one_shape(world: World) -> None:
    """Key A: pool B and a missing pool give the same status, headers and body shape."""
    answers = []
    for pool_id in (world.b.pool_id, MISSING_POOL):
        request = request_for(world.endpoint, "ListUsers", {"UserPoolId": pool_id})
        raw = send(world.endpoint, sign(request, world.key_a))
        answers.append((raw.status, json.dumps(raw.body).replace(pool_id, "<pool>")))
    assert answers[0] == answers[1]
    assert answers[0][0] == 400


QUICK = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@QUICK
@given(data=st.data())
def test_raw_any_flipped_body_byte_is_an_invalid_signature(
    world: World, data: st.DataObject
) -> None:
    request = sign(list_users(world))
    body = bytearray(request.data)
    index = data.draw(st.integers(0, len(body) - 1), label="index")
    body[index] ^= data.draw(st.integers(1, 255), label="mask")
    assert send(world.endpoint, request, body=bytes(body)).answer == MISMATCH


@QUICK
@given(data=st.data())
def test_raw_any_changed_signature_digit_is_an_invalid_signature(
    world: World, data: st.DataObject
) -> None:
    request = sign(list_users(world))
    head, _, signature = request.headers["Authorization"].rpartition("Signature=")
    index = data.draw(st.integers(0, len(signature) - 1), label="index")
    digit = data.draw(st.sampled_from([d for d in "0123456789abcdef" if d != signature[index]]))
    changed = signature[:index] + digit + signature[index + 1 :]
    assert send(world.endpoint, request, Authorization=f"{head}Signature={changed}").answer == (
        MISMATCH
    )


# development mode ---------------------------------------------------------------------------


@pytest.mark.parametrize("style", ["unsigned", "garbage header", "any key", "expired signature"])
def test_development_mode_accepts_any_signature_or_none(
    userpools_server: RunningServer, style: str
) -> None:
    endpoint = userpools_server.endpoint_url
    if style == "expired signature":
        create = request_for(endpoint, "CreateUserPool", {"PoolName": "dev"})
        raw = send(endpoint, sign(create, UNKNOWN_KEY, skew=timedelta(hours=-2)))
        assert raw.status == 200, raw
        pool_id = raw.body["UserPool"]["Id"]
        delete = request_for(endpoint, "DeleteUserPool", {"UserPoolId": pool_id})
        assert send(endpoint, sign(delete, WRONG_SECRET)).status == 200
        return
    client = {
        "unsigned": lambda: idp(userpools_server),
        "garbage header": lambda: with_header(idp(userpools_server), "garbage"),
        "any key": lambda: idp(userpools_server, UNKNOWN_KEY),
    }[style]()
    pool_id = client.create_user_pool(PoolName="dev")["UserPool"]["Id"]
    client.admin_create_user(UserPoolId=pool_id, Username="dev", MessageAction="SUPPRESS")
    assert client.admin_get_user(UserPoolId=pool_id, Username="dev")["Username"] == "dev"
    assert pool_id in {p["Id"] for p in client.list_user_pools(MaxResults=60)["UserPools"]}
    client.delete_user_pool(UserPoolId=pool_id)
