"""Sign-in end to end: InitiateAuth, AdminInitiateAuth and their challenges (both stores).

Through unmodified boto3, and pycognito as an SRP client nobody here wrote. Covers the flows
(``USER_PASSWORD_AUTH``, ``ADMIN_USER_PASSWORD_AUTH``/``ADMIN_NO_SRP_AUTH``, ``USER_SRP_AUTH`` →
``PASSWORD_VERIFIER``, ``REFRESH_TOKEN_AUTH``/``REFRESH_TOKEN``), ``NEW_PASSWORD_REQUIRED``, the
client's ``ExplicitAuthFlows``, ``SECRET_HASH`` and ``PreventUserExistenceErrors``
(cognito-spec §4.5, §6, §7.6; reliability.md §1.6). Expiry is tested on ``clocked_server``.
Token signatures and claims in depth are ``test_tokens.py``'s; lock-out is ``test_lockout.py``'s.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pycognito import Cognito  # type: ignore[import-untyped]
from pycognito.aws_srp import AWSSRP  # type: ignore[import-untyped]
from support import error_of

from userpools.testing import RunningServer

PASSWORD = "Corr3ct-Horse!"
NEW_PASSWORD = "N3w-Passw0rd!"
TEMPORARY = "Temp-Passw0rd!"
ALL_FLOWS = [
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
]
INCORRECT = ("NotAuthorizedException", "Incorrect username or password.")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
DAY = 86400.0


# helpers ----------------------------------------------------------------------------------


class Pools:
    """Pools, app clients and users on one server, the pools deleted afterwards."""

    #: What an app client allows unless ``ExplicitAuthFlows`` is given.
    flows: list[str] = ALL_FLOWS

    def __init__(self, idp: Any) -> None:
        self.idp = idp
        self._created: list[str] = []

    def pool(self, **config: Any) -> str:
        pool_id: str = self.idp.create_user_pool(PoolName="sign-in", **config)["UserPool"]["Id"]
        self._created.append(pool_id)
        return pool_id

    def client(self, pool_id: str, **config: Any) -> str:
        """An app client allowing :attr:`flows` unless ``ExplicitAuthFlows`` is given."""
        config.setdefault("ExplicitAuthFlows", self.flows)
        created = self.idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app", **config)
        return str(created["UserPoolClient"]["ClientId"])

    def secret_client(self, pool_id: str, **config: Any) -> tuple[str, str]:
        config.setdefault("ExplicitAuthFlows", ALL_FLOWS)
        created = self.idp.create_user_pool_client(
            UserPoolId=pool_id, ClientName="server", GenerateSecret=True, **config
        )["UserPoolClient"]
        return str(created["ClientId"]), str(created["ClientSecret"])

    def user(
        self,
        pool_id: str,
        username: str,
        password: str | None = PASSWORD,
        **attributes: str,
    ) -> None:
        """A user with ``password`` set permanently (``None``: left in FORCE_CHANGE_PASSWORD
        with the temporary password :data:`TEMPORARY`)."""
        self.idp.admin_create_user(
            UserPoolId=pool_id,
            Username=username,
            TemporaryPassword=TEMPORARY,
            UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
            MessageAction="SUPPRESS",
        )
        if password is not None:
            self.idp.admin_set_user_password(
                UserPoolId=pool_id, Username=username, Password=password, Permanent=True
            )

    def close(self) -> None:
        for pool_id in self._created:
            self.idp.delete_user_pool(UserPoolId=pool_id)


@pytest.fixture
def pools(cognito_idp: Any) -> Iterator[Pools]:
    made = Pools(cognito_idp)
    yield made
    made.close()


@pytest.fixture
def clocked(clocked_server: RunningServer, clock: Any) -> Iterator[Pools]:
    """:class:`Pools` on the server whose clock the test moves (``clock.advance``)."""
    made = Pools(clocked_server.client())
    yield made
    made.close()


def refused(call: Callable[..., object], *args: Any, **kwargs: Any) -> tuple[str, str]:
    """The error code and message ``call(*args, **kwargs)`` fails with."""
    with pytest.raises(ClientError) as excinfo:
        call(*args, **kwargs)
    return error_of(excinfo)


def password_auth(
    idp: Any, client_id: str, username: str, password: str, **extra: str
) -> dict[str, Any]:
    response: dict[str, Any] = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password, **extra},
    )
    return response


def admin_password_auth(
    idp: Any,
    pool_id: str,
    client_id: str,
    username: str,
    password: str,
    flow: str = "ADMIN_USER_PASSWORD_AUTH",
    **extra: str,
) -> dict[str, Any]:
    response: dict[str, Any] = idp.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow=flow,
        AuthParameters={"USERNAME": username, "PASSWORD": password, **extra},
    )
    return response


def refresh(
    idp: Any, client_id: str, token: str, flow: str = "REFRESH_TOKEN_AUTH", **extra: str
) -> dict[str, Any]:
    response: dict[str, Any] = idp.initiate_auth(
        ClientId=client_id, AuthFlow=flow, AuthParameters={"REFRESH_TOKEN": token, **extra}
    )
    return response


def new_password(
    idp: Any, client_id: str, session: str, username: str, password: str, **extra: str
) -> dict[str, Any]:
    response: dict[str, Any] = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=session,
        ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": password, **extra},
    )
    return response


def srp_start(idp: Any, srp: AWSSRP, client_id: str) -> tuple[dict[str, str], dict[str, Any]]:
    """InitiateAuth USER_SRP_AUTH with pycognito's ``SRP_A``: its parameters and the reply."""
    parameters: dict[str, str] = srp.get_auth_params()
    reply: dict[str, Any] = idp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=parameters
    )
    return parameters, reply


def srp_client(
    idp: Any, pool_id: str, client_id: str, username: str, password: str, **kw: Any
) -> AWSSRP:
    return AWSSRP(
        username=username,
        password=password,
        pool_id=pool_id,
        client_id=client_id,
        client=idp,
        **kw,
    )


def cognito(
    server: RunningServer,
    pool_id: str,
    client_id: str,
    username: str,
    client_secret: str | None = None,
) -> Cognito:
    """pycognito's high-level client against ``server`` (it also fetches our JWKS and checks
    the tokens' signatures and issuer itself)."""
    return Cognito(
        pool_id,
        client_id,
        username=username,
        client_secret=client_secret,
        botocore_config=Config(retries={"total_max_attempts": 1}),
        boto3_client_kwargs={
            "endpoint_url": server.endpoint_url,
            "aws_access_key_id": "AKIAUSERPOOLSTEST",
            "aws_secret_access_key": "userpools-test-secret",
        },
    )


def claims(token: str) -> dict[str, Any]:
    """A JWT's payload, unverified."""
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


