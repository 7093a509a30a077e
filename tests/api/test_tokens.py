"""ID and access tokens end to end: real sign-ins through boto3, checked by standard libraries.

- Verification through the served documents only (OIDC discovery → ``jwks_uri``), with PyJWT's
  ``PyJWKClient`` and with joserfc (cognito-spec §7.1, §7.4; reliability.md §1.5).
- The claim sets of spec §7.2 and §7.3, and the group claims of §5.2-5.3 through real groups.
- The JWT attack suite against a token-authorised call (GetUser): every forgery is refused with
  ``NotAuthorizedException`` (RFC 8725 §2.1, §2.2, §3.1, §3.10).
- ``aws_issuer`` and key rotation.

``tests/crypto/test_jwt.py`` covers the JWT code as a unit; here everything goes through HTTP.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt as pyjwt
import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from joserfc import jwt as jose_jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from support import error_of

from userpools.crypto.jwt import sign
from userpools.crypto.keys import SigningKey
from userpools.domain.keys import KeyService, current
from userpools.testing import RunningServer, start_server

PASSWORD = "Corr3ct-horse-battery!"
ADMIN = "arn:aws:iam::123456789012:role/admin"
EDITOR = "arn:aws:iam::123456789012:role/editor"
READER = "arn:aws:iam::123456789012:role/reader"
API_SCOPE = "aws.cognito.signin.user.admin"
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
ALICE_ATTRIBUTES = {
    "email": "alice@example.com",
    "email_verified": "true",
    "name": "Alice Liddell",
    "custom:tier": "12",
}
GROUP_CLAIMS = ("cognito:groups", "cognito:roles", "cognito:preferred_role")


# --- helpers --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class App:
    """A pool, an app client of it, and the boto3 client that made them."""

    idp: Any
    pool_id: str
    client_id: str


def new_app(idp: Any, **client: Any) -> App:
    pool_id = idp.create_user_pool(
        PoolName="tokens",
        Schema=[{"Name": "tier", "AttributeDataType": "String", "Mutable": True}],
    )["UserPool"]["Id"]
    return App(idp, pool_id, new_client(idp, pool_id, **client))


def new_client(idp: Any, pool_id: str, **settings: Any) -> str:
    client_id: str = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS, **settings
    )["UserPoolClient"]["ClientId"]
    return client_id


def new_user(app: App, username: str, attributes: dict[str, str] | None = None) -> None:
    app.idp.admin_create_user(
        UserPoolId=app.pool_id,
        Username=username,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": k, "Value": v} for k, v in (attributes or {}).items()],
    )
    app.idp.admin_set_user_password(
        UserPoolId=app.pool_id, Username=username, Password=PASSWORD, Permanent=True
    )


def sign_in(app: App, username: str, client_id: str | None = None) -> dict[str, Any]:
    response = app.idp.initiate_auth(
        ClientId=client_id or app.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )
    result: dict[str, Any] = response["AuthenticationResult"]
    return result


def refresh(app: App, refresh_token: str) -> dict[str, Any]:
    response = app.idp.initiate_auth(
        ClientId=app.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": refresh_token},
    )
    result: dict[str, Any] = response["AuthenticationResult"]
    return result


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_json(value: Any) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def unb64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def header_of(token: str) -> dict[str, Any]:
    header: dict[str, Any] = json.loads(unb64url(token.split(".")[0]))
    return header


def claims_of(token: str) -> dict[str, Any]:
    """The payload, unverified (the tests that need verification do it with a library)."""
    claims: dict[str, Any] = json.loads(unb64url(token.split(".")[1]))
    return claims


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return json.loads(response.read())


def discovery(endpoint: str, pool_id: str) -> dict[str, Any]:
    document: dict[str, Any] = get_json(f"{endpoint}/{pool_id}/.well-known/openid-configuration")
    return document


def pool_key(server: RunningServer, pool_id: str, purpose: str) -> SigningKey:
    """The pool's current private key for ``purpose`` ("id" or "access"), from the store."""
    with server.server.store.transaction(write=False) as tx:
        pool = tx.get_pool(pool_id)
        assert pool is not None
        return current(tx.pool_keys(pool), purpose)


def refused(idp: Any, access_token: str) -> tuple[str, str]:
    """GetUser's error for ``access_token``: it must fail, with HTTP 400."""
    with pytest.raises(ClientError) as excinfo:
        idp.get_user(AccessToken=access_token)
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return error_of(excinfo)


