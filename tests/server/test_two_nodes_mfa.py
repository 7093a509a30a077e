"""MFA and one-time codes across two ``userpools serve`` nodes on one PostgreSQL database.

A challenge begun on one node is answered on the other: a TOTP sign-in (its code, once used on
one node, is refused on the other: the no-replay rule holds across nodes), a TOTP set up
during the sign-in (``MFA_SETUP``: associate, verify and answer, each on the other node than
the step before), and a ``USER_AUTH`` sign-in with an email code (``PREFERRED_CHALLENGE``),
its wrong code refused on one node and its right one taken on the other.

The nodes keep real time, and pyotp computes codes from it: a test starts early in a 30-second
step (``nodes.fresh_step``) so that it ends within that step. Amplify JS does the same across
nodes in ``tests/api/test_amplify_mfa.py``.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from typing import Any

import pyotp
import pytest
from botocore.exceptions import ClientError

from .nodes import Node, Nodes, fresh_step

PASSWORD = "Corr3ct-Horse!"
PUBLIC_URL = "http://userpools.test:9229"
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
TOTP_MISMATCH = ("CodeMismatchException", "Invalid code received for user")
CODE_MISMATCH = ("CodeMismatchException", "Invalid code or auth state for the user.")
REUSED = ("ExpiredCodeException", "Your software token has already been used once.")
USED_ONCE = (
    "NotAuthorizedException",
    "Invalid session for the user, session can only be used once.",
)


@pytest.fixture(scope="session")
def store_kind() -> str:
    """Only PostgreSQL: ``fresh_database`` is a private PostgreSQL database here."""
    return "postgres"


@pytest.fixture
def two(fresh_database: dict[str, Any], nodes: Nodes) -> tuple[Node, Node]:
    """Two nodes behind one ``--public-url``, as behind a load balancer, so each accepts the
    other's tokens (tests/server/test_revocation_nodes.py)."""
    url = fresh_database["database_url"]
    started = [nodes.start(database_url=url, extra=("--public-url", PUBLIC_URL)) for _ in "ab"]
    return started[0], started[1]


def refused(call: Any, **arguments: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as excinfo:
        call(**arguments)
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def other(code: str) -> str:
    return f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}"


def setup(a: Any, mode: str, **pool: Any) -> tuple[str, str]:
    """A pool (MFA ``mode``, with TOTP unless OFF) with one app client and the user ann, made
    on ``a``."""
    pool_id = a.create_user_pool(PoolName="two nodes", **pool)["UserPool"]["Id"]
    if mode != "OFF":
        a.set_user_pool_mfa_config(
            UserPoolId=pool_id,
            MfaConfiguration=mode,
            SoftwareTokenMfaConfiguration={"Enabled": True},
        )
    client_id = a.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]["ClientId"]
    a.admin_create_user(
        UserPoolId=pool_id,
        Username="ann",
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": "ann@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    a.admin_set_user_password(UserPoolId=pool_id, Username="ann", Password=PASSWORD, Permanent=True)
    return pool_id, client_id


def password_auth(api: Any, client_id: str) -> dict[str, Any]:
    reply: dict[str, Any] = api.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
    )
    return reply


def answer(api: Any, client_id: str, name: str, session: str, **responses: str) -> Any:
    return api.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName=name,
        Session=session,
        ChallengeResponses={"USERNAME": "ann", **responses},
    )


