"""The claims of the ID and access tokens, and the group claims (cognito-spec §5.2-5.3, §7.2-7.3).

Everything here is a pure function of plain values: the caller has already chosen the attributes
the app client may read, the times and the ids. Times are seconds since the epoch; tokens carry
them as whole seconds.

Groups are ordered by ``Precedence`` (lowest first, null last), then by name. AWS does not say how
it orders ``cognito:groups`` (spec §11.4); this order is deterministic and puts the group that
decides ``cognito:preferred_role`` first when there is one.

``cognito:preferred_role`` follows spec §5.3, with its two open points (§11.11) settled so:

- Only groups *with* a ``RoleArn`` take part ("the group with the lowest precedence value whose
  role ARN is given"). A role-less group with a better precedence does not hide the role of a
  lower-priority group.
- Null precedence ranks after every number, and null-precedence groups tie with each other: if
  the best rank is null and those groups name different roles, the claim is omitted, exactly as
  for a tie between equal numbers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from userpools.domain.models import Group

#: The only scope of tokens from API sign-in (InitiateAuth and friends), spec §7.3.
API_SIGN_IN_SCOPE = "aws.cognito.signin.user.admin"
#: The docs' access-token sample shows ``"version": 2`` (spec §7.3, §11.13); we always send it.
ACCESS_TOKEN_VERSION = 2

GROUPS = "cognito:groups"
ROLES = "cognito:roles"
PREFERRED_ROLE = "cognito:preferred_role"

_BOOLEAN_ATTRIBUTES = frozenset({"email_verified", "phone_number_verified"})
#: Attributes that the token carries as a claim of its own, never copied from the attribute list.
#: (The other claims are set after the attributes, so an attribute can never replace them.)
_NOT_COPIED = frozenset({"sub"})


def _rank(group: Group) -> tuple[bool, int]:
    """Lower sorts first: numbers ascending, then null."""
    return (group.precedence is None, group.precedence or 0)


def ordered(groups: Iterable[Group]) -> list[Group]:
    """Groups by precedence (null last), then by name."""
    return sorted(groups, key=lambda group: (_rank(group), group.name))


def preferred_role(groups: Sequence[Group]) -> str | None:
    """The ``RoleArn`` of the highest-priority group that has one, or ``None`` on a split tie."""
    with_role = [group for group in groups if group.role_arn]
    if not with_role:
        return None
    best = min(_rank(group) for group in with_role)
    roles = {group.role_arn for group in with_role if _rank(group) == best}
    if len(roles) != 1:
        return None
    return roles.pop()


def group_claims(groups: Sequence[Group]) -> dict[str, Any]:
    """``cognito:groups``, ``cognito:roles`` and ``cognito:preferred_role``; empty ones left out.

    Roles are listed once each, in group order.
    """
    in_order = ordered(groups)
    claims: dict[str, Any] = {}
    if in_order:
        claims[GROUPS] = [group.name for group in in_order]
    roles = list(dict.fromkeys(group.role_arn for group in in_order if group.role_arn))
    if roles:
        claims[ROLES] = roles
    role = preferred_role(in_order)
    if role is not None:
        claims[PREFERRED_ROLE] = role
    return claims


def _attribute_claim(name: str, value: str) -> Any:
    if name in _BOOLEAN_ATTRIBUTES:
        return value.lower() == "true"
    if name == "identities":  # stored as a JSON string, carried as the array it encodes
        try:
            decoded = json.loads(value)
        except ValueError:
            return value
        return decoded if isinstance(decoded, list) else value
    return value


def id_token_claims(
    *,
    issuer: str,
    client_id: str,
    username: str,
    sub: str,
    attributes: Iterable[tuple[str, str]],
    groups: Sequence[Group],
    auth_time: float,
    iat: float,
    exp: float,
    jti: str,
    origin_jti: str,
    event_id: str,
) -> dict[str, Any]:
    """The claims of an ID token from API sign-in (spec §7.2).

    ``attributes`` are the ones the app client may read. ``email_verified`` and
    ``phone_number_verified`` become JSON booleans; every other attribute, custom ones included,
    stays a string, except ``identities``, which becomes the JSON array it holds.
    """
    claims: dict[str, Any] = {"sub": sub}
    for name, value in attributes:
        if name not in _NOT_COPIED:
            claims[name] = _attribute_claim(name, value)
    claims.update(group_claims(groups))
    claims.update(
        {
            "iss": issuer,
            "cognito:username": username,
            "origin_jti": origin_jti,
            "aud": client_id,
            "event_id": event_id,
            "token_use": "id",
            "auth_time": int(auth_time),
            "exp": int(exp),
            "iat": int(iat),
            "jti": jti,
        }
    )
    return claims


def access_token_claims(
    *,
    issuer: str,
    client_id: str,
    username: str,
    sub: str,
    groups: Sequence[Group],
    auth_time: float,
    iat: float,
    exp: float,
    jti: str,
    origin_jti: str,
    event_id: str,
    scope: str = API_SIGN_IN_SCOPE,
) -> dict[str, Any]:
    """The claims of an access token from API sign-in (spec §7.3): no attributes, no roles.
    ``scope``: what a sign-in through ``/oauth2/authorize`` was granted, if it was one."""
    claims: dict[str, Any] = {"sub": sub}
    if groups:
        claims[GROUPS] = [group.name for group in ordered(groups)]
    claims.update(
        {
            "iss": issuer,
            "version": ACCESS_TOKEN_VERSION,
            "client_id": client_id,
            "origin_jti": origin_jti,
            "event_id": event_id,
            "token_use": "access",
            "scope": scope,
            "auth_time": int(auth_time),
            "exp": int(exp),
            "iat": int(iat),
            "jti": jti,
            "username": username,
        }
    )
    return claims