@pytest.fixture(scope="module")
def shared_app(userpools_server: RunningServer) -> Iterator[App]:
    """A pool with a custom attribute and a password client, shared by this module's tests
    (making a pool makes RSA keys, which is slow); each test signs in its own users."""
    made = new_app(userpools_server.client())
    yield made
    made.idp.delete_user_pool(UserPoolId=made.pool_id)


@pytest.fixture(scope="module")
def other_app(userpools_server: RunningServer) -> Iterator[App]:
    """Another pool on the same server: pool B."""
    made = new_app(userpools_server.client())
    yield made
    made.idp.delete_user_pool(UserPoolId=made.pool_id)


@pytest.fixture
def alice(shared_app: App) -> str:
    """A fresh user with attributes in the shared pool; her username."""
    username = f"alice-{uuid.uuid4().hex[:8]}"
    new_user(shared_app, username, ALICE_ATTRIBUTES)
    return username


@pytest.fixture
def app(shared_app: App) -> App:
    """The shared pool, as the tests below call it."""
    return shared_app


# --- 1. verification by standard libraries, through discovery -------------------------------------


def test_pyjwt_verifies_both_tokens_through_discovery(
    userpools_server: Any, app: App, alice: str
) -> None:
    tokens = sign_in(app, alice)
    document = discovery(userpools_server.endpoint_url, app.pool_id)
    issuer = f"{userpools_server.endpoint_url}/{app.pool_id}"
    assert document["issuer"] == issuer
    assert document["jwks_uri"] == f"{issuer}/.well-known/jwks.json"
    keys = pyjwt.PyJWKClient(document["jwks_uri"], cache_keys=False)

    id_key = keys.get_signing_key_from_jwt(tokens["IdToken"])
    id_claims = pyjwt.decode(
        tokens["IdToken"],
        id_key.key,
        algorithms=["RS256"],
        audience=app.client_id,
        issuer=document["issuer"],
        options={"require": ["exp", "iat", "iss", "aud", "sub"]},
    )
    assert id_claims["token_use"] == "id"
    assert id_claims["exp"] - id_claims["iat"] == 3600

    access_key = keys.get_signing_key_from_jwt(tokens["AccessToken"])
    access_claims = pyjwt.decode(
        tokens["AccessToken"],
        access_key.key,
        algorithms=["RS256"],
        issuer=document["issuer"],
        options={"require": ["exp", "iat", "iss", "sub", "client_id", "token_use"]},
    )
    assert access_claims["client_id"] == app.client_id
    assert access_claims["token_use"] == "access"
    assert access_claims["exp"] - access_claims["iat"] == tokens["ExpiresIn"] == 3600
    assert id_key.key_id != access_key.key_id  # one key per token type (spec §7.1)


def test_joserfc_verifies_both_tokens_through_discovery(
    userpools_server: Any, app: App, alice: str
) -> None:
    tokens = sign_in(app, alice)
    document = discovery(userpools_server.endpoint_url, app.pool_id)
    assert document["issuer"] == f"{userpools_server.endpoint_url}/{app.pool_id}"
    key_set = KeySet.import_key_set(get_json(document["jwks_uri"]))

    decoded = {}
    for name in ("IdToken", "AccessToken"):
        token = jose_jwt.decode(tokens[name], key_set, algorithms=["RS256"])
        assert token.header == {"kid": token.header["kid"], "alg": "RS256"}  # no typ, like AWS
        decoded[name] = token
    id_token, access_token = decoded["IdToken"], decoded["AccessToken"]
    id_rules = jose_jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": document["issuer"]},
        aud={"essential": True, "value": app.client_id},
        token_use={"essential": True, "value": "id"},
        exp={"essential": True},
    )
    id_rules.validate(id_token.claims)
    access_rules = jose_jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": document["issuer"]},
        client_id={"essential": True, "value": app.client_id},
        token_use={"essential": True, "value": "access"},
        exp={"essential": True},
    )
    access_rules.validate(access_token.claims)
    assert id_token.header["kid"] != access_token.header["kid"]
    assert {id_token.header["kid"], access_token.header["kid"]} == {
        key["kid"] for key in get_json(document["jwks_uri"])["keys"]
    }


