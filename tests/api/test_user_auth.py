"""Choice-based sign-in (``USER_AUTH``) end to end, on both stores, through unmodified boto3.

``PREFERRED_CHALLENGE`` for each factor, ``SELECT_CHALLENGE`` and each ``ANSWER``, SRP with
pycognito's client, the refusals with AWS's codes and messages, and the pool's
``SignInPolicy`` rules on CreateUserPool and UpdateUserPool (docs/auth-flows.md, USER_AUTH).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pycognito.aws_srp import AWSSRP  # type: ignore[import-untyped]
from support import error_of
from test_sign_in import Pools as SignInPools

from userpools.testing import RunningServer

PASSWORD = "Corr3ct-Horse!"
TEMPORARY = "Temp-Passw0rd!"
WRONG = "Wr0ng-Passw0rd!"
FLOWS = ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
PASSWORD_ONLY = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD"]}}
WITH_EMAIL = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}}
INCORRECT = ("NotAuthorizedException", "Incorrect username or password.")
SESSION_INVALID = ("NotAuthorizedException", "Invalid session for the user.")
SESSION_USED = (
    "NotAuthorizedException",
    "Invalid session for the user, session can only be used once.",
)
WEB_AUTHN = (
    "UnsupportedOperationException",
    "userpools does not support WEB_AUTHN (passkey) sign-in yet.",
)


class Pools(SignInPools):
    """:class:`test_sign_in.Pools` with clients that allow ``USER_AUTH``."""

    flows = FLOWS


@pytest.fixture
def pools(cognito_idp: Any) -> Iterator[Pools]:
    made = Pools(cognito_idp)
    yield made
    made.close()


@pytest.fixture
def clocked(clocked_server: RunningServer, clock: Any) -> Iterator[Pools]:
    made = Pools(clocked_server.client())
    yield made
    made.close()


def refused(call: Callable[..., object], *args: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as excinfo:
        call(*args, **kwargs)
    return error_of(excinfo)


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


def signed_in(reply: dict[str, Any], username: str) -> None:
    assert "ChallengeName" not in reply
    result = reply["AuthenticationResult"]
    assert claims(result["IdToken"])["cognito:username"] == username
    assert claims(result["AccessToken"])["token_use"] == "access"


def user_auth(idp: Any, client: str, **parameters: str) -> dict[str, Any]:
    reply: dict[str, Any] = idp.initiate_auth(
        ClientId=client, AuthFlow="USER_AUTH", AuthParameters=parameters
    )
    return reply


def respond(idp: Any, client: str, name: str, session: str, **responses: str) -> dict[str, Any]:
    reply: dict[str, Any] = idp.respond_to_auth_challenge(
        ClientId=client, ChallengeName=name, Session=session, ChallengeResponses=responses
    )
    return reply


def srp_client(idp: Any, pool: str, client: str, username: str, password: str) -> AWSSRP:
    return AWSSRP(username=username, password=password, pool_id=pool, client_id=client, client=idp)


def verify(
    idp: Any, client: str, srp: AWSSRP, parameters: dict[str, str], reply: dict[str, Any]
) -> dict[str, Any]:
    """Answer a PASSWORD_VERIFIER challenge with pycognito's proof."""
    assert reply["ChallengeName"] == "PASSWORD_VERIFIER"
    answer = srp.process_challenge(reply["ChallengeParameters"], parameters)
    verified: dict[str, Any] = idp.respond_to_auth_challenge(
        ClientId=client, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer
    )
    return verified


# the client and the pool ------------------------------------------------------------------