def secret_hash(secret: str, username: str, client_id: str) -> str:
    """Base64(HMAC-SHA256(secret, username + client id)), cognito-spec §7.6."""
    mac = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def status_of(idp: Any, pool_id: str, username: str) -> str:
    return str(idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"])


def assert_tokens(response: dict[str, Any], expires_in: int = 3600) -> dict[str, Any]:
    """A sign-in's ``AuthenticationResult``, checked for shape (cognito-spec §4.5)."""
    assert "ChallengeName" not in response
    assert "Session" not in response
    assert response["ChallengeParameters"] == {}
    result: dict[str, Any] = response["AuthenticationResult"]
    assert result["TokenType"] == "Bearer"
    assert result["ExpiresIn"] == expires_in
    assert claims(result["AccessToken"])["token_use"] == "access"
    assert claims(result["IdToken"])["token_use"] == "id"
    return result


# USER_PASSWORD_AUTH -----------------------------------------------------------------------


def test_user_password_auth_returns_tokens(cognito_idp: Any, pools: Pools) -> None:
    """Result shape: cognito-spec §4.5 InitiateAuth [MV]."""
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann")
    result = assert_tokens(password_auth(cognito_idp, client, "ann", PASSWORD))
    assert set(result) == {"AccessToken", "ExpiresIn", "TokenType", "RefreshToken", "IdToken"}
    assert len(result["RefreshToken"]) >= 20
    id_claims = claims(result["IdToken"])
    assert id_claims["cognito:username"] == "ann"
    assert id_claims["aud"] == client
    assert claims(result["AccessToken"])["client_id"] == client


def test_expires_in_is_the_clients_access_token_lifetime(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    short = pools.client(pool, AccessTokenValidity=5, TokenValidityUnits={"AccessToken": "minutes"})
    pools.user(pool, "ann")
    result = assert_tokens(password_auth(cognito_idp, short, "ann", PASSWORD), expires_in=300)
    access = claims(result["AccessToken"])
    assert access["exp"] - access["iat"] == 300


def test_wrong_password_is_not_authorized(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann")
    assert (
        refused(lambda: password_auth(cognito_idp, client, "ann", "Wr0ng-Passw0rd!")) == INCORRECT
    )


@pytest.mark.parametrize("missing", ["USERNAME", "PASSWORD"])
def test_password_auth_without_a_parameter_is_invalid(
    cognito_idp: Any, pools: Pools, missing: str
) -> None:
    pool = pools.pool()
    client = pools.client(pool)
    parameters = {"USERNAME": "ann", "PASSWORD": PASSWORD}
    del parameters[missing]
    assert refused(
        lambda: cognito_idp.initiate_auth(
            ClientId=client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=parameters
        )
    ) == ("InvalidParameterException", f"Missing required parameter {missing}")


def test_unknown_client_is_resource_not_found(cognito_idp: Any) -> None:
    """Wording: cognito-spec §4.5 SignUp [I-740]."""
    assert refused(
        lambda: password_auth(cognito_idp, "nosuchclient0000000000000a", "ann", PASSWORD)
    ) == (
        "ResourceNotFoundException",
        "User pool client nosuchclient0000000000000a does not exist.",
    )


# ADMIN_USER_PASSWORD_AUTH -----------------------------------------------------------------


@pytest.mark.parametrize("flow", ["ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"])
def test_admin_password_auth_returns_tokens(cognito_idp: Any, pools: Pools, flow: str) -> None:
    """``ADMIN_NO_SRP_AUTH`` is the legacy name of the same flow (cognito-spec §4.5)."""
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann")
    result = assert_tokens(admin_password_auth(cognito_idp, pool, client, "ann", PASSWORD, flow))
    assert claims(result["IdToken"])["cognito:username"] == "ann"
    assert (
        refused(
            lambda: admin_password_auth(cognito_idp, pool, client, "ann", "Wr0ng-Passw0rd!", flow)
        )
        == INCORRECT
    )


@pytest.mark.parametrize("flow", ["ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"])
def test_initiate_auth_refuses_admin_flows(cognito_idp: Any, pools: Pools, flow: str) -> None:
    """cognito-spec §4.5: not valid for InitiateAuth [M]."""
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann")
    assert refused(
        lambda: cognito_idp.initiate_auth(
            ClientId=client,
            AuthFlow=flow,
            AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
        )
    ) == ("InvalidParameterException", "Initiate Auth method not supported.")


def test_admin_initiate_auth_refuses_user_password_auth(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann")
    assert refused(
        lambda: admin_password_auth(
            cognito_idp, pool, client, "ann", PASSWORD, "USER_PASSWORD_AUTH"
        )
    ) == ("InvalidParameterException", "Initiate Auth method not supported.")


def test_admin_initiate_auth_with_a_client_of_another_pool(cognito_idp: Any, pools: Pools) -> None:
    pool, other = pools.pool(), pools.pool()
    foreign = pools.client(other)
    pools.user(pool, "ann")
    assert refused(lambda: admin_password_auth(cognito_idp, pool, foreign, "ann", PASSWORD)) == (
        "ResourceNotFoundException",
        f"User pool client {foreign} does not exist.",
    )


def test_admin_initiate_auth_in_an_unknown_pool(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    client = pools.client(pool)
    ghost = "us-east-1_NoSuchPool"
    assert refused(lambda: admin_password_auth(cognito_idp, ghost, client, "ann", PASSWORD)) == (
        "ResourceNotFoundException",
        f"User pool {ghost} does not exist.",
    )


# ExplicitAuthFlows -------------------------------------------------------------------------


def test_srp_only_client_refuses_password_flows(cognito_idp: Any, pools: Pools) -> None:
    """Wording: cognito-spec §4.5 InitiateAuth ("commonly worded") [E]."""
    pool = pools.pool()
    client = pools.client(
        pool, ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )
    pools.user(pool, "ann")
    assert refused(lambda: password_auth(cognito_idp, client, "ann", PASSWORD)) == (
        "InvalidParameterException",
        "USER_PASSWORD_AUTH flow not enabled for this client",
    )
    for flow in ("ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"):
        assert refused(admin_password_auth, cognito_idp, pool, client, "ann", PASSWORD, flow) == (
            "InvalidParameterException",
            f"{flow} flow not enabled for this client",
        )
    # The flows it does allow work.
    tokens = srp_client(cognito_idp, pool, client, "ann", PASSWORD).authenticate_user()
    result = assert_tokens(tokens)
    assert_tokens(refresh(cognito_idp, client, result["RefreshToken"]))


def test_password_only_client_refuses_srp(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    client = pools.client(pool, ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])
    pools.user(pool, "ann")
    assert refused(
        lambda: srp_start(
            cognito_idp, srp_client(cognito_idp, pool, client, "ann", PASSWORD), client
        )
    ) == (
        "InvalidParameterException",
        "USER_SRP_AUTH flow not enabled for this client",
    )
    assert_tokens(password_auth(cognito_idp, client, "ann", PASSWORD))


def test_legacy_only_client_allows_admin_password_srp_and_refresh(
    cognito_idp: Any, pools: Pools
) -> None:
    """With only legacy values SRP and refresh stay on, as they always were before the
    ``ALLOW_`` values existed (the rule of ``clients.FLOW_SETTINGS``)."""
    pool = pools.pool()
    client = pools.client(pool, ExplicitAuthFlows=["ADMIN_NO_SRP_AUTH"])
    pools.user(pool, "ann")
    assert_tokens(admin_password_auth(cognito_idp, pool, client, "ann", PASSWORD))
    admin = assert_tokens(
        admin_password_auth(cognito_idp, pool, client, "ann", PASSWORD, "ADMIN_NO_SRP_AUTH")
    )
    assert_tokens(srp_client(cognito_idp, pool, client, "ann", PASSWORD).authenticate_user())
    for flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
        assert_tokens(refresh(cognito_idp, client, admin["RefreshToken"], flow))
    assert refused(lambda: password_auth(cognito_idp, client, "ann", PASSWORD)) == (
        "InvalidParameterException",
        "USER_PASSWORD_AUTH flow not enabled for this client",
    )


def test_custom_auth_without_define_auth_challenge_is_refused(
    cognito_idp: Any, pools: Pools
) -> None:
    """docs/triggers.md: never allowed by a stub (the flow itself: test_triggers_custom_auth.py)."""
    pool = pools.pool()
    client = pools.client(pool, ExplicitAuthFlows=[*ALL_FLOWS, "ALLOW_CUSTOM_AUTH"])
    pools.user(pool, "ann")
    assert refused(
        lambda: cognito_idp.initiate_auth(
            ClientId=client, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "ann"}
        )
    ) == (
        "InvalidParameterException",
        "Custom auth lambda trigger is not configured for the user pool.",
    )


# NEW_PASSWORD_REQUIRED ---------------------------------------------------------------------


def test_temporary_password_leads_to_new_password_required(cognito_idp: Any, pools: Pools) -> None:
    """cognito-spec §4.5 InitiateAuth / RespondToAuthChallenge, §6 [MV]."""
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann", None, email="ann@example.com")
    first = password_auth(cognito_idp, client, "ann", TEMPORARY)
    assert first["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert "AuthenticationResult" not in first
    session = first["Session"]
    assert 20 <= len(session) <= 2048
    parameters = first["ChallengeParameters"]
    assert set(parameters) == {"USER_ID_FOR_SRP", "requiredAttributes", "userAttributes"}
    assert parameters["USER_ID_FOR_SRP"] == "ann"
    assert json.loads(parameters["requiredAttributes"]) == []
    assert json.loads(parameters["userAttributes"]) == {"email": "ann@example.com"}
    assert status_of(cognito_idp, pool, "ann") == "FORCE_CHANGE_PASSWORD"

    # A password the policy refuses leaves the session usable.
    assert refused(lambda: new_password(cognito_idp, client, session, "ann", "short")) == (
        "InvalidPasswordException",
        "Password did not conform with password policy: Password not long enough",
    )
    assert status_of(cognito_idp, pool, "ann") == "FORCE_CHANGE_PASSWORD"

    result = assert_tokens(new_password(cognito_idp, client, session, "ann", NEW_PASSWORD))
    assert claims(result["IdToken"])["cognito:username"] == "ann"
    assert status_of(cognito_idp, pool, "ann") == "CONFIRMED"

    # The session is single-use.
    assert refused(
        lambda: new_password(cognito_idp, client, session, "ann", "An0ther-Passw0rd!")
    ) == (
        "NotAuthorizedException",
        "Invalid session for the user.",
    )
    # The new password is the password now, the temporary one is gone.
    assert_tokens(password_auth(cognito_idp, client, "ann", NEW_PASSWORD))
    assert refused(lambda: password_auth(cognito_idp, client, "ann", TEMPORARY)) == INCORRECT


def test_new_password_required_over_admin_calls(cognito_idp: Any, pools: Pools) -> None:
    """cognito-spec §4.5 AdminInitiateAuth: a freshly admin-created user gets the challenge."""
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann", None)
    first = admin_password_auth(cognito_idp, pool, client, "ann", TEMPORARY)
    assert first["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    result = cognito_idp.admin_respond_to_auth_challenge(
        UserPoolId=pool,
        ClientId=client,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=first["Session"],
        ChallengeResponses={"USERNAME": "ann", "NEW_PASSWORD": NEW_PASSWORD},
    )
    assert_tokens(result)
    assert status_of(cognito_idp, pool, "ann") == "CONFIRMED"


def test_new_password_required_over_srp_with_pycognito(
    userpools_server: RunningServer, cognito_idp: Any, pools: Pools
) -> None:
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann", None)
    srp = srp_client(cognito_idp, pool, client, "ann", TEMPORARY)
    assert_tokens(srp.set_new_password_challenge(NEW_PASSWORD))
    assert status_of(cognito_idp, pool, "ann") == "CONFIRMED"
    user = cognito(userpools_server, pool, client, "ann")
    user.authenticate(NEW_PASSWORD)
    assert user.id_claims["cognito:username"] == "ann"


def test_new_password_session_of_another_client_is_refused(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    client, other = pools.client(pool), pools.client(pool)
    pools.user(pool, "ann", None)
    session = password_auth(cognito_idp, client, "ann", TEMPORARY)["Session"]
    assert refused(lambda: new_password(cognito_idp, other, session, "ann", NEW_PASSWORD)) == (
        "NotAuthorizedException",
        "Invalid session for the user.",
    )
    assert_tokens(new_password(cognito_idp, client, session, "ann", NEW_PASSWORD))


def test_new_password_answer_must_name_the_session_user(cognito_idp: Any, pools: Pools) -> None:
    """The ``USERNAME`` of the answer is checked against the session: another user's name is
    refused and changes nothing; the right one still works on the same session."""
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann", None)
    pools.user(pool, "bob", None)
    session = password_auth(cognito_idp, client, "ann", TEMPORARY)["Session"]
    for name in ("bob", "nobody"):
        assert refused(
            lambda name=name: new_password(cognito_idp, client, session, name, NEW_PASSWORD)
        ) == ("NotAuthorizedException", "Invalid session for the user.")
    assert status_of(cognito_idp, pool, "bob") == "FORCE_CHANGE_PASSWORD"
    assert_tokens(new_password(cognito_idp, client, session, "ann", NEW_PASSWORD))
    assert status_of(cognito_idp, pool, "ann") == "CONFIRMED"


def test_new_password_with_a_forged_session(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann", None)
    password_auth(cognito_idp, client, "ann", TEMPORARY)
    assert refused(lambda: new_password(cognito_idp, client, "x" * 40, "ann", NEW_PASSWORD)) == (
        "NotAuthorizedException",
        "Invalid session for the user.",
    )
    assert status_of(cognito_idp, pool, "ann") == "FORCE_CHANGE_PASSWORD"


def test_new_password_required_asks_for_missing_required_attributes(
    cognito_idp: Any, pools: Pools
) -> None:
    """``requiredAttributes`` names the required attributes the user lacks (cognito-spec §4.5
    RespondToAuthChallenge)."""
    pool = pools.pool(
        Schema=[{"Name": "name", "AttributeDataType": "String", "Required": True, "Mutable": True}]
    )
    client = pools.client(pool)
    pools.user(pool, "ann", None)
    first = password_auth(cognito_idp, client, "ann", TEMPORARY)
    assert first["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert json.loads(first["ChallengeParameters"]["requiredAttributes"]) == ["userAttributes.name"]
    session = first["Session"]
    assert refused(lambda: new_password(cognito_idp, client, session, "ann", NEW_PASSWORD)) == (
        "InvalidParameterException",
        "Invalid attributes given, name is missing",
    )
    assert status_of(cognito_idp, pool, "ann") == "FORCE_CHANGE_PASSWORD"
    # The same session, now with the attribute.
    result = new_password(
        cognito_idp, client, session, "ann", NEW_PASSWORD, **{"userAttributes.name": "Ann Lee"}
    )
    assert claims(assert_tokens(result)["IdToken"])["name"] == "Ann Lee"
    user = cognito_idp.admin_get_user(UserPoolId=pool, Username="ann")
    assert user["UserStatus"] == "CONFIRMED"
    assert {a["Name"]: a["Value"] for a in user["UserAttributes"]}["name"] == "Ann Lee"


def test_required_attribute_already_set_is_not_asked_for(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool(
        Schema=[{"Name": "name", "AttributeDataType": "String", "Required": True, "Mutable": True}]
    )
    client = pools.client(pool)
    pools.user(pool, "ann", None, name="Ann Lee")
    first = password_auth(cognito_idp, client, "ann", TEMPORARY)
    parameters = first["ChallengeParameters"]
    assert json.loads(parameters["requiredAttributes"]) == []
    assert json.loads(parameters["userAttributes"]) == {"name": "Ann Lee"}
    assert_tokens(new_password(cognito_idp, client, first["Session"], "ann", NEW_PASSWORD))


def test_new_password_cannot_change_a_required_attribute_already_set(
    cognito_idp: Any, pools: Pools
) -> None:
    """cognito-spec §4.5 RespondToAuthChallenge: "A required attribute that already has a value
    cannot be changed here" [M]: refused, and the value stays."""
    pool = pools.pool(
        Schema=[{"Name": "name", "AttributeDataType": "String", "Required": True, "Mutable": True}]
    )
    client = pools.client(pool)
    pools.user(pool, "ann", None, name="Ann Lee")
    session = password_auth(cognito_idp, client, "ann", TEMPORARY)["Session"]
    assert refused(
        new_password,
        cognito_idp,
        client,
        session,
        "ann",
        NEW_PASSWORD,
        **{"userAttributes.name": "Eve"},
    ) == ("InvalidParameterException", "Cannot modify an already provided name")
    user = cognito_idp.admin_get_user(UserPoolId=pool, Username="ann")
    assert {a["Name"]: a["Value"] for a in user["UserAttributes"]}["name"] == "Ann Lee"


def test_new_password_with_a_secret_client(cognito_idp: Any, pools: Pools) -> None:
    """``SECRET_HASH`` goes into ``ChallengeResponses`` too (cognito-spec §7.6)."""
    pool = pools.pool()
    client, secret = pools.secret_client(pool)
    pools.user(pool, "ann", None)
    right = secret_hash(secret, "ann", client)
    session = password_auth(cognito_idp, client, "ann", TEMPORARY, SECRET_HASH=right)["Session"]
    assert refused(new_password, cognito_idp, client, session, "ann", NEW_PASSWORD) == (
        "NotAuthorizedException",
        f"Unable to verify secret hash for client {client}",
    )
    assert_tokens(
        new_password(cognito_idp, client, session, "ann", NEW_PASSWORD, SECRET_HASH=right)
    )


def test_new_password_session_expires(clocked: Pools, clock: Any) -> None:
    """The session lives for the client's ``AuthSessionValidity``, 3 minutes by default
    (cognito-spec §4.5 RespondToAuthChallenge)."""
    idp = clocked.idp
    pool = clocked.pool()
    client = clocked.client(pool)
    clocked.user(pool, "ann", None)
    old = password_auth(idp, client, "ann", TEMPORARY)["Session"]
    clock.advance(120)
    young = password_auth(idp, client, "ann", TEMPORARY)["Session"]
    clock.advance(70)  # old: 190 s, young: 70 s
    assert refused(lambda: new_password(idp, client, old, "ann", NEW_PASSWORD)) == (
        "NotAuthorizedException",
        "Invalid session for the user, session is expired.",
    )
    assert_tokens(new_password(idp, client, young, "ann", NEW_PASSWORD))


def test_new_password_session_lifetime_follows_the_client(clocked: Pools, clock: Any) -> None:
    idp = clocked.idp
    pool = clocked.pool()
    client = clocked.client(pool, AuthSessionValidity=15)
    clocked.user(pool, "ann", None)
    session = password_auth(idp, client, "ann", TEMPORARY)["Session"]
    clock.advance(14 * 60)
    assert_tokens(new_password(idp, client, session, "ann", NEW_PASSWORD))


def test_temporary_password_expires_after_seven_days(clocked: Pools, clock: Any) -> None:
    """Wording: cognito-spec §6 ("commonly worded") [E]; default validity 7 days."""
    idp = clocked.idp
    pool = clocked.pool()
    client = clocked.client(pool)
    clocked.user(pool, "early", None)
    clocked.user(pool, "late", None)
    clock.advance(6 * DAY)
    assert password_auth(idp, client, "early", TEMPORARY)["ChallengeName"] == (
        "NEW_PASSWORD_REQUIRED"
    )
    clock.advance(2 * DAY)
    assert refused(lambda: password_auth(idp, client, "late", TEMPORARY)) == (
        "NotAuthorizedException",
        "Temporary password has expired and must be reset by an administrator.",
    )
    # A wrong password is still just wrong.
    assert refused(lambda: password_auth(idp, client, "late", "Wr0ng-Passw0rd!")) == INCORRECT
    # An administrator can set a new one.
    idp.admin_set_user_password(UserPoolId=pool, Username="late", Password=PASSWORD, Permanent=True)
    assert_tokens(password_auth(idp, client, "late", PASSWORD))


def test_temporary_password_validity_follows_the_pool(clocked: Pools, clock: Any) -> None:
    idp = clocked.idp
    pool = clocked.pool(Policies={"PasswordPolicy": {"TemporaryPasswordValidityDays": 1}})
    client = clocked.client(pool)
    clocked.user(pool, "ann", None)
    clock.advance(2 * DAY)
    assert refused(lambda: password_auth(idp, client, "ann", TEMPORARY)) == (
        "NotAuthorizedException",
        "Temporary password has expired and must be reset by an administrator.",
    )


# statuses ---------------------------------------------------------------------------------


def test_unconfirmed_user_is_told_so_whatever_the_password(cognito_idp: Any, pools: Pools) -> None:
    """Even with a wrong password, as AWS does (cognito-spec §4.5 [I-288])."""
    pool = pools.pool()
    client = pools.client(pool)
    cognito_idp.sign_up(ClientId=client, Username="una", Password=PASSWORD)
    unconfirmed = ("UserNotConfirmedException", "User is not confirmed.")
    for password in (PASSWORD, "Wr0ng-Passw0rd!"):
        assert refused(password_auth, cognito_idp, client, "una", password) == unconfirmed
    srp = srp_client(cognito_idp, pool, client, "una", PASSWORD)
    assert refused(lambda: srp_start(cognito_idp, srp, client)) == unconfirmed
    cognito_idp.admin_confirm_sign_up(UserPoolId=pool, Username="una")
    assert_tokens(password_auth(cognito_idp, client, "una", PASSWORD))


def test_disabled_user_is_refused(cognito_idp: Any, pools: Pools) -> None:
    """Wording: cognito-spec §4.5 [I-5503]."""
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann")
    cognito_idp.admin_disable_user(UserPoolId=pool, Username="ann")
    disabled = ("NotAuthorizedException", "User is disabled.")
    assert refused(lambda: password_auth(cognito_idp, client, "ann", PASSWORD)) == disabled
    assert (
        refused(lambda: admin_password_auth(cognito_idp, pool, client, "ann", PASSWORD)) == disabled
    )
    srp = srp_client(cognito_idp, pool, client, "ann", PASSWORD)
    assert refused(lambda: srp_start(cognito_idp, srp, client)) == disabled
    cognito_idp.admin_enable_user(UserPoolId=pool, Username="ann")
    assert_tokens(password_auth(cognito_idp, client, "ann", PASSWORD))


def test_reset_required_user_must_reset(cognito_idp: Any, pools: Pools) -> None:
    """cognito-spec §6: AdminResetUserPassword → RESET_REQUIRED → PasswordResetRequired."""
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann", email="ann@example.com", email_verified="true")
    cognito_idp.admin_reset_user_password(UserPoolId=pool, Username="ann")
    assert status_of(cognito_idp, pool, "ann") == "RESET_REQUIRED"
    reset = ("PasswordResetRequiredException", "Password reset required for the user")
    assert refused(lambda: password_auth(cognito_idp, client, "ann", PASSWORD)) == reset
    srp = srp_client(cognito_idp, pool, client, "ann", PASSWORD)
    assert refused(lambda: srp_start(cognito_idp, srp, client)) == reset


# SECRET_HASH ------------------------------------------------------------------------------


def test_secret_client_needs_the_secret_hash(cognito_idp: Any, pools: Pools) -> None:
    """cognito-spec §7.6: missing or wrong hash → ``Unable to verify secret hash ...``."""
    pool = pools.pool()
    client, secret = pools.secret_client(pool)
    pools.user(pool, "ann")
    mismatch = ("NotAuthorizedException", f"Unable to verify secret hash for client {client}")
    assert refused(lambda: password_auth(cognito_idp, client, "ann", PASSWORD)) == mismatch
    for wrong in (
        secret_hash(secret, "bob", client),
        secret_hash(secret[::-1], "ann", client),
        secret_hash(secret, "ann", client)[:-4],
        "",
    ):
        assert (
            refused(password_auth, cognito_idp, client, "ann", PASSWORD, SECRET_HASH=wrong)
            == mismatch
        )
    # The IAM-signed variant still needs it (cognito-spec §7.6 [D-API]).
    assert (
        refused(lambda: admin_password_auth(cognito_idp, pool, client, "ann", PASSWORD)) == mismatch
    )
    # Checked before the user is looked up.
    assert refused(lambda: password_auth(cognito_idp, client, "ghost", PASSWORD)) == mismatch

    right = secret_hash(secret, "ann", client)
    result = assert_tokens(password_auth(cognito_idp, client, "ann", PASSWORD, SECRET_HASH=right))
    assert_tokens(
        admin_password_auth(cognito_idp, pool, client, "ann", PASSWORD, SECRET_HASH=right)
    )
    # Refresh: the hash is over the username.
    token = result["RefreshToken"]
    assert refused(lambda: refresh(cognito_idp, client, token)) == mismatch
    assert (
        refused(
            lambda: refresh(
                cognito_idp, client, token, SECRET_HASH=secret_hash(secret, "bob", client)
            )
        )
        == mismatch
    )
    assert_tokens(refresh(cognito_idp, client, token, SECRET_HASH=right))


def test_secret_client_with_pycognito_srp(
    userpools_server: RunningServer, cognito_idp: Any, pools: Pools
) -> None:
    pool = pools.pool()
    client, secret = pools.secret_client(pool)
    pools.user(pool, "ann")
    user = cognito(userpools_server, pool, client, "ann", client_secret=secret)
    user.authenticate(PASSWORD)
    assert user.access_claims["username"] == "ann"
    first_access = user.access_token
    user.renew_access_token()  # REFRESH_TOKEN_AUTH with SECRET_HASH
    assert user.access_token != first_access
    # Without the secret pycognito sends no hash.
    anonymous = cognito(userpools_server, pool, client, "ann")
    with pytest.raises(ClientError) as excinfo:
        anonymous.authenticate(PASSWORD)
    assert error_of(excinfo) == (
        "NotAuthorizedException",
        f"Unable to verify secret hash for client {client}",
    )


def test_secret_hash_in_a_username_attributes_pool(cognito_idp: Any, pools: Pools) -> None:
    """Sign-in hashes the name given; refresh the username, i.e. the sub (cognito-spec §4.5)."""
    pool = pools.pool(UsernameAttributes=["email"])
    client, secret = pools.secret_client(pool)
    pools.user(pool, "bea@example.com")
    result = assert_tokens(
        password_auth(
            cognito_idp,
            client,
            "bea@example.com",
            PASSWORD,
            SECRET_HASH=secret_hash(secret, "bea@example.com", client),
        )
    )
    username = claims(result["IdToken"])["cognito:username"]
    assert UUID.fullmatch(username)
    token = result["RefreshToken"]
    assert_tokens(
        refresh(cognito_idp, client, token, SECRET_HASH=secret_hash(secret, username, client))
    )


# PreventUserExistenceErrors ---------------------------------------------------------------


def test_unknown_user_with_legacy_errors(cognito_idp: Any, pools: Pools) -> None:
    """``LEGACY`` is the default (cognito-spec §4.5, reliability.md §1.6)."""
    pool = pools.pool()
    client = pools.client(pool)
    not_found = ("UserNotFoundException", "User does not exist.")
    assert refused(lambda: password_auth(cognito_idp, client, "ghost", PASSWORD)) == not_found
    assert (
        refused(lambda: admin_password_auth(cognito_idp, pool, client, "ghost", PASSWORD))
        == not_found
    )
    srp = srp_client(cognito_idp, pool, client, "ghost", PASSWORD)
    assert refused(lambda: srp_start(cognito_idp, srp, client)) == not_found


def test_unknown_user_with_existence_errors_prevented(cognito_idp: Any, pools: Pools) -> None:
    """``ENABLED``: the generic error, as for a wrong password (reliability.md §1.6)."""
    pool = pools.pool()
    client = pools.client(pool, PreventUserExistenceErrors="ENABLED")
    pools.user(pool, "ann")
    assert refused(lambda: password_auth(cognito_idp, client, "ghost", PASSWORD)) == INCORRECT
    assert refused(lambda: password_auth(cognito_idp, client, "ann", "Wr0ng-Passw0rd!")) == (
        INCORRECT
    )
    assert (
        refused(lambda: admin_password_auth(cognito_idp, pool, client, "ghost", PASSWORD))
        == INCORRECT
    )


def test_srp_for_an_unknown_user_is_simulated(cognito_idp: Any, pools: Pools) -> None:
    """reliability.md §1.6: the same salt and internal id for the same pool and name every
    time, then the generic error."""
    pool = pools.pool()
    client = pools.client(pool, PreventUserExistenceErrors="ENABLED")
    pools.user(pool, "ann")
    _, real = srp_start(cognito_idp, srp_client(cognito_idp, pool, client, "ann", PASSWORD), client)
    ghost = srp_client(cognito_idp, pool, client, "ghost", PASSWORD)
    parameters, first = srp_start(cognito_idp, ghost, client)
    _, second = srp_start(cognito_idp, srp_client(cognito_idp, pool, client, "ghost", "x"), client)
    _, other = srp_start(cognito_idp, srp_client(cognito_idp, pool, client, "gone", "x"), client)
    for reply in (real, first, second, other):
        assert reply["ChallengeName"] == "PASSWORD_VERIFIER"
        assert set(reply["ChallengeParameters"]) == set(real["ChallengeParameters"])
    one, two = first["ChallengeParameters"], second["ChallengeParameters"]
    assert one["SALT"] == two["SALT"]
    assert one["USER_ID_FOR_SRP"] == two["USER_ID_FOR_SRP"]
    # In a pool signing in by username a real user shows its username; so does the simulation.
    assert one["USER_ID_FOR_SRP"] == one["USERNAME"] == "ghost"
    assert one["SRP_B"] != two["SRP_B"]
    assert one["SECRET_BLOCK"] != two["SECRET_BLOCK"]
    assert other["ChallengeParameters"]["SALT"] != one["SALT"]
    answer = ghost.process_challenge(one, parameters)
    assert (
        refused(
            lambda: cognito_idp.respond_to_auth_challenge(
                ClientId=client, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer
            )
        )
        == INCORRECT
    )


def test_srp_for_an_unknown_email_shows_a_uuid(cognito_idp: Any, pools: Pools) -> None:
    """In a pool signing in by email a real user's ``USER_ID_FOR_SRP`` is its generated
    username; a simulated one looks the same (reliability.md §1.6)."""
    pool = pools.pool(UsernameAttributes=["email"])
    client = pools.client(pool, PreventUserExistenceErrors="ENABLED")
    replies = [
        srp_start(
            cognito_idp, srp_client(cognito_idp, pool, client, "nobody@example.com", "x"), client
        )[1]
        for _ in range(2)
    ]
    ids = {r["ChallengeParameters"]["USER_ID_FOR_SRP"] for r in replies}
    assert len(ids) == 1
    assert UUID.fullmatch(ids.pop())


def test_srp_for_an_unknown_email_alias_does_not_echo_it(cognito_idp: Any, pools: Pools) -> None:
    """In an email-alias pool a known email gets the user's real username, which can never be
    an email there; echoing an unknown email back tells the two apart (reliability.md §1.6)."""
    pool = pools.pool(AliasAttributes=["email"])
    client = pools.client(pool, PreventUserExistenceErrors="ENABLED")
    pools.user(pool, "ann", email="ann@example.com", email_verified="true")
    known = srp_client(cognito_idp, pool, client, "ann@example.com", "x")
    assert srp_start(cognito_idp, known, client)[1]["ChallengeParameters"]["USER_ID_FOR_SRP"] == (
        "ann"
    )
    unknown = srp_client(cognito_idp, pool, client, "nobody@example.com", "x")
    shown = srp_start(cognito_idp, unknown, client)[1]["ChallengeParameters"]
    assert "@" not in shown["USER_ID_FOR_SRP"]


# username forms ---------------------------------------------------------------------------


def test_sign_in_by_verified_email_alias(
    userpools_server: RunningServer, cognito_idp: Any, pools: Pools
) -> None:
    pool = pools.pool(AliasAttributes=["email"])
    client = pools.client(pool)
    pools.user(pool, "ann", email="ann@example.com", email_verified="true")
    pools.user(pool, "bob", email="bob@example.com")  # not verified: no alias
    result = assert_tokens(password_auth(cognito_idp, client, "ann@example.com", PASSWORD))
    assert claims(result["IdToken"])["cognito:username"] == "ann"
    assert_tokens(password_auth(cognito_idp, client, "ann", PASSWORD))
    assert refused(lambda: password_auth(cognito_idp, client, "bob@example.com", PASSWORD)) == (
        "UserNotFoundException",
        "User does not exist.",
    )
    # SRP by alias: the challenge names the real user.
    _, reply = srp_start(
        cognito_idp, srp_client(cognito_idp, pool, client, "ann@example.com", PASSWORD), client
    )
    assert reply["ChallengeParameters"]["USER_ID_FOR_SRP"] == "ann"
    user = cognito(userpools_server, pool, client, "ann@example.com")
    user.authenticate(PASSWORD)
    assert user.id_claims["cognito:username"] == "ann"


def test_sign_in_by_email_in_a_username_attributes_pool(
    userpools_server: RunningServer, cognito_idp: Any, pools: Pools
) -> None:
    pool = pools.pool(UsernameAttributes=["email"])
    client = pools.client(pool)
    pools.user(pool, "bea@example.com")
    username = cognito_idp.admin_get_user(UserPoolId=pool, Username="bea@example.com")["Username"]
    assert UUID.fullmatch(username)
    result = assert_tokens(password_auth(cognito_idp, client, "bea@example.com", PASSWORD))
    assert claims(result["IdToken"])["cognito:username"] == username
    assert claims(result["IdToken"])["email"] == "bea@example.com"
    # SRP by email: USER_ID_FOR_SRP is the generated username, which the proof is made with.
    _, reply = srp_start(
        cognito_idp, srp_client(cognito_idp, pool, client, "bea@example.com", PASSWORD), client
    )
    assert reply["ChallengeParameters"]["USER_ID_FOR_SRP"] == username
    user = cognito(userpools_server, pool, client, "bea@example.com")
    user.authenticate(PASSWORD)
    assert user.access_claims["username"] == username


def test_sign_in_in_a_case_insensitive_pool(
    userpools_server: RunningServer, cognito_idp: Any, pools: Pools
) -> None:
    """Any case finds the user; SRP proves with the stored name, which the challenge gives."""
    pool = pools.pool(UsernameConfiguration={"CaseSensitive": False})
    client = pools.client(pool)
    pools.user(pool, "Ann")
    result = assert_tokens(password_auth(cognito_idp, client, "aNN", PASSWORD))
    assert claims(result["IdToken"])["cognito:username"] == "Ann"
    _, reply = srp_start(
        cognito_idp, srp_client(cognito_idp, pool, client, "ANN", PASSWORD), client
    )
    assert reply["ChallengeParameters"]["USER_ID_FOR_SRP"] == "Ann"
    user = cognito(userpools_server, pool, client, "ANN")
    user.authenticate(PASSWORD)
    assert user.id_claims["cognito:username"] == "Ann"


def test_case_sensitive_pool_is_exact(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()  # case-sensitive when UsernameConfiguration is not given
    client = pools.client(pool)
    pools.user(pool, "Ann")
    assert refused(password_auth, cognito_idp, client, "ann", PASSWORD) == (
        "UserNotFoundException",
        "User does not exist.",
    )


# USER_SRP_AUTH with pycognito -------------------------------------------------------------


def test_srp_sign_in_and_renewal_with_pycognito(
    userpools_server: RunningServer, cognito_idp: Any, pools: Pools
) -> None:
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann")
    user = cognito(userpools_server, pool, client, "ann")
    user.authenticate(PASSWORD)  # pycognito checks signatures against our JWKS
    assert user.token_type == "Bearer"
    assert user.id_claims["cognito:username"] == "ann"
    assert user.access_claims["client_id"] == client
    first_access, first_refresh = user.access_token, user.refresh_token
    user.renew_access_token()
    assert user.access_token != first_access
    assert user.refresh_token == first_refresh
    assert user.access_claims["origin_jti"] == claims(first_access)["origin_jti"]


def test_srp_wrong_password(
    userpools_server: RunningServer, cognito_idp: Any, pools: Pools
) -> None:
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann")
    user = cognito(userpools_server, pool, client, "ann")
    with pytest.raises(ClientError) as excinfo:
        user.authenticate("Wr0ng-Passw0rd!")
    assert error_of(excinfo) == INCORRECT
    assert user.access_token is None


def test_srp_over_admin_calls(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann")
    srp = srp_client(cognito_idp, pool, client, "ann", PASSWORD)
    parameters = srp.get_auth_params()
    challenge = cognito_idp.admin_initiate_auth(
        UserPoolId=pool, ClientId=client, AuthFlow="USER_SRP_AUTH", AuthParameters=parameters
    )
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"
    assert "Session" not in challenge
    answer = srp.process_challenge(challenge["ChallengeParameters"], parameters)
    assert_tokens(
        cognito_idp.admin_respond_to_auth_challenge(
            UserPoolId=pool,
            ClientId=client,
            ChallengeName="PASSWORD_VERIFIER",
            ChallengeResponses=answer,
        )
    )


def test_password_verifier_answer_is_single_use(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann")
    srp = srp_client(cognito_idp, pool, client, "ann", PASSWORD)
    parameters, challenge = srp_start(cognito_idp, srp, client)
    params = challenge["ChallengeParameters"]
    assert set(params) == {"SALT", "SECRET_BLOCK", "SRP_B", "USERNAME", "USER_ID_FOR_SRP"}
    assert params["USERNAME"] == params["USER_ID_FOR_SRP"] == "ann"
    answer = srp.process_challenge(params, parameters)

    def respond() -> dict[str, Any]:
        reply: dict[str, Any] = cognito_idp.respond_to_auth_challenge(
            ClientId=client, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer
        )
        return reply

    assert_tokens(respond())
    assert refused(respond) == INCORRECT


def test_password_verifier_of_another_client_is_refused(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    client, other = pools.client(pool), pools.client(pool)
    pools.user(pool, "ann")
    srp = srp_client(cognito_idp, pool, client, "ann", PASSWORD)
    parameters, challenge = srp_start(cognito_idp, srp, client)
    answer = srp.process_challenge(challenge["ChallengeParameters"], parameters)
    assert (
        refused(
            lambda: cognito_idp.respond_to_auth_challenge(
                ClientId=other, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer
            )
        )
        == INCORRECT
    )


def test_malformed_srp_a_is_invalid(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann")
    for srp_a in ("0", "not-hex", "0x1234"):
        assert refused(
            cognito_idp.initiate_auth,
            ClientId=client,
            AuthFlow="USER_SRP_AUTH",
            AuthParameters={"USERNAME": "ann", "SRP_A": srp_a},
        ) == ("InvalidParameterException", "SRP_A is not a valid value.")


# REFRESH_TOKEN_AUTH -----------------------------------------------------------------------


@pytest.mark.parametrize("flow", ["REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"])
def test_refresh_gives_new_tokens_of_the_same_sign_in(
    cognito_idp: Any, pools: Pools, flow: str
) -> None:
    """No new refresh token; ``auth_time`` and ``origin_jti`` carried over (cognito-spec §4.5)."""
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann")
    signed_in = assert_tokens(password_auth(cognito_idp, client, "ann", PASSWORD))
    refreshed = assert_tokens(refresh(cognito_idp, client, signed_in["RefreshToken"], flow))
    assert "RefreshToken" not in refreshed
    assert set(refreshed) == {"AccessToken", "ExpiresIn", "TokenType", "IdToken"}
    for kind in ("AccessToken", "IdToken"):
        before, after = claims(signed_in[kind]), claims(refreshed[kind])
        assert after["auth_time"] == before["auth_time"]
        assert after["origin_jti"] == before["origin_jti"]
        assert after["jti"] != before["jti"]
        assert after["sub"] == before["sub"]
    # The refresh token keeps working.
    assert_tokens(refresh(cognito_idp, client, signed_in["RefreshToken"], flow))


def test_unknown_refresh_token_is_invalid(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    client = pools.client(pool)
    invalid = ("NotAuthorizedException", "Invalid Refresh Token")
    for token in ("x" * 64, "eyJhbGciOiJub25lIn0.e30.", ""):
        assert refused(refresh, cognito_idp, client, token) == invalid


def test_refresh_token_of_another_client_is_invalid(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    client, other = pools.client(pool), pools.client(pool)
    pools.user(pool, "ann")
    token = password_auth(cognito_idp, client, "ann", PASSWORD)["AuthenticationResult"][
        "RefreshToken"
    ]
    assert refused(lambda: refresh(cognito_idp, other, token)) == (
        "NotAuthorizedException",
        "Invalid Refresh Token",
    )


def test_refresh_token_of_another_pool_is_invalid(cognito_idp: Any, pools: Pools) -> None:
    pool, second = pools.pool(), pools.pool()
    client, foreign = pools.client(pool), pools.client(second)
    pools.user(pool, "ann")
    pools.user(second, "ann")
    token = password_auth(cognito_idp, client, "ann", PASSWORD)["AuthenticationResult"][
        "RefreshToken"
    ]
    assert refused(lambda: refresh(cognito_idp, foreign, token)) == (
        "NotAuthorizedException",
        "Invalid Refresh Token",
    )


def test_refresh_token_expires(clocked: Pools, clock: Any) -> None:
    idp = clocked.idp
    pool = clocked.pool()
    client = clocked.client(
        pool, RefreshTokenValidity=1, TokenValidityUnits={"RefreshToken": "hours"}
    )
    clocked.user(pool, "ann")
    token = password_auth(idp, client, "ann", PASSWORD)["AuthenticationResult"]["RefreshToken"]
    clock.advance(50 * 60)
    assert_tokens(refresh(idp, client, token))
    clock.advance(2 * 3600)
    assert refused(lambda: refresh(idp, client, token)) == (
        "NotAuthorizedException",
        "Refresh Token has expired",
    )


def test_refresh_for_a_disabled_user(cognito_idp: Any, pools: Pools) -> None:
    """AdminDisableUser "revokes all access tokens for the user"; refresh fails after it
    (cognito-spec §4.3 AdminDisableUser [M][I-381]), saying why, as sign-in does [I-5503]."""
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann")
    token = password_auth(cognito_idp, client, "ann", PASSWORD)["AuthenticationResult"][
        "RefreshToken"
    ]
    cognito_idp.admin_disable_user(UserPoolId=pool, Username="ann")
    assert refused(lambda: refresh(cognito_idp, client, token)) == (
        "NotAuthorizedException",
        "User is disabled.",
    )
    # Disabling ended the sign-in: enabling the user again does not bring it back.
    cognito_idp.admin_enable_user(UserPoolId=pool, Username="ann")
    assert refused(lambda: refresh(cognito_idp, client, token)) == (
        "NotAuthorizedException",
        "Refresh Token has been revoked",
    )
    assert_tokens(password_auth(cognito_idp, client, "ann", PASSWORD))


def test_refresh_needs_the_refresh_flow(cognito_idp: Any, pools: Pools) -> None:
    pool = pools.pool()
    client = pools.client(pool)
    assert refused(
        lambda: cognito_idp.initiate_auth(
            ClientId=client, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={}
        )
    ) == ("InvalidParameterException", "Missing required parameter REFRESH_TOKEN")


# properties -------------------------------------------------------------------------------

#: Passwords near the right one, and anything at all.
wrong_passwords = st.one_of(
    st.sampled_from(
        [
            "",
            PASSWORD.lower(),
            PASSWORD.upper(),
            PASSWORD[:-1],
            PASSWORD + " ",
            " " + PASSWORD,
            PASSWORD + PASSWORD,
            PASSWORD.replace("3", "e"),
            TEMPORARY,
        ]
    ),
    # No U+0000: the decoder refuses it in any request, before sign-in looks at it.
    st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=40),
).filter(lambda p: p != PASSWORD)


_serial = itertools.count()


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    password=wrong_passwords,
    flow=st.sampled_from(["USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "USER_SRP_AUTH"]),
)
def test_any_other_password_is_refused(
    cognito_idp: Any, user_pool_id: str, password: str, flow: str
) -> None:
    """Never tokens, always the generic error. Each example has a user of its own, so the
    lock-out after five failures never answers instead."""
    pools = Pools(cognito_idp)
    client = pools.client(user_pool_id)
    username = f"u{next(_serial)}"
    pools.user(user_pool_id, username)
    if flow == "USER_PASSWORD_AUTH":
        assert refused(lambda: password_auth(cognito_idp, client, username, password)) == INCORRECT
    elif flow == "ADMIN_USER_PASSWORD_AUTH":
        assert (
            refused(
                lambda: admin_password_auth(cognito_idp, user_pool_id, client, username, password)
            )
            == INCORRECT
        )
    else:
        srp = srp_client(cognito_idp, user_pool_id, client, username, password)
        assert refused(srp.authenticate_user) == INCORRECT


def test_new_password_follows_the_model_limits_inside_the_map(
    cognito_idp: Any, pools: Pools
) -> None:
    """``ChallengeResponses`` is a map the model cannot type, so the server applies the
    password member's own limits there: at most 256 characters, no outer whitespace."""
    pool = pools.pool()
    client = pools.client(pool)
    pools.user(pool, "ann", None)
    session = password_auth(cognito_idp, client, "ann", TEMPORARY)["Session"]
    for bad, reason in (
        ("Aa1!" * 75, "Password must not be longer than 256 characters"),
        (" " + NEW_PASSWORD, "Password must not begin or end with whitespace"),
    ):
        assert refused(new_password, cognito_idp, client, session, "ann", bad) == (
            "InvalidPasswordException",
            f"Password did not conform with password policy: {reason}",
        )
    assert_tokens(new_password(cognito_idp, client, session, "ann", NEW_PASSWORD))