def test_a_totp_challenge_begun_on_one_node_is_answered_on_the_other(
    two: tuple[Node, Node],
) -> None:
    a, b = (node.client() for node in two)
    _, client_id = setup(a, "OPTIONAL")
    token = password_auth(a, client_id)["AuthenticationResult"]["AccessToken"]
    now = fresh_step()
    authenticator = pyotp.TOTP(a.associate_software_token(AccessToken=token)["SecretCode"])
    # The previous step's code (within the ±1 step the server allows) sets the token up, so
    # the current step's code is still unused for the sign-in.
    verified = b.verify_software_token(AccessToken=token, UserCode=authenticator.at(now - 30))
    assert verified["Status"] == "SUCCESS"
    a.set_user_mfa_preference(
        AccessToken=token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )

    challenge = a.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
    )
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    session = challenge["Session"]
    code = authenticator.at(now)
    wrong = {"SOFTWARE_TOKEN_MFA_CODE": other(code)}
    assert (
        refused(
            answer, api=b, client_id=client_id, name="SOFTWARE_TOKEN_MFA", session=session, **wrong
        )
        == TOTP_MISMATCH
    )

    done = b.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=session,
        ChallengeResponses={"USERNAME": "ann", "SOFTWARE_TOKEN_MFA_CODE": code},
    )

    assert a.get_user(AccessToken=done["AuthenticationResult"]["AccessToken"])["Username"] == "ann"
    right = {"SOFTWARE_TOKEN_MFA_CODE": code}
    assert (
        refused(
            answer, api=a, client_id=client_id, name="SOFTWARE_TOKEN_MFA", session=session, **right
        )
        == USED_ONCE
    )
    # The code was used on the second node: a new sign-in on the first refuses it.
    again = password_auth(a, client_id)["Session"]
    assert (
        refused(
            answer, api=a, client_id=client_id, name="SOFTWARE_TOKEN_MFA", session=again, **right
        )
        == REUSED
    )


def test_totp_set_up_during_a_sign_in_across_nodes(two: tuple[Node, Node]) -> None:
    a, b = (node.client() for node in two)
    pool_id, client_id = setup(a, "ON")

    challenge = password_auth(a, client_id)

    assert challenge["ChallengeName"] == "MFA_SETUP"
    assert json.loads(challenge["ChallengeParameters"]["MFAS_CAN_SETUP"]) == ["SOFTWARE_TOKEN_MFA"]
    now = fresh_step()
    associated = b.associate_software_token(Session=challenge["Session"])
    authenticator = pyotp.TOTP(associated["SecretCode"])
    verified = a.verify_software_token(
        Session=associated["Session"], UserCode=authenticator.at(now), FriendlyDeviceName="phone"
    )
    assert verified["Status"] == "SUCCESS"
    done = answer(b, client_id, "MFA_SETUP", verified["Session"])
    assert a.get_user(AccessToken=done["AuthenticationResult"]["AccessToken"])["Username"] == "ann"
    shown = b.admin_get_user(UserPoolId=pool_id, Username="ann")
    assert shown["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert (
        refused(answer, api=a, client_id=client_id, name="MFA_SETUP", session=verified["Session"])
        == USED_ONCE
    )


def email_code(node: Node, pool_id: str) -> str:
    """The code in the newest email to ann, from the node's ``GET /_userpools/messages``."""
    query = urllib.parse.urlencode({"pool": pool_id, "to": "ann@example.com"})
    with urllib.request.urlopen(f"{node.endpoint_url}/_userpools/messages?{query}") as reply:
        newest = json.loads(reply.read())["messages"][0]
    found = re.search(r"\b\d{8}\b", newest["body"])
    assert found is not None, newest["body"]
    return found.group(0)


def test_an_email_code_asked_on_one_node_is_answered_on_the_other(
    two: tuple[Node, Node],
) -> None:
    first, second = two
    a, b = first.client(), second.client()
    policy = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}}
    pool_id, client_id = setup(a, "OFF", Policies=policy)

    asked = a.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "ann", "PREFERRED_CHALLENGE": "EMAIL_OTP"},
    )

    assert asked["ChallengeName"] == "EMAIL_OTP"
    assert asked["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "a***@e***"
    code = email_code(second, pool_id)
    session = asked["Session"]
    wrong = {"EMAIL_OTP_CODE": other(code)}
    assert (
        refused(answer, api=b, client_id=client_id, name="EMAIL_OTP", session=session, **wrong)
        == CODE_MISMATCH
    )
    done = answer(a, client_id, "EMAIL_OTP", session, EMAIL_OTP_CODE=code)
    assert b.get_user(AccessToken=done["AuthenticationResult"]["AccessToken"])["Username"] == "ann"
    right = {"EMAIL_OTP_CODE": code}
    assert (
        refused(answer, api=b, client_id=client_id, name="EMAIL_OTP", session=session, **right)
        == USED_ONCE
    )
