# The fixtures (app, make_app, make_clocked_app) are test_accounts.py's, imported by name.
# ruff: noqa: F401, F811
"""GetTokensFromRefreshToken and refresh token rotation, through boto3 against the real server.

GetTokensFromRefreshToken makes the checks of InitiateAuth REFRESH_TOKEN_AUTH (the client, its
secret, the token's state, the user's, ``ALLOW_REFRESH_TOKEN_AUTH``). With the client's
``RefreshTokenRotation`` enabled it also answers a new refresh token, and the one presented
works for ``RetryGracePeriodSeconds`` more (API_RefreshTokenRotationType).
"""

from __future__ import annotations

import base64
import json
from typing import Any

from test_accounts import (
    INVALID_CLIENT,
    REFRESH_REVOKED,
    App,
    AppFactory,
    app,
    confirmed,
    fails,
    make_app,
    make_clocked_app,
)

INVALID_REFRESH = ("NotAuthorizedException", "Invalid Refresh Token")
REFRESH_EXPIRED = ("NotAuthorizedException", "Refresh Token has expired")
DISABLED = ("NotAuthorizedException", "User is disabled.")
REUSED = ("RefreshTokenReuseException", "Refresh Token has been rotated and is no longer valid")
REFRESH_FLOW_OFF = (
    "InvalidParameterException",
    "REFRESH_TOKEN_AUTH flow not enabled for this client",
)
ROTATING_FLOWS = ["ALLOW_USER_PASSWORD_AUTH"]


def claims(token: str) -> dict[str, Any]:
    """The payload of a JWT, read without checking it (test_tokens.py checks signatures)."""
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * 4))
    return decoded


def renew(app: App, refresh_token: str, **extra: Any) -> dict[str, Any]:
    response = app.api.get_tokens_from_refresh_token(
        ClientId=app.client_id, RefreshToken=refresh_token, **extra
    )
    result: dict[str, Any] = response["AuthenticationResult"]
    return result


def test_new_tokens_carry_the_users_current_groups(app: App) -> None:
    confirmed(app)
    signed_in = app.sign_in("ann")
    assert "cognito:groups" not in claims(signed_in["AccessToken"])
    app.api.create_group(UserPoolId=app.pool_id, GroupName="admins")
    app.api.admin_add_user_to_group(UserPoolId=app.pool_id, GroupName="admins", Username="ann")
    renewed = renew(app, signed_in["RefreshToken"])
    # Rotation is off: no refresh token, the sign-in's own stays in use.
    assert set(renewed) == {"AccessToken", "IdToken", "ExpiresIn", "TokenType"}
    assert (renewed["ExpiresIn"], renewed["TokenType"]) == (3600, "Bearer")
    for token in (renewed["AccessToken"], renewed["IdToken"]):
        assert claims(token)["cognito:groups"] == ["admins"]
    # The same sign-in: origin_jti and auth_time are kept.
    before, after = claims(signed_in["AccessToken"]), claims(renewed["AccessToken"])
    assert (after["origin_jti"], after["auth_time"]) == (before["origin_jti"], before["auth_time"])
    assert app.get_user(renewed["AccessToken"])["Username"] == "ann"
    assert renew(app, signed_in["RefreshToken"])["AccessToken"]


def test_refusals_as_for_refresh_token_auth(app: App) -> None:
    confirmed(app)
    token = app.sign_in("ann")["RefreshToken"]
    get = app.api.get_tokens_from_refresh_token
    assert fails(get, ClientId="nosuchclient", RefreshToken=token) == (
        "ResourceNotFoundException",
        "User pool client nosuchclient does not exist.",
    )
    assert fails(get, ClientId=app.client_id, RefreshToken="garbage") == INVALID_REFRESH
    other = app.another_client()
    assert fails(get, ClientId=other.client_id, RefreshToken=token) == INVALID_REFRESH
    # A client that does not allow refresh.
    narrow = app.another_client(ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])
    narrow_token = narrow.sign_in("ann")["RefreshToken"]
    assert fails(get, ClientId=narrow.client_id, RefreshToken=narrow_token) == REFRESH_FLOW_OFF
    # Revoked, signed out, disabled.
    app.api.revoke_token(Token=token, ClientId=app.client_id)
    assert fails(get, ClientId=app.client_id, RefreshToken=token) == REFRESH_REVOKED
    second = app.sign_in("ann")["RefreshToken"]
    app.api.admin_user_global_sign_out(UserPoolId=app.pool_id, Username="ann")
    assert fails(get, ClientId=app.client_id, RefreshToken=second) == REFRESH_REVOKED
    third = app.sign_in("ann")["RefreshToken"]
    app.api.admin_disable_user(UserPoolId=app.pool_id, Username="ann")
    assert fails(get, ClientId=app.client_id, RefreshToken=third) == DISABLED