def test_lifetimes_follow_the_clients_validity(app: App, alice: str) -> None:
    client_id = new_client(
        app.idp,
        app.pool_id,
        AccessTokenValidity=10,
        IdTokenValidity=2,
        TokenValidityUnits={"AccessToken": "minutes", "IdToken": "hours"},
    )
    tokens = sign_in(app, alice, client_id)
    access, id_ = claims_of(tokens["AccessToken"]), claims_of(tokens["IdToken"])
    assert access["exp"] - access["iat"] == tokens["ExpiresIn"] == 600
    assert id_["exp"] - id_["iat"] == 7200
    assert access["client_id"] == id_["aud"] == client_id


# --- 2. the claim sets (spec §7.2, §7.3) ----------------------------------------------------------


def test_id_token_claims_are_exactly_the_documented_ones(app: App, alice: str) -> None:
    tokens = sign_in(app, alice)
    claims = claims_of(tokens["IdToken"])
    sub = app.idp.admin_get_user(UserPoolId=app.pool_id, Username=alice)["UserAttributes"]
    sub_value = next(a["Value"] for a in sub if a["Name"] == "sub")
    assert set(claims) == {
        "sub",
        "iss",
        "aud",
        "token_use",
        "auth_time",
        "iat",
        "exp",
        "jti",
        "origin_jti",
        "event_id",
        "cognito:username",
        "email",
        "email_verified",
        "name",
        "custom:tier",
    }
    assert claims["sub"] == sub_value
    assert claims["aud"] == app.client_id
    assert claims["token_use"] == "id"
    assert claims["cognito:username"] == alice
    assert claims["email"] == "alice@example.com"
    assert claims["email_verified"] is True  # a JSON boolean, not "true"
    assert claims["name"] == "Alice Liddell"
    assert claims["custom:tier"] == "12"  # custom attributes stay strings
    assert all(isinstance(claims[n], int) for n in ("auth_time", "iat", "exp"))
    assert claims["auth_time"] <= claims["iat"] < claims["exp"]


def test_access_token_claims_are_exactly_the_documented_ones(app: App, alice: str) -> None:
    tokens = sign_in(app, alice)
    claims = claims_of(tokens["AccessToken"])
    assert set(claims) == {
        "sub",
        "iss",
        "client_id",
        "token_use",
        "scope",
        "auth_time",
        "iat",
        "exp",
        "jti",
        "origin_jti",
        "event_id",
        "username",
        "version",
    }
    assert claims["client_id"] == app.client_id
    assert claims["token_use"] == "access"
    assert claims["scope"] == API_SCOPE
    assert claims["username"] == alice
    assert claims["version"] == 2
    assert "email" not in claims and "aud" not in claims


def test_both_tokens_of_a_sign_in_share_origin_jti_and_event_id(app: App, alice: str) -> None:
    first = sign_in(app, alice)
    id_, access = claims_of(first["IdToken"]), claims_of(first["AccessToken"])
    assert id_["origin_jti"] == access["origin_jti"]
    assert id_["event_id"] == access["event_id"]
    assert id_["sub"] == access["sub"] and id_["iss"] == access["iss"]
    assert id_["jti"] != access["jti"]
    assert (id_["auth_time"], id_["iat"]) == (access["auth_time"], access["iat"])

    again = sign_in(app, alice)  # another sign-in: another family and event
    assert claims_of(again["AccessToken"])["origin_jti"] != access["origin_jti"]
    assert claims_of(again["AccessToken"])["event_id"] != access["event_id"]

    refreshed = refresh(app, first["RefreshToken"])  # same family, new event and ids
    for name in ("IdToken", "AccessToken"):
        claims = claims_of(refreshed[name])
        assert claims["origin_jti"] == access["origin_jti"]
        assert claims["event_id"] != access["event_id"]
        assert claims["jti"] not in {id_["jti"], access["jti"]}
        assert claims["auth_time"] == access["auth_time"]
    assert "RefreshToken" not in refreshed


def test_email_verified_false_is_a_json_boolean(app: App) -> None:
    bob = f"bob-{uuid.uuid4().hex[:8]}"
    new_user(app, bob, {"email": "bob@example.com", "email_verified": "false"})
    tokens = sign_in(app, bob)
    assert claims_of(tokens["IdToken"])["email_verified"] is False
    assert "email" not in claims_of(tokens["AccessToken"])


