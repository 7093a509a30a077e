"""Choice-based sign-in (``USER_AUTH``) across two ``userpools serve`` nodes on one PostgreSQL
database: each step of one sign-in reaches another node than the step before, and a session
used on one node is used up on the other."""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .nodes import Node, Nodes

PASSWORD = "Corr3ct-Horse!"


@pytest.fixture(scope="session")
def store_kind() -> str:
    """Only PostgreSQL: ``fresh_database`` is a private PostgreSQL database here."""
    return "postgres"


def email_code(node: Node, pool: str, email: str) -> str:
    """The code in the newest email to ``email`` (``GET /_userpools/messages``)."""
    query = urllib.parse.urlencode({"pool": pool, "to": email})
    with urllib.request.urlopen(f"{node.endpoint_url}/_userpools/messages?{query}") as reply:
        newest = json.loads(reply.read())["messages"][0]
    found = re.search(r"\b\d{8}\b", newest["body"])
    assert found is not None
    return found.group(0)


def test_a_user_auth_sign_in_moves_between_nodes(
    fresh_database: dict[str, Any], nodes: Nodes
) -> None:
    url = fresh_database["database_url"]
    first, second = nodes.start(database_url=url), nodes.start(database_url=url)
    a, b = first.client(), second.client()
    policy = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}}
    pool = a.create_user_pool(PoolName="two nodes", Policies=policy)["UserPool"]["Id"]
    client = a.create_user_pool_client(
        UserPoolId=pool, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_AUTH"]
    )["UserPoolClient"]["ClientId"]
    a.admin_create_user(
        UserPoolId=pool,
        Username="ann",
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": "ann@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    a.admin_set_user_password(UserPoolId=pool, Username="ann", Password=PASSWORD, Permanent=True)

    started = a.initiate_auth(
        ClientId=client, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": "ann"}
    )
    assert started["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]
    chosen = b.respond_to_auth_challenge(
        ClientId=client,
        ChallengeName="SELECT_CHALLENGE",
        Session=started["Session"],
        ChallengeResponses={"USERNAME": "ann", "ANSWER": "EMAIL_OTP"},
    )
    assert chosen["ChallengeName"] == "EMAIL_OTP"
    code = email_code(second, pool, "ann@example.com")
    done = a.respond_to_auth_challenge(
        ClientId=client,
        ChallengeName="EMAIL_OTP",
        Session=chosen["Session"],
        ChallengeResponses={"USERNAME": "ann", "EMAIL_OTP_CODE": code},
    )
    assert done["AuthenticationResult"]["AccessToken"]

    # The SELECT_CHALLENGE session was used on the second node: the first refuses it.
    with pytest.raises(ClientError) as excinfo:
        a.respond_to_auth_challenge(
            ClientId=client,
            ChallengeName="SELECT_CHALLENGE",
            Session=started["Session"],
            ChallengeResponses={"USERNAME": "ann", "ANSWER": "PASSWORD", "PASSWORD": PASSWORD},
        )
    assert excinfo.value.response["Error"]["Message"] == (
        "Invalid session for the user, session can only be used once."
    )
