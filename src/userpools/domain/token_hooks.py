"""PostAuthentication and PreTokenGeneration: the triggers that run as tokens are signed.

Claims are gathered inside the sign-in's transaction; :meth:`Grant.sign
<userpools.domain.tokens.Grant.sign>` runs after it committed, and calls :func:`finish` first
when the pool has either trigger, so neither holds a transaction open.

PostAuthentication ("Post authentication Lambda trigger",
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-post-authentication.html)
fires after a sign-in succeeded (never on refresh); its failure is the call's error and no
tokens are issued. PreTokenGeneration ("Pre token generation Lambda trigger",
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html):

- ``V1_0`` (``version "1"``): ``claimsOverrideDetails`` changes the ID token only, except
  ``groupOverrideDetails``, which also replaces the access token's ``cognito:groups``;
- ``V2_0``/``V3_0`` (``version "2"``/``"3"``): ``claimsAndScopeOverrideDetails`` with
  ``idTokenGeneration`` and ``accessTokenGeneration`` (claims, ``scopesToAdd``,
  ``scopesToSuppress``) and ``groupOverrideDetails``;
- a claim both suppressed and added is suppressed; reserved claims (:data:`RESERVED`, and
  every ``cognito:`` claim) keep Cognito's value, and the attempt is logged. The guide's
  "Claims and scopes reference" table: the group claims change through
  ``groupOverrideDetails`` only; suppressing ``cognito:groups`` also suppresses
  ``cognito:roles`` and ``cognito:preferred_role``; ``dev:`` attributes may only be
  suppressed; ``aud`` may be added to the access token when it is the client's id; a scope
  with a blank in it is not added;
- ``groupOverrideDetails`` present but ``null`` or ``{}`` removes the group claims; absent,
  they stay.

Both triggers get ``clientMetadata`` where AWS passes the call's ``ClientMetadata`` to them:
from RespondToAuthChallenge (and its Admin twin) and GetTokensFromRefreshToken, never from
InitiateAuth (the API reference), and from the token endpoint's ``aws_client_metadata`` for
client credentials.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from userpools.domain import claims as claim_rules
from userpools.domain.hooks import user_attributes
from userpools.domain.models import Group, User, UserPool
from userpools.domain.triggers import PRE_TOKEN, Triggers

if TYPE_CHECKING:
    from userpools.domain.tokens import Grant

logger = logging.getLogger("userpools.triggers")

AUTHENTICATION = "TokenGeneration_Authentication"
REFRESH = "TokenGeneration_RefreshTokens"
NEW_PASSWORD = "TokenGeneration_NewPasswordChallenge"
#: Tokens of the managed login page's grants, from the token endpoint. The page's own sign-in
#: already fired PostAuthentication, so these fire PreTokenGeneration only.
HOSTED_AUTH = "TokenGeneration_HostedAuth"
#: The managed login page's own sign-in (not an AWS source): PostAuthentication fires, and
#: PreTokenGeneration waits for the code's exchange (``HOSTED_AUTH``), as the page's tokens
#: never leave the server.
PAGE_SIGN_IN = "page sign-in"
#: Client credentials (``POST /oauth2/token``): only a ``V3_0`` function gets it.
CLIENT_CREDENTIALS = "TokenGeneration_ClientCredentials"
#: Claims no trigger may add, change or suppress (the guide's pre token generation page).
RESERVED = frozenset(
    {
        "acr",
        "amr",
        "aud",
        "at_hash",
        "auth_time",
        "azp",
        "client_id",
        "cognito:username",
        "event_id",
        "exp",
        "iat",
        "identities",
        "iss",
        "jti",
        "nbf",
        "nonce",
        "origin_jti",
        "sub",
        "token_use",
        "username",
        "version",
        "device_key",
    }
)
#: The group claims: suppressed through ``claimsToSuppress``, set by ``groupOverrideDetails``.
_GROUP_CLAIMS = (claim_rules.GROUPS, claim_rules.ROLES, claim_rules.PREFERRED_ROLE)


def wanted(triggers: Triggers | None, pool: UserPool, source: str) -> bool:
    """Whether signing this grant fires a trigger."""
    if triggers is None:
        return False
    post = source not in (REFRESH, HOSTED_AUTH) and triggers.configured(pool, "PostAuthentication")
    return post or (source != PAGE_SIGN_IN and triggers.configured(pool, PRE_TOKEN))


def finish(
    triggers: Triggers,
    pool: UserPool,
    client_id: str,
    user: User,
    groups: Sequence[Group],
    source: str,
    metadata: Mapping[str, str] | None,
    grant: Grant,
) -> Grant:
    """The grant as the triggers leave it (PostAuthentication, then PreTokenGeneration)."""
    attributes = user_attributes(pool, user)
    extra = {} if metadata is None else {"clientMetadata": dict(metadata)}
    if source not in (REFRESH, HOSTED_AUTH):
        request = {"userAttributes": attributes, "newDeviceUsed": False, **extra}
        triggers.invoke(
            pool,
            "PostAuthentication",
            "PostAuthentication_Authentication",
            user.username,
            client_id,
            request,
        )
    if source == PAGE_SIGN_IN or not triggers.configured(pool, PRE_TOKEN):
        return grant
    version = triggers.version(pool, PRE_TOKEN)
    ordered = claim_rules.ordered(groups)
    request_: dict[str, Any] = {
        "userAttributes": attributes,
        "groupConfiguration": {
            "groupsToOverride": [g.name for g in ordered],
            "iamRolesToOverride": [g.role_arn for g in ordered if g.role_arn],
            "preferredRole": claim_rules.preferred_role(ordered),
        },
        **extra,
    }
    details = "claimsOverrideDetails"
    if version != "1":
        request_["scopes"] = str(grant.access_claims.get("scope", "")).split()
        details = "claimsAndScopeOverrideDetails"
    response = triggers.invoke(
        pool, PRE_TOKEN, source, user.username, client_id, request_, {details: None}
    )
    found = (response or {}).get(details)
    if not isinstance(found, dict):
        return grant
    id_claims = dict(grant.id_claims)
    access_claims = dict(grant.access_claims)
    if version == "1":
        _change(pool, id_claims, found)
    else:
        _change(pool, id_claims, found.get("idTokenGeneration") or {})
        access = found.get("accessTokenGeneration") or {}
        _change(pool, access_claims, access, client_id)
        _scopes(pool, access_claims, access)
    if "groupOverrideDetails" in found:
        _groups(id_claims, access_claims, found["groupOverrideDetails"])
    return dataclasses.replace(grant, id_claims=id_claims, access_claims=access_claims)


def client_credentials(
    triggers: Triggers | None,
    pool: UserPool,
    client_id: str,
    access_claims: Mapping[str, Any],
    metadata: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The client's access token as PreTokenGeneration ``V3_0`` leaves it
    (``TokenGeneration_ClientCredentials``; V1_0 and V2_0 functions are not invoked for
    client credentials, as on AWS). Request ``userAttributes`` ``{}``, ``groupConfiguration``
    ``null`` (no user, no groups) and the granted ``scopes``; the response's
    ``accessTokenGeneration`` adds, overrides and suppresses claims and scopes as for a user's
    token, reserved claims kept. The event's ``userName`` is the client id (the token's
    ``sub``): there is no user. ``metadata``: the request's ``aws_client_metadata``, sent as
    ``clientMetadata``. Invoked outside any transaction."""
    claims = dict(access_claims)
    if triggers is None or not triggers.configured(pool, PRE_TOKEN):
        return claims
    if triggers.version(pool, PRE_TOKEN) != "3":
        return claims
    request: dict[str, Any] = {
        "userAttributes": {},
        "groupConfiguration": None,
        "scopes": str(claims.get("scope", "")).split(),
    }
    if metadata is not None:
        request["clientMetadata"] = dict(metadata)
    details = "claimsAndScopeOverrideDetails"
    response = triggers.invoke(
        pool, PRE_TOKEN, CLIENT_CREDENTIALS, client_id, client_id, request, {details: None}
    )
    found = (response or {}).get(details)
    if not isinstance(found, dict):
        return claims
    access = found.get("accessTokenGeneration") or {}
    if isinstance(access, dict):
        _change(pool, claims, access, client_id)
        _scopes(pool, claims, access)
    return claims


