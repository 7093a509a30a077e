"""The token endpoint's pure rules (``userpools.domain.oauth``): which scopes a
client-credentials token gets, its claims, and what userInfo answers."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from userpools.domain.client_oauth import STANDARD_SCOPES
from userpools.domain.models import AppClient, ClientSettings, User, UserStatus
from userpools.domain.oauth import (
    OAuthError,
    TokenResponse,
    client_credentials_claims,
    granted_scopes,
    userinfo_claims,
)


def client(scopes: tuple[str, ...], read: tuple[str, ...] | None = None) -> AppClient:
    return AppClient(
        key=1,
        client_id="c1",
        name="machine",
        secret="s",
        settings=ClientSettings(read_attributes=read, oauth_scopes=scopes),
        document={},
        created_at=0.0,
        updated_at=0.0,
    )


scope_names = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_.:", min_size=1, max_size=12)
custom = st.builds(lambda server, name: f"{server}/{name}", scope_names, scope_names)


@given(st.lists(custom, min_size=1, max_size=6, unique=True), st.data())
def test_any_subset_of_the_clients_scopes_is_granted_as_asked(
    scopes: list[str], data: st.DataObject
) -> None:
    asked = data.draw(st.lists(st.sampled_from(scopes), min_size=1, unique=True))
    spacing = data.draw(st.sampled_from([" ", "  "]))
    assert granted_scopes(tuple(scopes), spacing.join(asked)) == tuple(asked)


@given(st.lists(custom, min_size=1, max_size=6, unique=True), st.sampled_from([None, "", " "]))
def test_no_scope_asked_grants_all_of_the_clients(scopes: list[str], asked: str | None) -> None:
    assert granted_scopes(tuple(scopes), asked) == tuple(scopes)


@given(
    st.lists(custom, min_size=1, max_size=6, unique=True),
    st.one_of(custom, st.sampled_from(sorted(STANDARD_SCOPES)), st.just("offline_access")),
)
def test_a_scope_outside_the_clients_is_invalid_scope(scopes: list[str], other: str) -> None:
    assume(other not in scopes)
    with pytest.raises(OAuthError) as caught:
        granted_scopes(tuple(scopes), f"{scopes[0]} {other}")
    assert (caught.value.error, caught.value.status) == ("invalid_scope", 400)


def test_no_scope_left_to_grant_is_invalid_scope() -> None:
    with pytest.raises(OAuthError) as caught:
        granted_scopes((), None)
    assert caught.value.error == "invalid_scope"


def test_invalid_client_is_401_and_the_rest_400() -> None:
    assert OAuthError("invalid_client").status == 401
    for error in ("invalid_request", "invalid_grant", "unauthorized_client", "invalid_scope"):
        assert OAuthError(error).status == 400


def test_a_machine_token_names_the_client_and_no_user() -> None:
    claims = client_credentials_claims(
        issuer="https://x/p", client_id="c1", scopes=("a/b", "c/d"), now=1000.7, lifetime=300
    )
    assert {k: v for k, v in claims.items() if k != "jti"} == {
        "sub": "c1",
        "client_id": "c1",
        "token_use": "access",
        "scope": "a/b c/d",
        "auth_time": 1000,
        "iat": 1000,
        "exp": 1300,
        "iss": "https://x/p",
        "version": 2,
    }


def test_token_response_leaves_out_absent_members_and_hides_tokens() -> None:
    response = TokenResponse(access_token="secret-access", expires_in=60)
    assert response.as_json() == {
        "access_token": "secret-access",
        "token_type": "Bearer",
        "expires_in": 60,
    }
    assert "secret-access" not in repr(response)


def test_userinfo_gives_strings_and_only_readable_attributes() -> None:
    user = User(
        key=1,
        username="ann",
        username_key="ann",
        sub="s-1",
        status=UserStatus.CONFIRMED,
        enabled=True,
        attributes=(
            ("sub", "s-1"),
            ("email", "ann@example.com"),
            ("email_verified", "True"),
            ("phone_number_verified", "false"),
            ("custom:tier", "gold"),
            ("dev:custom:secret", "hidden"),
        ),
        mfa_options=(),
        created_at=0.0,
        updated_at=0.0,
    )
    assert userinfo_claims(client(()), user) == {
        "sub": "s-1",
        "email": "ann@example.com",
        "email_verified": "true",
        "phone_number_verified": "false",
        "custom:tier": "gold",
        "username": "ann",
    }
    only_email = client((), read=("email",))
    assert userinfo_claims(only_email, user) == {
        "sub": "s-1",
        "email": "ann@example.com",
        "username": "ann",
    }