def test_a_client_with_a_secret_needs_it(make_app: AppFactory) -> None:
    app = make_app(GenerateSecret=True)
    assert app.secret is not None
    confirmed(app)
    token = app.sign_in("ann")["RefreshToken"]
    get = app.api.get_tokens_from_refresh_token
    refused = (
        "NotAuthorizedException",
        f"Unable to verify client secret for client {app.client_id}",
    )
    assert fails(get, ClientId=app.client_id, RefreshToken=token) == refused
    assert fails(get, ClientId=app.client_id, RefreshToken=token, ClientSecret="x" * 52) == refused
    assert renew(app, token, ClientSecret=app.secret)["AccessToken"]
    # RevokeToken, which takes the same ClientSecret, still refuses a wrong one as it did.
    assert fails(app.api.revoke_token, Token=token, ClientId=app.client_id) == INVALID_CLIENT


def test_expired_refresh_token(make_clocked_app: AppFactory, clock: Any) -> None:
    app = make_clocked_app()
    confirmed(app)
    token = app.sign_in("ann")["RefreshToken"]
    clock.advance(30 * 86400 + 1)
    assert fails(
        app.api.get_tokens_from_refresh_token, ClientId=app.client_id, RefreshToken=token
    ) == (REFRESH_EXPIRED)


# RefreshTokenRotation -------------------------------------------------------------------------


def test_rotation_is_stored_and_described(app: App) -> None:
    described = app.api.describe_user_pool_client(UserPoolId=app.pool_id, ClientId=app.client_id)
    # AWS answers the disabled default for a client created without it.
    assert described["UserPoolClient"]["RefreshTokenRotation"] == {
        "Feature": "DISABLED",
        "RetryGracePeriodSeconds": 0,
    }
    rotating = app.another_client(
        ExplicitAuthFlows=ROTATING_FLOWS,
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 30},
    )
    described = app.api.describe_user_pool_client(
        UserPoolId=app.pool_id, ClientId=rotating.client_id
    )["UserPoolClient"]
    assert described["RefreshTokenRotation"] == {
        "Feature": "ENABLED",
        "RetryGracePeriodSeconds": 30,
    }
    updated = app.api.update_user_pool_client(
        UserPoolId=app.pool_id,
        ClientId=rotating.client_id,
        RefreshTokenRotation={"Feature": "DISABLED"},
    )["UserPoolClient"]
    assert updated["RefreshTokenRotation"] == {"Feature": "DISABLED", "RetryGracePeriodSeconds": 0}
    refused = fails(
        app.api.create_user_pool_client,
        UserPoolId=app.pool_id,
        ClientName="x",
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 61},
    )
    assert refused[0] == "InvalidParameterException"


def test_rotation_gives_a_new_refresh_token_and_retires_the_old_after_the_grace(
    make_clocked_app: AppFactory, clock: Any
) -> None:
    app = make_clocked_app(
        ExplicitAuthFlows=ROTATING_FLOWS,
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 10},
    )
    confirmed(app)
    first = app.sign_in("ann")["RefreshToken"]
    renewed = renew(app, first)
    second = renewed["RefreshToken"]
    assert second != first
    assert app.get_user(renewed["AccessToken"])["Username"] == "ann"
    # A retry within the grace period works, and rotates again.
    clock.advance(5)
    retried = renew(app, first)["RefreshToken"]
    assert retried not in (first, second)
    get = app.api.get_tokens_from_refresh_token
    assert fails(get, ClientId=app.client_id, RefreshToken=second) == INVALID_REFRESH
    # The grace counts from the first use, not the retry.
    clock.advance(6)
    assert fails(get, ClientId=app.client_id, RefreshToken=first) == REUSED
    third = renew(app, retried)["RefreshToken"]
    clock.advance(11)
    assert fails(get, ClientId=app.client_id, RefreshToken=retried) == REUSED
    # A rotated refresh token runs out when the sign-in's first would have (30 days).
    clock.advance(30 * 86400)
    assert fails(get, ClientId=app.client_id, RefreshToken=third) == REFRESH_EXPIRED


def test_rotation_without_grace_and_refresh_token_auth_refused(app: App) -> None:
    rotating = app.another_client(
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        RefreshTokenRotation={"Feature": "ENABLED"},
    )
    confirmed(app)
    first = rotating.sign_in("ann")["RefreshToken"]
    # Rotation is completed with GetTokensFromRefreshToken only (API_RefreshTokenRotationType).
    assert fails(rotating.refresh, refresh_token=first) == REFRESH_FLOW_OFF
    second = renew(rotating, first)["RefreshToken"]
    get = app.api.get_tokens_from_refresh_token
    assert fails(get, ClientId=rotating.client_id, RefreshToken=first) == REUSED
    # Revoking the newest refresh token ends the sign-in.
    app.api.revoke_token(Token=second, ClientId=rotating.client_id)
    assert fails(get, ClientId=rotating.client_id, RefreshToken=second) == REFRESH_REVOKED