def test_a_client_that_cannot_read_email_gets_no_email_in_the_id_token(
    app: App, alice: str
) -> None:
    client_id = new_client(app.idp, app.pool_id, ReadAttributes=["name", "custom:tier"])
    claims = claims_of(sign_in(app, alice, client_id)["IdToken"])
    assert "email" not in claims and "email_verified" not in claims
    assert claims["name"] == "Alice Liddell"
    assert claims["custom:tier"] == "12"
    assert claims["cognito:username"] == alice and "sub" in claims  # never filtered


# --- 3. group claims through real groups (spec §5.2-5.3) ------------------------------------------

#: (groups as (name, precedence, role)), then the expected cognito:groups, cognito:roles and
#: cognito:preferred_role (None: the claim is absent).
GROUP_TABLE = [
    pytest.param([], None, None, None, id="no-groups-no-group-claims"),
    pytest.param(
        [("b", 1, None), ("a", None, None)], ["b", "a"], None, None, id="groups-without-roles"
    ),
    pytest.param([("solo", None, ADMIN)], ["solo"], [ADMIN], ADMIN, id="one-group-null"),
    pytest.param(
        [("editors", 2, EDITOR), ("admins", 1, ADMIN)],
        ["admins", "editors"],
        [ADMIN, EDITOR],
        ADMIN,
        id="lowest-precedence-wins",
    ),
    pytest.param(
        [("one", 1, EDITOR), ("zero", 0, ADMIN)],
        ["zero", "one"],
        [ADMIN, EDITOR],
        ADMIN,
        id="zero-is-the-highest-priority",
    ),
    pytest.param(
        [("a", None, ADMIN), ("b", 2**31 - 1, EDITOR)],
        ["b", "a"],
        [EDITOR, ADMIN],
        EDITOR,
        id="null-ranks-after-every-number",
    ),
    pytest.param(
        [("a", 3, ADMIN), ("b", 3, EDITOR)],
        ["a", "b"],
        [ADMIN, EDITOR],
        None,
        id="tie-between-different-roles-omits",
    ),
    pytest.param(
        [("a", 3, ADMIN), ("b", 3, ADMIN)], ["a", "b"], [ADMIN], ADMIN, id="tie-on-the-same-role"
    ),
    pytest.param(
        [("c", 4, READER), ("b", 3, EDITOR), ("a", 3, ADMIN)],
        ["a", "b", "c"],
        [ADMIN, EDITOR, READER],
        None,
        id="tie-at-the-top-omits-despite-a-lower-group",
    ),
    pytest.param(
        [("a", 1, ADMIN), ("b", 3, EDITOR), ("c", 3, READER)],
        ["a", "b", "c"],
        [ADMIN, EDITOR, READER],
        ADMIN,
        id="tie-below-the-winner-is-irrelevant",
    ),
    pytest.param(
        [("x", None, ADMIN), ("y", None, EDITOR)],
        ["x", "y"],
        [ADMIN, EDITOR],
        None,
        id="null-null-different-roles-omits",
    ),
    pytest.param(
        [("x", None, ADMIN), ("y", None, ADMIN)], ["x", "y"], [ADMIN], ADMIN, id="null-null-same"
    ),
    pytest.param(
        [("top", 0, None), ("low", 7, EDITOR)],
        ["top", "low"],
        [EDITOR],
        EDITOR,
        id="roleless-better-group-does-not-block",
    ),
    pytest.param(
        [("a", 1, ADMIN), ("b", 2, EDITOR), ("c", 3, ADMIN)],
        ["a", "b", "c"],
        [ADMIN, EDITOR],
        ADMIN,
        id="each-role-listed-once",
    ),
    pytest.param(
        [("zeta", 5, None), ("mid", None, None), ("alpha", 5, None)],
        ["alpha", "zeta", "mid"],
        None,
        None,
        id="equal-precedence-ordered-by-name",
    ),
]


