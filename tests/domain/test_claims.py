"""Group claims and token claim sets (``userpools.domain.claims``), cognito-spec §5.2-5.3, §7."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from userpools.domain.claims import (
    access_token_claims,
    group_claims,
    id_token_claims,
    ordered,
    preferred_role,
)
from userpools.domain.models import Group

ADMIN = "arn:aws:iam::123456789012:role/admin"
EDITOR = "arn:aws:iam::123456789012:role/editor"
READER = "arn:aws:iam::123456789012:role/reader"


def group(name: str, precedence: int | None = None, role: str | None = None) -> Group:
    return Group(
        key=0,
        name=name,
        description=None,
        role_arn=role,
        precedence=precedence,
        created_at=0.0,
        updated_at=0.0,
    )


# --- cognito:preferred_role: the precedence table ------------------------------------------

PRECEDENCE_TABLE = [
    pytest.param([], None, id="no-groups"),
    pytest.param([group("a", 1), group("b", None)], None, id="groups-without-roles"),
    pytest.param([group("a", None, ADMIN)], ADMIN, id="one-role-null-precedence"),
    pytest.param([group("a", 5, ADMIN)], ADMIN, id="one-role"),
    pytest.param([group("a", 2, EDITOR), group("b", 1, ADMIN)], ADMIN, id="lower-wins"),
    pytest.param([group("a", 0, ADMIN), group("b", 1, EDITOR)], ADMIN, id="zero-is-highest"),
    pytest.param(
        [group("a", None, ADMIN), group("b", 2**31 - 1, EDITOR)], EDITOR, id="null-ranks-last"
    ),
    pytest.param([group("a", 3, ADMIN), group("b", 3, EDITOR)], None, id="tie-different-roles"),
    pytest.param([group("a", 3, ADMIN), group("b", 3, ADMIN)], ADMIN, id="tie-same-role"),
    pytest.param(
        [group("a", 3, ADMIN), group("b", 3, EDITOR), group("c", 4, READER)],
        None,
        id="tie-omits-even-with-a-lower-group",
    ),
    pytest.param(
        [group("a", 1, ADMIN), group("b", 3, EDITOR), group("c", 3, READER)],
        ADMIN,
        id="tie-below-the-winner-is-irrelevant",
    ),
    pytest.param(
        [group("a", None, ADMIN), group("b", None, ADMIN)], ADMIN, id="only-null-same-role"
    ),
    pytest.param(
        [group("a", None, ADMIN), group("b", None, EDITOR)], None, id="only-null-different-roles"
    ),
    pytest.param(
        [group("a", 0, None), group("b", 7, EDITOR)], EDITOR, id="roleless-better-does-not-block"
    ),
    pytest.param(
        [group("a", 0, ""), group("b", 7, EDITOR)], EDITOR, id="empty-role-counts-as-none"
    ),
    pytest.param(
        [group("a", 1, None), group("b", 1, EDITOR)], EDITOR, id="roleless-tie-is-not-a-tie"
    ),
]


@pytest.mark.parametrize(("groups", "expected"), PRECEDENCE_TABLE)
def test_preferred_role_precedence_table(groups: list[Group], expected: str | None) -> None:
    """Spec §5.3 [D-G][AR-CG]: lowest precedence with a RoleArn; null last; split tie: no claim.

    Our readings of the two open points (§11.11): only groups with a role take part, so a
    role-less group never blocks; and null-precedence groups tie with each other.
    """
    assert preferred_role(groups) == expected
    claims = group_claims(groups)
    if expected is None:
        assert "cognito:preferred_role" not in claims
    else:
        assert claims["cognito:preferred_role"] == expected


# --- cognito:groups and cognito:roles ------------------------------------------------------


def test_group_claims_empty_without_groups() -> None:
    """The claims are absent, not empty arrays, when the user has no groups (spec §5.2)."""
    assert group_claims([]) == {}


def test_group_claims_groups_without_roles_have_no_role_claims() -> None:
    assert group_claims([group("b"), group("a", 3)]) == {"cognito:groups": ["a", "b"]}


def test_group_claims_single_group_is_still_an_array() -> None:
    assert group_claims([group("only", 1, ADMIN)]) == {
        "cognito:groups": ["only"],
        "cognito:roles": [ADMIN],
        "cognito:preferred_role": ADMIN,
    }


def test_group_claims_order_by_precedence_then_null_then_name() -> None:
    groups = [
        group("zeta", None),
        group("beta", 5),
        group("alpha", None),
        group("gamma", 0),
        group("delta", 5),
        group("Alpha", None),
    ]
    assert group_claims(groups)["cognito:groups"] == [
        "gamma",
        "beta",
        "delta",
        "Alpha",
        "alpha",
        "zeta",
    ]


def test_group_claims_roles_deduplicated_in_group_order() -> None:
    """All roles "regardless of precedence" (spec §5.2), each once, in group order."""
    groups = [
        group("d", None, ADMIN),
        group("c", 9, EDITOR),
        group("b", 2, ADMIN),
        group("a", 2, None),
        group("e", 4, READER),
        group("f", 4, EDITOR),
    ]
    claims = group_claims(groups)
    assert claims["cognito:groups"] == ["a", "b", "e", "f", "c", "d"]
    assert claims["cognito:roles"] == [ADMIN, READER, EDITOR]
    assert claims["cognito:preferred_role"] == ADMIN


def test_group_claims_roles_listed_even_when_preferred_role_is_omitted() -> None:
    claims = group_claims([group("a", 1, ADMIN), group("b", 1, EDITOR)])
    assert claims == {"cognito:groups": ["a", "b"], "cognito:roles": [ADMIN, EDITOR]}


ROLES = st.sampled_from([None, "", ADMIN, EDITOR, READER])
GROUPS = st.lists(
    st.builds(
        group,
        name=st.text(min_size=1, max_size=5),
        precedence=st.none() | st.integers(0, 3),
        role=ROLES,
    ),
    max_size=8,
    unique_by=lambda g: g.name,
)


@given(GROUPS)
def test_preferred_role_is_none_or_a_given_role(groups: list[Group]) -> None:
    role = preferred_role(groups)
    assert role is None or role in {g.role_arn for g in groups if g.role_arn}


@given(GROUPS, st.randoms())
def test_group_claims_are_invariant_under_permutation(groups: list[Group], random: Any) -> None:
    shuffled = list(groups)
    random.shuffle(shuffled)
    assert preferred_role(shuffled) == preferred_role(groups)
    assert group_claims(shuffled) == group_claims(groups)
    assert ordered(shuffled) == ordered(groups)


@given(GROUPS)
def test_group_claims_roles_are_a_set_of_the_given_roles(groups: list[Group]) -> None:
    roles = group_claims(groups).get("cognito:roles", [])
    assert len(roles) == len(set(roles))
    assert set(roles) == {g.role_arn for g in groups if g.role_arn}


# --- ID and access token claim sets --------------------------------------------------------

ISSUER = "http://localhost:9229/us-east-1_Example"
SUB = "7b1e5a0e-3f4a-4c9e-8d5c-2f1d3f9b6a10"
TIMES: dict[str, Any] = {
    "auth_time": 1_700_000_000.7,
    "iat": 1_700_000_000.7,
    "exp": 1_700_003_600.7,
}
IDS = {"jti": "jti-1", "origin_jti": "origin-1", "event_id": "event-1"}
GROUP_LIST = [group("readers", 5, READER), group("admins", 1, ADMIN)]


def id_claims(**overrides: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "issuer": ISSUER,
        "client_id": "client-1",
        "username": "ann",
        "sub": SUB,
        "attributes": [
            ("sub", SUB),
            ("email", "ann@example.com"),
            ("email_verified", "true"),
            ("phone_number", "+15555550100"),
            ("phone_number_verified", "false"),
            ("name", "Ann"),
            ("custom:tier", "12"),
        ],
        "groups": GROUP_LIST,
        **TIMES,
        **IDS,
        **overrides,
    }
    return id_token_claims(**arguments)


def access_claims(**overrides: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "issuer": ISSUER,
        "client_id": "client-1",
        "username": "ann",
        "sub": SUB,
        "groups": GROUP_LIST,
        **TIMES,
        **IDS,
        **overrides,
    }
    return access_token_claims(**arguments)


def test_id_token_claims_match_the_spec() -> None:
    """Spec §7.2 [D-IT][MV]: verified flags are booleans, custom attributes are strings."""
    assert id_claims() == {
        "sub": SUB,
        "email": "ann@example.com",
        "email_verified": True,
        "phone_number": "+15555550100",
        "phone_number_verified": False,
        "name": "Ann",
        "custom:tier": "12",
        "cognito:groups": ["admins", "readers"],
        "cognito:roles": [ADMIN, READER],
        "cognito:preferred_role": ADMIN,
        "iss": ISSUER,
        "cognito:username": "ann",
        "origin_jti": "origin-1",
        "aud": "client-1",
        "event_id": "event-1",
        "token_use": "id",
        "auth_time": 1_700_000_000,
        "exp": 1_700_003_600,
        "iat": 1_700_000_000,
        "jti": "jti-1",
    }


def test_id_token_claims_times_are_whole_seconds() -> None:
    claims = id_claims()
    for name in ("auth_time", "iat", "exp"):
        assert type(claims[name]) is int


@pytest.mark.parametrize(("stored", "claim"), [("true", True), ("True", True), ("false", False)])
def test_id_token_claims_verified_flags_are_booleans(stored: str, claim: bool) -> None:
    attributes = [("email_verified", stored), ("phone_number_verified", stored)]
    claims = id_claims(attributes=attributes)
    assert claims["email_verified"] is claim
    assert claims["phone_number_verified"] is claim


def test_id_token_claims_without_groups_or_attributes() -> None:
    """Only the guaranteed claims and the session ids; no empty group arrays (spec §5.2)."""
    claims = id_claims(attributes=[], groups=[])
    assert not {"cognito:groups", "cognito:roles", "cognito:preferred_role", "email"} & set(claims)
    assert {"iss", "sub", "aud", "exp", "iat", "token_use"} <= set(claims)


def test_id_token_claims_attributes_cannot_replace_token_claims() -> None:
    claims = id_claims(attributes=[("sub", "someone-else"), ("token_use", "access"), ("aud", "x")])
    assert (claims["sub"], claims["token_use"], claims["aud"]) == (SUB, "id", "client-1")


def test_id_token_claims_identities_become_an_array() -> None:
    """Stored as a JSON string (spec §2 sample); the ID token carries the array [D-IT]."""
    stored = '[{"userId":"1","providerName":"Google","providerType":"Google","primary":true}]'
    claims = id_claims(attributes=[("identities", stored)])
    assert claims["identities"] == [
        {"userId": "1", "providerName": "Google", "providerType": "Google", "primary": True}
    ]
    assert id_claims(attributes=[("identities", "not json")])["identities"] == "not json"


def test_access_token_claims_match_the_spec() -> None:
    """Spec §7.3 [D-AT][MV]: the API sign-in scope, ``version: 2``, no attributes, no roles."""
    assert access_claims() == {
        "sub": SUB,
        "cognito:groups": ["admins", "readers"],
        "iss": ISSUER,
        "version": 2,
        "client_id": "client-1",
        "origin_jti": "origin-1",
        "event_id": "event-1",
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "auth_time": 1_700_000_000,
        "exp": 1_700_003_600,
        "iat": 1_700_000_000,
        "jti": "jti-1",
        "username": "ann",
    }


def test_access_token_claims_without_groups() -> None:
    claims = access_claims(groups=[])
    assert "cognito:groups" not in claims
    assert "cognito:roles" not in claims and "cognito:preferred_role" not in claims


def test_id_and_access_claims_share_the_session() -> None:
    id_token, access = id_claims(), access_claims()
    assert id_token["aud"] == access["client_id"]
    for name in ("sub", "iss", "origin_jti", "event_id", "auth_time"):
        assert id_token[name] == access[name]
    assert id_token["cognito:groups"] == access["cognito:groups"]