def test_a_client_without_allow_user_auth_refuses_it(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    client = pools.client(pool, ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"])
    pools.user(pool, "ann")
    assert refused(user_auth, cognito_idp, client, USERNAME="ann") == (
        "InvalidParameterException",
        "USER_AUTH flow not enabled for this client",
    )


def test_sign_in_policy_rules_on_create_and_update(cognito_idp: Any, pools: Pools) -> None:
    no_password = {"SignInPolicy": {"AllowedFirstAuthFactors": ["EMAIL_OTP"]}}
    assert refused(pools.pool, Policies=no_password) == (
        "InvalidParameterException",
        "AllowedFirstAuthFactors must include PASSWORD.",
    )
    assert refused(pools.pool, Policies=WITH_EMAIL, UserPoolTier="LITE") == (
        "FeatureUnavailableInTierException",
        "The following features need to be disabled for the LITE pricing tier configured: "
        "Passwordless Sign-In",
    )
    otp_with_mfa = (
        "InvalidParameterException",
        "Only PASSWORD and WEB_AUTHN (if configured) can be enabled as an auth factor if MFA "
        "is enabled",
    )
    sms = {
        "SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::123456789012:role/sms"},
        "AutoVerifiedAttributes": ["phone_number"],
    }
    assert refused(pools.pool, Policies=WITH_EMAIL, MfaConfiguration="ON", **sms) == otp_with_mfa
    with_email = pools.pool(Policies=WITH_EMAIL, **sms)
    assert (
        refused(
            cognito_idp.set_user_pool_mfa_config,
            UserPoolId=with_email,
            MfaConfiguration="ON",
            SoftwareTokenMfaConfiguration={"Enabled": True},
        )
        == otp_with_mfa
    )
    cognito_idp.set_user_pool_mfa_config(
        UserPoolId=with_email,
        MfaConfiguration="OPTIONAL",
        SoftwareTokenMfaConfiguration={"Enabled": True},
    )
    pool = pools.pool(Policies=PASSWORD_ONLY)
    assert refused(cognito_idp.update_user_pool, UserPoolId=pool, Policies=no_password) == (
        "InvalidParameterException",
        "AllowedFirstAuthFactors must include PASSWORD.",
    )
    cognito_idp.update_user_pool(UserPoolId=pool, Policies=WITH_EMAIL)
    described = cognito_idp.describe_user_pool(UserPoolId=pool)["UserPool"]
    assert described["Policies"]["SignInPolicy"] == WITH_EMAIL["SignInPolicy"]


# SELECT_CHALLENGE -------------------------------------------------------------------------


@pytest.mark.parametrize("admin", [False, True])
def test_select_challenge_then_password(cognito_idp: Any, pools: Pools, admin: bool) -> None:
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann")
    if admin:
        reply = cognito_idp.admin_initiate_auth(
            UserPoolId=pool,
            ClientId=client,
            AuthFlow="USER_AUTH",
            AuthParameters={"USERNAME": "ann"},
        )
    else:
        reply = user_auth(cognito_idp, client, USERNAME="ann")
    assert reply["ChallengeName"] == "SELECT_CHALLENGE"
    assert reply["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP"]
    assert reply["ChallengeParameters"] == {}
    answer = {"USERNAME": "ann", "ANSWER": "PASSWORD", "PASSWORD": PASSWORD}
    if admin:
        done = cognito_idp.admin_respond_to_auth_challenge(
            UserPoolId=pool,
            ClientId=client,
            ChallengeName="SELECT_CHALLENGE",
            Session=reply["Session"],
            ChallengeResponses=answer,
        )
    else:
        done = respond(cognito_idp, client, "SELECT_CHALLENGE", reply["Session"], **answer)
    signed_in(done, "ann")


def test_select_challenge_then_password_srp(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann")
    session = user_auth(cognito_idp, client, USERNAME="ann")["Session"]
    srp = srp_client(cognito_idp, pool, client, "ann", PASSWORD)
    parameters = srp.get_auth_params()
    reply = respond(
        cognito_idp, client, "SELECT_CHALLENGE", session, ANSWER="PASSWORD_SRP", **parameters
    )
    signed_in(verify(cognito_idp, client, srp, parameters, reply), "ann")


def test_select_challenge_answers_without_the_secret_get_its_challenge(
    cognito_idp: Any, pools: Pools
) -> None:
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann")
    session = user_auth(cognito_idp, client, USERNAME="ann")["Session"]
    asked = respond(
        cognito_idp, client, "SELECT_CHALLENGE", session, USERNAME="ann", ANSWER="PASSWORD"
    )
    assert asked["ChallengeName"] == "PASSWORD"
    assert "AvailableChallenges" not in asked
    signed_in(
        respond(
            cognito_idp, client, "PASSWORD", asked["Session"], USERNAME="ann", PASSWORD=PASSWORD
        ),
        "ann",
    )
    session = user_auth(cognito_idp, client, USERNAME="ann")["Session"]
    asked = respond(
        cognito_idp, client, "SELECT_CHALLENGE", session, USERNAME="ann", ANSWER="PASSWORD_SRP"
    )
    assert asked["ChallengeName"] == "PASSWORD_SRP"
    srp = srp_client(cognito_idp, pool, client, "ann", PASSWORD)
    parameters = srp.get_auth_params()
    reply = respond(cognito_idp, client, "PASSWORD_SRP", asked["Session"], **parameters)
    signed_in(verify(cognito_idp, client, srp, parameters, reply), "ann")


def test_a_select_challenge_session_is_used_once(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann")
    session = user_auth(cognito_idp, client, USERNAME="ann")["Session"]
    answer = {"USERNAME": "ann", "ANSWER": "PASSWORD", "PASSWORD": PASSWORD}
    signed_in(respond(cognito_idp, client, "SELECT_CHALLENGE", session, **answer), "ann")
    assert (
        refused(respond, cognito_idp, client, "SELECT_CHALLENGE", session, **answer) == SESSION_USED
    )


def test_a_wrong_password_uses_the_session_up(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann")
    session = user_auth(cognito_idp, client, USERNAME="ann")["Session"]
    wrong = {"USERNAME": "ann", "ANSWER": "PASSWORD", "PASSWORD": WRONG}
    assert refused(respond, cognito_idp, client, "SELECT_CHALLENGE", session, **wrong) == INCORRECT
    right = {**wrong, "PASSWORD": PASSWORD}
    assert (
        refused(respond, cognito_idp, client, "SELECT_CHALLENGE", session, **right) == SESSION_USED
    )


def test_another_users_session_is_refused(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann")
    pools.user(pool, "bob")
    session = user_auth(cognito_idp, client, USERNAME="ann")["Session"]
    answer = {"USERNAME": "bob", "ANSWER": "PASSWORD", "PASSWORD": PASSWORD}
    assert (
        refused(respond, cognito_idp, client, "SELECT_CHALLENGE", session, **answer)
        == SESSION_INVALID
    )
    # Refused before anything was used: ann may still answer.
    answer["USERNAME"] = "ann"
    signed_in(respond(cognito_idp, client, "SELECT_CHALLENGE", session, **answer), "ann")


def test_another_clients_session_is_refused(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    client, other = pools.client(pool), pools.client(pool)
    pools.user(pool, "ann")
    session = user_auth(cognito_idp, client, USERNAME="ann")["Session"]
    answer = {"USERNAME": "ann", "ANSWER": "PASSWORD", "PASSWORD": PASSWORD}
    assert (
        refused(respond, cognito_idp, other, "SELECT_CHALLENGE", session, **answer)
        == SESSION_INVALID
    )


def test_an_answer_not_offered_is_refused(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool(Policies=WITH_EMAIL)
    client = pools.client(pool)
    pools.user(pool, "ann", email="ann@example.com")  # not verified: no EMAIL_OTP
    reply = user_auth(cognito_idp, client, USERNAME="ann")
    assert reply["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP"]
    answer = {"USERNAME": "ann", "ANSWER": "EMAIL_OTP"}
    assert refused(
        respond, cognito_idp, client, "SELECT_CHALLENGE", reply["Session"], **answer
    ) == (
        "InvalidParameterException",
        "The EMAIL_OTP challenge is not available for this user.",
    )


def test_an_expired_session_is_refused(clocked: Pools, clock: Any) -> None:
    idp = clocked.idp
    pool = clocked.pool()
    client = clocked.client(pool)
    clocked.user(pool, "ann")
    session = user_auth(idp, client, USERNAME="ann")["Session"]
    clock.advance(3 * 60 + 1)
    answer = {"USERNAME": "ann", "ANSWER": "PASSWORD", "PASSWORD": PASSWORD}
    assert refused(respond, idp, client, "SELECT_CHALLENGE", session, **answer) == (
        "NotAuthorizedException",
        "Invalid session for the user, session is expired.",
    )


# PREFERRED_CHALLENGE ----------------------------------------------------------------------


def test_preferred_password_signs_in_at_once(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann")
    signed_in(
        user_auth(
            cognito_idp, client, USERNAME="ann", PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD
        ),
        "ann",
    )
    assert (
        refused(
            user_auth,
            cognito_idp,
            client,
            USERNAME="ann",
            PREFERRED_CHALLENGE="PASSWORD",
            PASSWORD=WRONG,
        )
        == INCORRECT
    )


def test_preferred_password_counts_toward_the_lock_out(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann")
    wrong = {"USERNAME": "ann", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": WRONG}
    for _ in range(5):
        assert refused(user_auth, cognito_idp, client, **wrong) == INCORRECT
    right = {**wrong, "PASSWORD": PASSWORD}
    assert refused(user_auth, cognito_idp, client, **right) == (
        "NotAuthorizedException",
        "Password attempts exceeded",
    )


def test_preferred_password_srp_with_pycognito(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann")
    srp = srp_client(cognito_idp, pool, client, "ann", PASSWORD)
    parameters = srp.get_auth_params()
    reply = user_auth(cognito_idp, client, PREFERRED_CHALLENGE="PASSWORD_SRP", **parameters)
    signed_in(verify(cognito_idp, client, srp, parameters, reply), "ann")
    wrong = srp_client(cognito_idp, pool, client, "ann", WRONG)
    parameters = wrong.get_auth_params()
    reply = user_auth(cognito_idp, client, PREFERRED_CHALLENGE="PASSWORD_SRP", **parameters)
    assert refused(verify, cognito_idp, client, wrong, parameters, reply) == INCORRECT


def test_a_preferred_factor_not_on_offer_falls_back_to_select(
    cognito_idp: Any, pools: Pools
) -> None:
    pool = pools.pool(Policies=PASSWORD_ONLY)
    client = pools.client(pool)
    pools.user(pool, "ann", email="ann@example.com", email_verified="true")
    reply = user_auth(cognito_idp, client, USERNAME="ann", PREFERRED_CHALLENGE="EMAIL_OTP")
    assert reply["ChallengeName"] == "SELECT_CHALLENGE"
    assert reply["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP"]


def test_web_authn_is_not_supported(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann")
    assert (
        refused(user_auth, cognito_idp, client, USERNAME="ann", PREFERRED_CHALLENGE="WEB_AUTHN")
        == WEB_AUTHN
    )
    session = user_auth(cognito_idp, client, USERNAME="ann")["Session"]
    answer = {"USERNAME": "ann", "ANSWER": "WEB_AUTHN", "CREDENTIAL": "{}"}
    assert refused(respond, cognito_idp, client, "SELECT_CHALLENGE", session, **answer) == WEB_AUTHN


def test_a_temporary_password_leads_to_new_password_required(
    cognito_idp: Any, pools: Pools
) -> None:
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann", password=None)
    reply = user_auth(
        cognito_idp, client, USERNAME="ann", PREFERRED_CHALLENGE="PASSWORD", PASSWORD=TEMPORARY
    )
    assert reply["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    done = respond(
        cognito_idp,
        client,
        "NEW_PASSWORD_REQUIRED",
        reply["Session"],
        USERNAME="ann",
        NEW_PASSWORD=PASSWORD,
    )
    signed_in(done, "ann")


def test_a_user_without_a_password_is_offered_no_password(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool(Policies=PASSWORD_ONLY)
    client = pools.client(pool)
    cognito_idp.admin_create_user(UserPoolId=pool, Username="ann", MessageAction="SUPPRESS")
    assert refused(user_auth, cognito_idp, client, USERNAME="ann") == INCORRECT


# unknown users ----------------------------------------------------------------------------


def test_an_unknown_user(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    client = pools.client(pool, PreventUserExistenceErrors="LEGACY")
    assert refused(user_auth, cognito_idp, client, USERNAME="ghost") == (
        "UserNotFoundException",
        "User does not exist.",
    )


def test_an_unknown_user_gets_a_decoy_when_existence_is_hidden(
    cognito_idp: Any, pools: Pools
) -> None:
    pool = pools.pool()
    client = pools.client(pool, PreventUserExistenceErrors="ENABLED")
    pools.user(pool, "ann")
    real = user_auth(cognito_idp, client, USERNAME="ann")
    decoy = user_auth(cognito_idp, client, USERNAME="ghost")
    assert {k: v for k, v in decoy.items() if k not in ("Session", "ResponseMetadata")} == {
        k: v for k, v in real.items() if k not in ("Session", "ResponseMetadata")
    }
    assert len(decoy["Session"]) == len(real["Session"])
    answer = {"USERNAME": "ghost", "ANSWER": "PASSWORD", "PASSWORD": PASSWORD}
    assert (
        refused(respond, cognito_idp, client, "SELECT_CHALLENGE", decoy["Session"], **answer)
        == INCORRECT
    )
    assert (
        refused(
            user_auth,
            cognito_idp,
            client,
            USERNAME="ghost",
            PREFERRED_CHALLENGE="PASSWORD",
            PASSWORD=PASSWORD,
        )
        == INCORRECT
    )
    ghost = srp_client(cognito_idp, pool, client, "ghost", PASSWORD)
    parameters = ghost.get_auth_params()
    reply = respond(
        cognito_idp,
        client,
        "SELECT_CHALLENGE",
        decoy["Session"],
        ANSWER="PASSWORD_SRP",
        **parameters,
    )
    assert refused(verify, cognito_idp, client, ghost, parameters, reply) == INCORRECT


# one-time passwords -----------------------------------------------------------------------

WITH_CODES = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]}}
CODE_USER = {
    "email": "ann@example.com",
    "email_verified": "true",
    "phone_number": "+15555550100",
    "phone_number_verified": "true",
}


def last_code(server: RunningServer, pool: str, medium: str, digits: int) -> str:
    """The code in the newest message of ``medium`` the pool sent."""
    sent = [m for m in server.outbox(pool) if m.medium == medium]
    found = re.search(rf"\b\d{{{digits}}}\b", sent[-1].body)
    assert found is not None
    return found.group(0)


def test_preferred_email_otp_with_the_code_from_the_outbox(
    userpools_server: RunningServer, cognito_idp: Any, pools: Pools
) -> None:
    pool = pools.pool(Policies=WITH_CODES)
    client = pools.client(pool)
    pools.user(pool, "ann", **CODE_USER)
    reply = user_auth(cognito_idp, client, USERNAME="ann", PREFERRED_CHALLENGE="EMAIL_OTP")
    assert reply["ChallengeName"] == "EMAIL_OTP"
    assert reply["ChallengeParameters"] == {
        "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
        "CODE_DELIVERY_DESTINATION": "a***@e***",
    }
    code = last_code(userpools_server, pool, "EMAIL", 8)
    done = respond(
        cognito_idp, client, "EMAIL_OTP", reply["Session"], USERNAME="ann", EMAIL_OTP_CODE=code
    )
    signed_in(done, "ann")
    again = {"USERNAME": "ann", "EMAIL_OTP_CODE": code}
    assert (
        refused(respond, cognito_idp, client, "EMAIL_OTP", reply["Session"], **again)
        == SESSION_USED
    )


def test_select_challenge_offers_and_answers_the_code_factors(
    userpools_server: RunningServer, cognito_idp: Any, pools: Pools
) -> None:
    pool = pools.pool(Policies=WITH_CODES)
    client = pools.client(pool)
    pools.user(pool, "ann", **CODE_USER)
    reply = user_auth(cognito_idp, client, USERNAME="ann")
    assert reply["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP"]
    asked = respond(
        cognito_idp, client, "SELECT_CHALLENGE", reply["Session"], USERNAME="ann", ANSWER="SMS_OTP"
    )
    assert asked["ChallengeName"] == "SMS_OTP"
    assert asked["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "SMS"
    code = last_code(userpools_server, pool, "SMS", 6)
    signed_in(
        respond(
            cognito_idp, client, "SMS_OTP", asked["Session"], USERNAME="ann", SMS_OTP_CODE=code
        ),
        "ann",
    )
    reply = user_auth(cognito_idp, client, USERNAME="ann")
    asked = respond(
        cognito_idp,
        client,
        "SELECT_CHALLENGE",
        reply["Session"],
        USERNAME="ann",
        ANSWER="EMAIL_OTP",
    )
    code = last_code(userpools_server, pool, "EMAIL", 8)
    signed_in(
        respond(
            cognito_idp, client, "EMAIL_OTP", asked["Session"], USERNAME="ann", EMAIL_OTP_CODE=code
        ),
        "ann",
    )


def test_a_wrong_code_is_refused_and_counted(
    userpools_server: RunningServer, cognito_idp: Any, pools: Pools
) -> None:
    pool = pools.pool(Policies=WITH_CODES)
    client = pools.client(pool)
    pools.user(pool, "ann", **CODE_USER)
    reply = user_auth(cognito_idp, client, USERNAME="ann", PREFERRED_CHALLENGE="EMAIL_OTP")
    code = last_code(userpools_server, pool, "EMAIL", 8)
    wrong = "0" * 8 if code != "0" * 8 else "1" * 8
    answer = {"USERNAME": "ann", "EMAIL_OTP_CODE": wrong}
    assert refused(respond, cognito_idp, client, "EMAIL_OTP", reply["Session"], **answer) == (
        "CodeMismatchException",
        "Invalid code or auth state for the user.",
    )
    # The session is kept for another try; bob cannot answer ann's.
    pools.user(pool, "bob", **CODE_USER)
    bobs = {"USERNAME": "bob", "EMAIL_OTP_CODE": code}
    assert (
        refused(respond, cognito_idp, client, "EMAIL_OTP", reply["Session"], **bobs)
        == SESSION_INVALID
    )
    signed_in(
        respond(
            cognito_idp, client, "EMAIL_OTP", reply["Session"], USERNAME="ann", EMAIL_OTP_CODE=code
        ),
        "ann",
    )


def test_an_expired_code_is_refused(
    clocked_server: RunningServer, clocked: Pools, clock: Any
) -> None:
    idp = clocked.idp
    pool = clocked.pool(Policies=WITH_CODES)
    client = clocked.client(pool, AuthSessionValidity=15)
    clocked.user(pool, "ann", **CODE_USER)
    reply = user_auth(idp, client, USERNAME="ann", PREFERRED_CHALLENGE="SMS_OTP")
    code = last_code(clocked_server, pool, "SMS", 6)
    clock.advance(3 * 60 + 1)  # an SMS code lives 3 minutes; the session 15
    answer = {"USERNAME": "ann", "SMS_OTP_CODE": code}
    assert refused(respond, idp, client, "SMS_OTP", reply["Session"], **answer) == (
        "ExpiredCodeException",
        "Invalid code provided, please request a code again.",
    )


def test_unverified_or_missing_destinations_are_not_offered(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool(Policies=WITH_CODES)
    client = pools.client(pool)
    pools.user(pool, "ann", email="ann@example.com", phone_number="+15555550100")
    pools.user(pool, "bob", phone_number="+15555550101", phone_number_verified="true")
    assert user_auth(cognito_idp, client, USERNAME="ann")["AvailableChallenges"] == [
        "PASSWORD",
        "PASSWORD_SRP",
    ]
    bob = user_auth(cognito_idp, client, USERNAME="bob", PREFERRED_CHALLENGE="EMAIL_OTP")
    assert bob["ChallengeName"] == "SELECT_CHALLENGE"
    assert bob["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "SMS_OTP"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    codes=st.sets(st.sampled_from(["EMAIL_OTP", "SMS_OTP"])),
    has_password=st.booleans(),
    email=st.sampled_from([None, "false", "true"]),
    phone=st.sampled_from([None, "false", "true"]),
)
def test_the_offer_is_what_the_pool_allows_and_the_user_has(
    cognito_idp: Any,
    pools: Pools,
    codes: set[str],
    has_password: bool,
    email: str | None,
    phone: str | None,
) -> None:
    factors = ["PASSWORD", *sorted(codes)]
    pool = pools.pool(Policies={"SignInPolicy": {"AllowedFirstAuthFactors": factors}})
    client = pools.client(pool)
    attrs: dict[str, str] = {}
    if email is not None:
        attrs |= {"email": "ann@example.com", "email_verified": email}
    if phone is not None:
        attrs |= {"phone_number": "+15555550100", "phone_number_verified": phone}
    cognito_idp.admin_create_user(
        UserPoolId=pool,
        Username="ann",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": k, "Value": v} for k, v in attrs.items()],
    )
    if has_password:
        cognito_idp.admin_set_user_password(
            UserPoolId=pool, Username="ann", Password=PASSWORD, Permanent=True
        )
    expected = ["PASSWORD", "PASSWORD_SRP"] if has_password else []
    expected += ["EMAIL_OTP"] if "EMAIL_OTP" in codes and email == "true" else []
    expected += ["SMS_OTP"] if "SMS_OTP" in codes and phone == "true" else []
    if not expected:
        assert refused(user_auth, cognito_idp, client, USERNAME="ann") == INCORRECT
    else:
        assert user_auth(cognito_idp, client, USERNAME="ann")["AvailableChallenges"] == expected


# sign-up without a password, and signing in from ConfirmSignUp --------------------------------


PASSWORDLESS = {"Policies": WITH_EMAIL, "AutoVerifiedAttributes": ["email"]}


def sign_up(idp: Any, client: str, username: str, **extra: Any) -> dict[str, Any]:
    reply: dict[str, Any] = idp.sign_up(
        ClientId=client,
        Username=username,
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
        **extra,
    )
    return reply


def test_sign_up_without_a_password_then_sign_in_from_confirm_sign_up(
    userpools_server: RunningServer, cognito_idp: Any, pools: Pools
) -> None:
    pool = pools.pool(**PASSWORDLESS)
    client = pools.client(pool)
    signed = sign_up(cognito_idp, client, "ann")
    assert signed["UserConfirmed"] is False
    code = last_code(userpools_server, pool, "EMAIL", 6)
    confirmed = cognito_idp.confirm_sign_up(
        ClientId=client, Username="ann", ConfirmationCode=code, Session=signed["Session"]
    )
    done = cognito_idp.initiate_auth(
        ClientId=client,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "ann"},
        Session=confirmed["Session"],
    )
    signed_in(done, "ann")
    again = {"AuthParameters": {"USERNAME": "ann"}, "Session": confirmed["Session"]}
    assert (
        refused(cognito_idp.initiate_auth, ClientId=client, AuthFlow="USER_AUTH", **again)
        == SESSION_USED
    )
    # No password: the confirmed email is the only factor on offer.
    assert user_auth(cognito_idp, client, USERNAME="ann")["AvailableChallenges"] == ["EMAIL_OTP"]


def test_confirm_sign_up_answers_a_session_as_amplify_expects(
    userpools_server: RunningServer, cognito_idp: Any, pools: Pools
) -> None:
    """Amplify JS's confirmSignUp sends no Session and signs in with the answer's."""
    pool = pools.pool(**PASSWORDLESS)
    client = pools.client(pool)
    sign_up(cognito_idp, client, "ann", Password=PASSWORD)
    code = last_code(userpools_server, pool, "EMAIL", 6)
    confirmed = cognito_idp.confirm_sign_up(ClientId=client, Username="ann", ConfirmationCode=code)
    done = cognito_idp.initiate_auth(
        ClientId=client,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "ann", "PREFERRED_CHALLENGE": "EMAIL_OTP"},
        Session=confirmed["Session"],
    )
    signed_in(done, "ann")
    # A client without ALLOW_USER_AUTH gets no session.
    srp_only = pools.client(pool, ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"])
    sign_up(cognito_idp, srp_only, "bob", Password=PASSWORD)
    code = last_code(userpools_server, pool, "EMAIL", 6)
    bob = cognito_idp.confirm_sign_up(ClientId=srp_only, Username="bob", ConfirmationCode=code)
    assert "Session" not in bob


def test_a_sign_up_session_belongs_to_its_user(
    userpools_server: RunningServer, cognito_idp: Any, pools: Pools
) -> None:
    pool = pools.pool(**PASSWORDLESS)
    client = pools.client(pool)
    anns = sign_up(cognito_idp, client, "ann")["Session"]
    sign_up(cognito_idp, client, "bob")
    code = last_code(userpools_server, pool, "EMAIL", 6)
    confirm = {"ClientId": client, "Username": "bob", "ConfirmationCode": code}
    assert refused(cognito_idp.confirm_sign_up, Session=anns, **confirm) == SESSION_INVALID
    # Refused as a whole: bob is still unconfirmed, and his code still works.
    assert cognito_idp.confirm_sign_up(**confirm)["Session"]


def test_sign_up_needs_a_password_unless_a_code_can_sign_in(cognito_idp: Any, pools: Pools) -> None:
    required = ("InvalidParameterException", "A password is required to sign up in this user pool.")
    not_verified = pools.pool(Policies=WITH_EMAIL)
    password_only = pools.pool(Policies=PASSWORD_ONLY, AutoVerifiedAttributes=["email"])
    passwordless = pools.pool(**PASSWORDLESS)
    for pool in (not_verified, password_only):
        assert refused(sign_up, cognito_idp, pools.client(pool), "ann") == required
    srp_only = pools.client(passwordless, ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"])
    assert refused(sign_up, cognito_idp, srp_only, "ann") == required
    no_email = {"ClientId": pools.client(passwordless), "Username": "ann"}
    assert refused(cognito_idp.sign_up, **no_email) == required
    assert "Session" not in sign_up(cognito_idp, srp_only, "bob", Password=PASSWORD)


# MFA after a USER_AUTH password ---------------------------------------------------------------

SNS = {"SnsCallerArn": "arn:aws:iam::123456789012:role/sms"}


def test_mfa_follows_a_password_and_hides_the_code_factors(
    userpools_server: RunningServer, cognito_idp: Any, pools: Pools
) -> None:
    pool = pools.pool(
        Policies=WITH_CODES, SmsConfiguration=SNS, AutoVerifiedAttributes=["phone_number"]
    )
    cognito_idp.set_user_pool_mfa_config(
        UserPoolId=pool,
        MfaConfiguration="OPTIONAL",
        SmsMfaConfiguration={"SmsConfiguration": SNS},
    )
    client = pools.client(pool)
    pools.user(pool, "ann", **CODE_USER)
    pools.user(pool, "bob", **CODE_USER)
    cognito_idp.admin_set_user_mfa_preference(
        UserPoolId=pool, Username="ann", SMSMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    # "MFA and passwordless cannot be used together": ann has MFA, bob has not.
    assert user_auth(cognito_idp, client, USERNAME="ann")["AvailableChallenges"] == [
        "PASSWORD",
        "PASSWORD_SRP",
    ]
    assert user_auth(cognito_idp, client, USERNAME="bob")["AvailableChallenges"] == [
        "PASSWORD",
        "PASSWORD_SRP",
        "EMAIL_OTP",
        "SMS_OTP",
    ]
    reply = user_auth(
        cognito_idp, client, USERNAME="ann", PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD
    )
    assert reply["ChallengeName"] == "SMS_MFA"
    code = last_code(userpools_server, pool, "SMS", 6)
    done = respond(
        cognito_idp, client, "SMS_MFA", reply["Session"], USERNAME="ann", SMS_MFA_CODE=code
    )
    signed_in(done, "ann")
    # After SRP too.
    srp = srp_client(cognito_idp, pool, client, "ann", PASSWORD)
    parameters = srp.get_auth_params()
    session = user_auth(cognito_idp, client, USERNAME="ann")["Session"]
    verifier = respond(
        cognito_idp, client, "SELECT_CHALLENGE", session, ANSWER="PASSWORD_SRP", **parameters
    )
    assert verify(cognito_idp, client, srp, parameters, verifier)["ChallengeName"] == "SMS_MFA"


# the preamble ---------------------------------------------------------------------------------


def test_the_gate_applies_before_any_factor(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann")
    cognito_idp.admin_disable_user(UserPoolId=pool, Username="ann")
    assert refused(user_auth, cognito_idp, client, USERNAME="ann") == (
        "NotAuthorizedException",
        "User is disabled.",
    )
    cognito_idp.sign_up(ClientId=client, Username="bob", Password=PASSWORD)
    assert refused(user_auth, cognito_idp, client, USERNAME="bob") == (
        "UserNotConfirmedException",
        "User is not confirmed.",
    )


def test_a_client_with_a_secret_needs_the_secret_hash(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    created = cognito_idp.create_user_pool_client(
        UserPoolId=pool, ClientName="server", GenerateSecret=True, ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]
    client, secret = created["ClientId"], created["ClientSecret"]
    pools.user(pool, "ann")
    mismatch = ("NotAuthorizedException", f"Unable to verify secret hash for client {client}")
    assert refused(user_auth, cognito_idp, client, USERNAME="ann") == mismatch
    digest = hmac.new(secret.encode(), ("ann" + client).encode(), hashlib.sha256).digest()
    hashed = base64.b64encode(digest).decode()
    session = user_auth(cognito_idp, client, USERNAME="ann", SECRET_HASH=hashed)["Session"]
    answer = {"USERNAME": "ann", "ANSWER": "PASSWORD", "PASSWORD": PASSWORD}
    assert refused(respond, cognito_idp, client, "SELECT_CHALLENGE", session, **answer) == mismatch
    done = respond(cognito_idp, client, "SELECT_CHALLENGE", session, SECRET_HASH=hashed, **answer)
    signed_in(done, "ann")