@pytest.mark.parametrize(("groups", "names", "roles", "preferred"), GROUP_TABLE)
def test_group_claims_through_real_sign_ins(
    app: App,
    alice: str,
    groups: list[tuple[str, int | None, str | None]],
    names: list[str] | None,
    roles: list[str] | None,
    preferred: str | None,
) -> None:
    tag = f"{uuid.uuid4().hex[:8]}-"  # the pool is shared: each case has its own groups
    for name, precedence, role in groups:
        extra: dict[str, Any] = {}
        if precedence is not None:
            extra["Precedence"] = precedence
        if role is not None:
            extra["RoleArn"] = role
        app.idp.create_group(UserPoolId=app.pool_id, GroupName=tag + name, **extra)
        app.idp.admin_add_user_to_group(
            UserPoolId=app.pool_id, Username=alice, GroupName=tag + name
        )
    tokens = sign_in(app, alice)
    id_, access = claims_of(tokens["IdToken"]), claims_of(tokens["AccessToken"])
    if names is not None:
        names = [tag + name for name in names]
    expected = {
        "cognito:groups": names,
        "cognito:roles": roles,
        "cognito:preferred_role": preferred,
    }
    assert {k: id_.get(k) for k in GROUP_CLAIMS} == expected
    assert access.get("cognito:groups") == names  # the same order in both tokens
    assert "cognito:roles" not in access and "cognito:preferred_role" not in access
    for claims in (id_, access):  # absent, never empty or null
        assert all(claims[k] for k in GROUP_CLAIMS if k in claims)


def test_membership_changes_show_in_tokens_issued_after(app: App, alice: str) -> None:
    idp, pool = app.idp, app.pool_id
    readers, admins = f"readers-{alice}", f"admins-{alice}"
    idp.create_group(UserPoolId=pool, GroupName=readers, Precedence=5, RoleArn=READER)
    idp.create_group(UserPoolId=pool, GroupName=admins, Precedence=1, RoleArn=ADMIN)
    idp.admin_add_user_to_group(UserPoolId=pool, Username=alice, GroupName=readers)
    first = sign_in(app, alice)
    assert claims_of(first["IdToken"])["cognito:preferred_role"] == READER

    idp.admin_add_user_to_group(UserPoolId=pool, Username=alice, GroupName=admins)
    after_add = refresh(app, first["RefreshToken"])
    id_ = claims_of(after_add["IdToken"])
    assert id_["cognito:groups"] == [admins, readers]
    assert id_["cognito:preferred_role"] == ADMIN
    assert claims_of(after_add["AccessToken"])["cognito:groups"] == [admins, readers]
    # Tokens already issued are unchanged.
    assert claims_of(first["IdToken"])["cognito:groups"] == [readers]

    idp.update_group(UserPoolId=pool, GroupName=readers, Precedence=0, RoleArn=READER)
    id_ = claims_of(refresh(app, first["RefreshToken"])["IdToken"])
    assert id_["cognito:groups"] == [readers, admins]
    assert id_["cognito:preferred_role"] == READER

    idp.admin_remove_user_from_group(UserPoolId=pool, Username=alice, GroupName=readers)
    id_ = claims_of(refresh(app, first["RefreshToken"])["IdToken"])
    assert (id_["cognito:groups"], id_["cognito:roles"]) == ([admins], [ADMIN])

    idp.delete_group(UserPoolId=pool, GroupName=admins)
    tokens = refresh(app, first["RefreshToken"])
    for name in ("IdToken", "AccessToken"):
        assert not set(GROUP_CLAIMS) & set(claims_of(tokens[name]))


# --- 4. the attack suite against GetUser ----------------------------------------------------------


@dataclass(frozen=True)
class Victim:
    """A user's real tokens in pool A, and what an attacker could get hold of."""

    username: str
    access: str
    id_token: str
    public_pem: bytes
    public_jwk: dict[str, Any]
    other_pool_access_key: SigningKey
    own_id_key: SigningKey
    own_access_key: SigningKey
    other_issuer: str


def _resign(token: str, header: dict[str, Any] | None = None, **claims: Any) -> tuple[str, str]:
    """(header, payload) segments of ``token`` with changes."""
    head = {**header_of(token), **(header or {})}
    return b64url_json(head), b64url_json({**claims_of(token), **claims})


def _none_alg(v: Victim) -> str:
    return f"{b64url_json({'alg': 'none'})}.{v.access.split('.')[1]}."


def _none_alg_with_kid(v: Victim) -> str:
    header, payload = _resign(v.access, {"alg": "none"})
    return f"{header}.{payload}."


def _hmac(secret: bytes) -> Callable[[Victim], str]:
    def forge(v: Victim) -> str:
        header, payload = _resign(v.access, {"alg": "HS256"}, username="admin")
        mac = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256)
        return f"{header}.{payload}.{b64url(mac.digest())}"

    return forge


def _hmac_with_pem(v: Victim) -> str:
    return _hmac(v.public_pem)(v)


