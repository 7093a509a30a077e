"""Revocation and sign-in state across two `userpools serve` nodes on one database.

Both stores: two processes on one SQLite file, or on one PostgreSQL database. Revocation
and auth sessions live in the database (docs/tokens.md, "Revocation"), so what one node does
binds the other on its very next request: a sign-out or a revoked refresh token acknowledged
by node B is refused by node A at once, and a challenge started on A can be answered on B,
once.

The nodes share one ``--public-url``, as nodes behind a load balancer must: a token's ``iss``
is ``{public-url}/{poolId}``, and without it each node would mint (and insist on) its own
listening address, refusing every other node's tokens as ``Invalid Access Token``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .nodes import Nodes

PASSWORD = "Correct-horse-1"
NEW_PASSWORD = "Battery-staple-2"
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
ACCESS_REVOKED = ("NotAuthorizedException", "Access Token has been revoked")
REFRESH_REVOKED = ("NotAuthorizedException", "Refresh Token has been revoked")
PUBLIC_URL = "http://userpools.test:9229"


def fails(call: Callable[..., Any], **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


@dataclass
class Side:
    """One node's client, for one pool and app client."""

    api: Any
    pool_id: str
    client_id: str

    def sign_in(self, username: str, password: str = PASSWORD) -> dict[str, Any]:
        response = self.api.initiate_auth(
            ClientId=self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
        result: dict[str, Any] = response["AuthenticationResult"]
        return result

    def refresh(self, refresh_token: str) -> dict[str, Any]:
        response = self.api.initiate_auth(
            ClientId=self.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh_token},
        )
        result: dict[str, Any] = response["AuthenticationResult"]
        return result

    def username(self, access_token: str) -> str:
        name: str = self.api.get_user(AccessToken=access_token)["Username"]
        return name


@pytest.fixture
def sides(fresh_database: dict[str, Any], nodes: Nodes) -> tuple[Side, Side]:
    """Nodes A and B on one database (of the current store), a pool, an app client, and a
    confirmed user ``ann`` with ``PASSWORD``."""
    started = [
        nodes.start(
            db=fresh_database["db_path"],
            database_url=fresh_database["database_url"],
            extra=("--public-url", PUBLIC_URL),
        )
        for _ in range(2)
    ]
    a, b = (node.client() for node in started)
    pool_id = a.create_user_pool(PoolName="revocation")["UserPool"]["Id"]
    client_id = a.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]["ClientId"]
    b.admin_create_user(UserPoolId=pool_id, Username="ann", MessageAction="SUPPRESS")
    a.admin_set_user_password(UserPoolId=pool_id, Username="ann", Password=PASSWORD, Permanent=True)
    return Side(a, pool_id, client_id), Side(b, pool_id, client_id)


def test_global_sign_out_on_one_node_is_refused_by_the_other_at_once(
    sides: tuple[Side, Side],
) -> None:
    a, b = sides
    for round_number in range(3):  # both directions, and again after signing in anew
        here, there = (a, b) if round_number % 2 == 0 else (b, a)
        on_here, on_there = here.sign_in("ann"), there.sign_in("ann")
        assert here.username(on_here["AccessToken"]) == "ann"
        assert here.username(on_there["AccessToken"]) == "ann"
        there.api.global_sign_out(AccessToken=on_here["AccessToken"])
        for tokens in (on_here, on_there):
            assert fails(here.api.get_user, AccessToken=tokens["AccessToken"]) == ACCESS_REVOKED
            assert fails(here.refresh, refresh_token=tokens["RefreshToken"]) == REFRESH_REVOKED
    # AdminUserGlobalSignOut on A, refused by B; a new sign-in on B works on A.
    tokens = b.sign_in("ann")
    a.api.admin_user_global_sign_out(UserPoolId=a.pool_id, Username="ann")
    assert fails(b.api.get_user, AccessToken=tokens["AccessToken"]) == ACCESS_REVOKED
    assert fails(b.refresh, refresh_token=tokens["RefreshToken"]) == REFRESH_REVOKED
    assert a.username(b.sign_in("ann")["AccessToken"]) == "ann"


def test_revoke_token_on_one_node_is_refused_by_the_other(sides: tuple[Side, Side]) -> None:
    a, b = sides
    first, second = a.sign_in("ann"), a.sign_in("ann")
    refreshed_on_b = b.refresh(first["RefreshToken"])  # same sign-in, tokens minted by B
    a.api.revoke_token(Token=first["RefreshToken"], ClientId=a.client_id)
    assert fails(b.refresh, refresh_token=first["RefreshToken"]) == REFRESH_REVOKED
    for tokens in (first, refreshed_on_b):
        for side in (a, b):
            assert fails(side.api.get_user, AccessToken=tokens["AccessToken"]) == ACCESS_REVOKED
    # The other sign-in goes on, on both nodes.
    assert b.username(second["AccessToken"]) == "ann"
    assert a.username(b.refresh(second["RefreshToken"])["AccessToken"]) == "ann"
    # Disabling on B refuses A's tokens at once, and deleting on A refuses B's.
    third = a.sign_in("ann")
    b.api.admin_disable_user(UserPoolId=b.pool_id, Username="ann")
    assert fails(a.api.get_user, AccessToken=second["AccessToken"])[0] == "NotAuthorizedException"
    assert fails(a.refresh, refresh_token=third["RefreshToken"])[0] == "NotAuthorizedException"
    b.api.admin_enable_user(UserPoolId=b.pool_id, Username="ann")
    fourth = b.sign_in("ann")
    a.api.admin_delete_user(UserPoolId=a.pool_id, Username="ann")
    assert fails(b.api.get_user, AccessToken=fourth["AccessToken"]) == ACCESS_REVOKED


def test_new_password_challenge_started_on_one_node_is_answered_on_the_other(
    sides: tuple[Side, Side],
) -> None:
    a, b = sides
    a.api.admin_create_user(
        UserPoolId=a.pool_id,
        Username="bob",
        TemporaryPassword="Temp-Passw0rd!",
        MessageAction="SUPPRESS",
    )
    started = a.api.initiate_auth(
        ClientId=a.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bob", "PASSWORD": "Temp-Passw0rd!"},
    )
    assert started["ChallengeName"] == "NEW_PASSWORD_REQUIRED"

    def answer(side: Side, password: str) -> dict[str, Any]:
        response: dict[str, Any] = side.api.respond_to_auth_challenge(
            ClientId=side.client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=started["Session"],
            ChallengeResponses={"USERNAME": "bob", "NEW_PASSWORD": password},
        )
        return response

    # A password the policy refuses, on B, leaves the session to be answered on A.
    assert fails(answer, side=b, password="short")[0] == "InvalidPasswordException"
    tokens = answer(b, NEW_PASSWORD)["AuthenticationResult"]
    assert a.username(tokens["AccessToken"]) == "bob"
    assert a.api.admin_get_user(UserPoolId=a.pool_id, Username="bob")["UserStatus"] == "CONFIRMED"
    # Used up, on every node.
    for side in (a, b):
        assert fails(answer, side=side, password="Another-pass-3") == (
            "NotAuthorizedException",
            "Invalid session for the user.",
        )
    assert b.username(a.sign_in("bob", NEW_PASSWORD)["AccessToken"]) == "bob"