def _refused(pool: UserPool, what: str, name: Any) -> bool:
    logger.warning("PreTokenGeneration of pool %s: %s %r left unchanged", pool.id, what, name)
    return False


def _may_set(pool: UserPool, name: Any, value: Any, client_id: str | None) -> bool:
    """Whether ``claimsToAddOrOverride`` may set ``name``; ``client_id`` is given for the
    access token, where ``aud`` may be added with the client's id as its value."""
    if name == "aud" and client_id is not None and value == client_id:
        return True
    if not isinstance(name, str) or name in RESERVED or name.startswith(("cognito:", "dev:")):
        return _refused(pool, "reserved claim", name)
    return True


def _may_suppress(pool: UserPool, name: Any) -> bool:
    if name in _GROUP_CLAIMS or (isinstance(name, str) and name.startswith("dev:")):
        return True
    if not isinstance(name, str) or name in RESERVED or name.startswith("cognito:"):
        return _refused(pool, "reserved claim", name)
    return True


def _change(
    pool: UserPool,
    claims: dict[str, Any],
    details: Mapping[str, Any],
    client_id: str | None = None,
) -> None:
    """``claimsToAddOrOverride`` then ``claimsToSuppress``: suppressed beats overridden."""
    added = details.get("claimsToAddOrOverride") or {}
    if isinstance(added, dict):
        for name, value in added.items():
            if _may_set(pool, name, value, client_id):
                claims[name] = value
    for name in details.get("claimsToSuppress") or ():
        if _may_suppress(pool, name):
            for gone in _GROUP_CLAIMS if name == claim_rules.GROUPS else (name,):
                claims.pop(gone, None)


def _scopes(pool: UserPool, claims: dict[str, Any], details: Mapping[str, Any]) -> None:
    scopes = str(claims.get("scope", "")).split()
    for scope in details.get("scopesToAdd") or ():
        if not isinstance(scope, str) or not scope or any(c.isspace() for c in scope):
            _refused(pool, "scope", scope)
        elif scope not in scopes:
            scopes.append(scope)
    suppressed = set(details.get("scopesToSuppress") or ())
    kept = [scope for scope in scopes if scope not in suppressed]
    if kept:
        claims["scope"] = " ".join(kept)
    else:
        claims.pop("scope", None)


def _groups(id_claims: dict[str, Any], access_claims: dict[str, Any], override: Any) -> None:
    """``groupOverrideDetails`` replaces the group claims of both tokens."""
    override = override if isinstance(override, dict) else {}
    groups = [g for g in override.get("groupsToOverride") or () if isinstance(g, str)]
    roles = [r for r in override.get("iamRolesToOverride") or () if isinstance(r, str)]
    preferred = override.get("preferredRole")
    for claims in (id_claims, access_claims):
        claims.pop(claim_rules.GROUPS, None)
        if groups:
            claims[claim_rules.GROUPS] = groups
    id_claims.pop(claim_rules.ROLES, None)
    id_claims.pop(claim_rules.PREFERRED_ROLE, None)
    if roles:
        id_claims[claim_rules.ROLES] = roles
    if isinstance(preferred, str) and preferred:
        id_claims[claim_rules.PREFERRED_ROLE] = preferred