def _hmac_with_jwk(v: Victim) -> str:
    return _hmac(json.dumps(v.public_jwk).encode())(v)


def _hmac_with_modulus(v: Victim) -> str:
    return _hmac(unb64url(v.public_jwk["n"]))(v)


def _wrong_kid(v: Victim) -> str:
    header, payload = _resign(v.access, {"kid": "not-a-key-of-any-pool"})
    return f"{header}.{payload}.{v.access.split('.')[2]}"


def _fresh_rsa_key_under_real_kid(v: Victim) -> str:
    attacker = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    header, payload = _resign(v.access)
    signature = attacker.sign(f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{header}.{payload}.{b64url(signature)}"


def _other_pool_key_claiming_our_issuer(v: Victim) -> str:
    """Pool B's real key (its kid), carrying pool A's issuer and alice's claims."""
    return sign(v.other_pool_access_key, claims_of(v.access))


def _other_pool_key_with_its_own_issuer(v: Victim) -> str:
    """Pool B's key and issuer, but alice's (pool A) sign-in: pool B has no such family."""
    return sign(v.other_pool_access_key, {**claims_of(v.access), "iss": v.other_issuer})


def _own_id_key_signing_access_claims(v: Victim) -> str:
    """The pool's ID-token key is not an access-token key."""
    return sign(v.own_id_key, claims_of(v.access))


def _access_key_signing_token_use_id(v: Victim) -> str:
    """Defence in depth: even the access key's signature does not make an ID token usable."""
    return sign(v.own_access_key, {**claims_of(v.access), "token_use": "id"})


def _id_token_as_access_token(v: Victim) -> str:
    return v.id_token


def _tampered_username(v: Victim) -> str:
    header, _, signature = v.access.split(".")
    return f"{header}.{b64url_json({**claims_of(v.access), 'username': 'admin'})}.{signature}"


def _tampered_expiry(v: Victim) -> str:
    header, _, signature = v.access.split(".")
    claims = claims_of(v.access)
    return f"{header}.{b64url_json({**claims, 'exp': claims['exp'] + 86400})}.{signature}"


def _non_canonical_base64(v: Victim) -> str:
    """The same signature bytes, spelled with one of the last character's unused bits set."""
    header, payload, signature = v.access.split(".")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    twin = alphabet[alphabet.index(signature[-1]) ^ 1]
    spelled = signature[:-1] + twin
    assert unb64url(spelled) == unb64url(signature)
    return f"{header}.{payload}.{spelled}"


def _truncated_signature(v: Victim) -> str:
    return v.access[:-4]


def _two_segments(v: Victim) -> str:
    return v.access.rsplit(".", 1)[0]


INVALID = "Invalid Access Token"

ATTACKS = [
    pytest.param(_none_alg, INVALID, id="alg-none"),
    pytest.param(_none_alg_with_kid, INVALID, id="alg-none-with-the-real-kid"),
    pytest.param(_hmac_with_pem, INVALID, id="hs256-keyed-with-the-public-pem"),
    pytest.param(_hmac_with_jwk, INVALID, id="hs256-keyed-with-the-public-jwk"),
    pytest.param(_hmac_with_modulus, INVALID, id="hs256-keyed-with-the-modulus"),
    pytest.param(_wrong_kid, INVALID, id="unknown-kid"),
    pytest.param(_fresh_rsa_key_under_real_kid, INVALID, id="fresh-rsa-key-under-the-real-kid"),
    pytest.param(_other_pool_key_claiming_our_issuer, INVALID, id="pool-b-key-pool-a-issuer"),
    pytest.param(_other_pool_key_with_its_own_issuer, None, id="pool-b-key-pool-a-session"),
    pytest.param(_own_id_key_signing_access_claims, INVALID, id="id-key-signs-access-claims"),
    pytest.param(_id_token_as_access_token, INVALID, id="id-token-as-access-token"),
    pytest.param(_access_key_signing_token_use_id, INVALID, id="access-key-token-use-id"),
    pytest.param(_tampered_username, INVALID, id="payload-username-tampered"),
    pytest.param(_tampered_expiry, INVALID, id="payload-exp-tampered"),
    pytest.param(_non_canonical_base64, INVALID, id="non-canonical-base64"),
    pytest.param(_truncated_signature, INVALID, id="truncated-signature"),
    pytest.param(_two_segments, INVALID, id="two-segments"),
]


@pytest.fixture(scope="module")
def victim(userpools_server: RunningServer, shared_app: App, other_app: App) -> Victim:
    """Made once per store: the attacks only ever read."""
    username = f"victim-{uuid.uuid4().hex[:8]}"
    new_user(shared_app, username)
    tokens = sign_in(shared_app, username)
    url = f"{userpools_server.endpoint_url}/{shared_app.pool_id}/.well-known/jwks.json"
    kid = header_of(tokens["AccessToken"])["kid"]
    jwk = next(k for k in get_json(url)["keys"] if k["kid"] == kid)
    public = rsa.RSAPublicNumbers(
        int.from_bytes(unb64url(jwk["e"]), "big"), int.from_bytes(unb64url(jwk["n"]), "big")
    ).public_key()
    return Victim(
        username=username,
        access=tokens["AccessToken"],
        id_token=tokens["IdToken"],
        public_pem=public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        public_jwk=jwk,
        other_pool_access_key=pool_key(userpools_server, other_app.pool_id, "access"),
        own_id_key=pool_key(userpools_server, shared_app.pool_id, "id"),
        own_access_key=pool_key(userpools_server, shared_app.pool_id, "access"),
        other_issuer=f"{userpools_server.endpoint_url}/{other_app.pool_id}",
    )


@pytest.mark.parametrize(("forge", "message"), ATTACKS)
def test_get_user_refuses_forged_tokens(
    app: App, victim: Victim, forge: Callable[[Victim], str], message: str | None
) -> None:
    assert app.idp.get_user(AccessToken=victim.access)["Username"] == victim.username
    code, text = refused(app.idp, forge(victim))
    assert code == "NotAuthorizedException"
    if message is not None:
        assert text == message


def test_another_pools_token_only_ever_names_its_own_user(
    app: App, alice: str, other_app: App
) -> None:
    new_user(other_app, alice)  # the same name, in pool B
    theirs = sign_in(other_app, alice)["AccessToken"]
    ours = sign_in(app, alice)["AccessToken"]
    assert claims_of(theirs)["sub"] != claims_of(ours)["sub"]
    assert app.idp.get_user(AccessToken=ours)["Username"] == alice
    attributes = app.idp.get_user(AccessToken=theirs)["UserAttributes"]
    assert {a["Name"] for a in attributes} == {"sub"}  # pool B's user: no email, no tier
    assert attributes[0]["Value"] == claims_of(theirs)["sub"]


def test_tokens_do_not_verify_against_another_pools_jwks(
    userpools_server: Any, app: App, alice: str, other_app: App
) -> None:
    tokens = sign_in(app, alice)
    url = f"{userpools_server.endpoint_url}/{other_app.pool_id}/.well-known/jwks.json"
    their_keys = KeySet.import_key_set(get_json(url))
    for name in ("IdToken", "AccessToken"):
        with pytest.raises((JoseError, ValueError)):
            jose_jwt.decode(tokens[name], their_keys, algorithms=["RS256"])


def test_revoked_access_token_after_global_sign_out(app: App, alice: str) -> None:
    tokens = sign_in(app, alice)
    app.idp.global_sign_out(AccessToken=tokens["AccessToken"])
    assert refused(app.idp, tokens["AccessToken"]) == (
        "NotAuthorizedException",
        "Access Token has been revoked",
    )
    fresh = sign_in(app, alice)  # a later sign-in is a new family
    assert app.idp.get_user(AccessToken=fresh["AccessToken"])["Username"] == alice


@pytest.fixture
def frozen(clock: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The clocked server's clock, stopped at the present: it moves only by ``advance``."""
    moment = time.time()
    monkeypatch.setattr(type(clock), "__call__", lambda self: moment + self.offset)
    return clock


def test_expired_access_token(clocked_server: Any, frozen: Any) -> None:
    made = new_app(clocked_server.client())
    try:
        new_user(made, "alice")
        tokens = sign_in(made, "alice")
        claims = claims_of(tokens["AccessToken"])
        frozen.advance(claims["exp"] - frozen() - 0.001)  # the last moment it is valid
        assert made.idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == "alice"
        frozen.advance(0.002)  # just past exp (a token is expired from exp on)
        assert refused(made.idp, tokens["AccessToken"]) == (
            "NotAuthorizedException",
            "Access Token has expired",
        )
        fresh = refresh(made, tokens["RefreshToken"])
        assert made.idp.get_user(AccessToken=fresh["AccessToken"])["Username"] == "alice"
    finally:
        made.idp.delete_user_pool(UserPoolId=made.pool_id)


# --- 5. aws_issuer --------------------------------------------------------------------------------


@pytest.fixture
def aws_issuer_server(tmp_path: Path) -> Iterator[RunningServer]:
    yield from start_server(tmp_path / "aws-issuer.db", aws_issuer=True)


def test_aws_issuer(aws_issuer_server: RunningServer) -> None:
    made = new_app(aws_issuer_server.client())
    new_user(made, "alice")
    tokens = sign_in(made, "alice")
    issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{made.pool_id}"
    for name in ("IdToken", "AccessToken"):
        assert claims_of(tokens[name])["iss"] == issuer

    document = discovery(aws_issuer_server.endpoint_url, made.pool_id)
    assert document["issuer"] == issuer
    assert document["jwks_uri"] == (
        f"{aws_issuer_server.endpoint_url}/{made.pool_id}/.well-known/jwks.json"
    )
    assert made.idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == "alice"

    key_set = KeySet.import_key_set(get_json(document["jwks_uri"]))
    decoded = jose_jwt.decode(tokens["IdToken"], key_set, algorithms=["RS256"])
    jose_jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": made.client_id},
        token_use={"essential": True, "value": "id"},
    ).validate(decoded.claims)
    keys = pyjwt.PyJWKClient(document["jwks_uri"], cache_keys=False)
    access = tokens["AccessToken"]
    claims = pyjwt.decode(
        access, keys.get_signing_key_from_jwt(access).key, algorithms=["RS256"], issuer=issuer
    )
    assert claims["client_id"] == made.client_id


# --- 6. key rotation ------------------------------------------------------------------------------


def test_rotation_keeps_earlier_tokens_working(userpools_server: Any) -> None:
    app = new_app(userpools_server.client())  # its own pool: rotation changes the pool's keys
    try:
        new_user(app, "alice")
        before = sign_in(app, "alice")
        old_kids = {header_of(before[n])["kid"] for n in ("IdToken", "AccessToken")}
        rotate = KeyService(userpools_server.server.store, time.time).rotate
        new_kids = set(rotate(None, app.pool_id))
        assert len(new_kids) == 2 and not new_kids & old_kids

        assert app.idp.get_user(AccessToken=before["AccessToken"])["Username"] == "alice"
        after = sign_in(app, "alice")
        assert {header_of(after[n])["kid"] for n in ("IdToken", "AccessToken")} == new_kids
        assert header_of(after["IdToken"])["kid"] != header_of(after["AccessToken"])["kid"]
        assert app.idp.get_user(AccessToken=after["AccessToken"])["Username"] == "alice"
        refreshed = refresh(app, before["RefreshToken"])  # a refresh signs with the new keys
        assert header_of(refreshed["AccessToken"])["kid"] in new_kids

        url = f"{userpools_server.endpoint_url}/{app.pool_id}/.well-known/jwks.json"
        key_set = KeySet.import_key_set(get_json(url))  # old and new keys, both served
        for tokens in (before, after):
            for name in ("IdToken", "AccessToken"):
                jose_jwt.decode(tokens[name], key_set, algorithms=["RS256"])
    finally:
        app.idp.delete_user_pool(UserPoolId=app.pool_id)


def test_rotated_keys_leave_after_the_grace(clocked_server: Any, clock: Any) -> None:
    made = new_app(clocked_server.client(), RefreshTokenValidity=10)
    try:
        new_user(made, "alice")
        before = sign_in(made, "alice")
        old_kid = header_of(before["AccessToken"])["kid"]
        KeyService(clocked_server.server.store, clock).rotate(None, made.pool_id)
        clock.advance(86400 + 1)
        url = f"{clocked_server.endpoint_url}/{made.pool_id}/.well-known/jwks.json"
        assert old_kid not in {k["kid"] for k in get_json(url)["keys"]}
        assert refused(made.idp, before["AccessToken"])[0] == "NotAuthorizedException"
        refreshed = refresh(made, before["RefreshToken"])  # the refresh token outlives its keys
        assert header_of(refreshed["AccessToken"])["kid"] != old_kid
        assert made.idp.get_user(AccessToken=refreshed["AccessToken"])["Username"] == "alice"
    finally:
        made.idp.delete_user_pool(UserPoolId=made.pool_id)
