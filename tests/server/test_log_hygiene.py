"""Log hygiene of a real ``userpools serve``: one access-log line per request, and no secret
in any log line or in any error message a client is shown (docs/errors.md, deployment.md).

One server (SQLite, ``--log-level debug``) runs a workload that handles every kind of
secret, each a distinctive canary: passwords (set, signed in with, changed, reset, and
ones that fail validation or the policy), tokens (access, ID, refresh, sessions,
pagination tokens, tampered ones), client secrets and ``SECRET_HASH`` values, the SRP
exchange (``SRP_A``, ``SRP_B``, ``SALT``, ``SECRET_BLOCK``, ``PASSWORD_CLAIM_SIGNATURE``,
from pycognito's own arithmetic), confirmation and reset codes from the outbox, SigV4
secret access keys and signatures (sent, and the one the server expected from a request
signed with a wrong secret), and raw HTTP bodies that are not valid JSON. Then the server
is stopped and everything it wrote, and every error body it answered, is searched for every
canary (whole, and for long values by fragments that identify them alone).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP  # type: ignore[import-untyped]

from .nodes import Nodes

ADMIN_KEY_ID = "AKIAHYGIENEADMIN0001"
READER_KEY_ID = "AKIAHYGIENEREADER001"
FLOWS = [
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
]
TARGET = "AWSCognitoIdentityProviderService."
ACCESS_LINE = re.compile(
    r"^\S+ \S+ (\d+) userpools\.access request_id=(\S+) operation=(\S+) status=(\d{3})"
    r" latency_ms=(\d+\.\d)$",
    re.M,
)
CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")
SIGNATURE = re.compile(r"Signature=([0-9a-f]{64})")
#: How long a fragment of a long secret is searched for, besides the whole value.
FRAGMENT = 24


# canaries ---------------------------------------------------------------------------------


@dataclass
class Canaries:
    """Every secret the workload handled, by value, with a label for the report."""

    values: dict[str, str] = field(default_factory=dict)

    def plant(self, label: str, value: str) -> str:
        assert value, label
        self.values.setdefault(value, label)
        return value

    def password(self, label: str) -> str:
        """A password meeting the default policy, with 16 random hex characters inside."""
        return self.plant(label, f"Pw-{secrets.token_hex(8)}-Q7!")

    def weak(self, label: str) -> str:
        """A password breaking the default policy: it has no uppercase letter."""
        return self.plant(label, f"weak-{secrets.token_hex(8)}")

    def long(self, label: str, length: int = 300) -> str:
        """A password past the model's 256 characters, random all along."""
        body = secrets.token_hex(length)[: length - 6]
        return self.plant(label, f"Pw-{body}A1!")

    def needles(self) -> list[tuple[str, re.Pattern[str]]]:
        """(label, pattern) for each secret and for fragments that identify it alone."""
        found: dict[str, tuple[str, re.Pattern[str]]] = {}
        for value, label in self.values.items():
            if value.isdigit():  # a code: only as a whole number, never inside a longer one
                found[value] = (label, re.compile(rf"(?<!\d){value}(?!\d)"))
                continue
            parts = {value}
            if len(value) >= 2 * FRAGMENT:
                middle = len(value) // 2 - FRAGMENT // 2
                parts |= {value[:FRAGMENT], value[middle : middle + FRAGMENT], value[-FRAGMENT:]}
            if value.count(".") >= 2:  # a JWT (or like one): its payload and signature
                parts |= {segment for segment in value.split(".")[1:] if len(segment) >= 16}
            for part in parts:
                found[part] = (label, re.compile(re.escape(part)))
        return list(found.values())


# what the client saw ----------------------------------------------------------------------


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and its answer, as the client saw it."""

    operation: str
    status: int
    request_id: str
    error: str
    """The error body and ``x-amzn-ErrorMessage`` header; empty on success."""


@dataclass
class Wire:
    """Records every exchange of a boto3 client (``after-call``) and of raw requests."""

    endpoint_url: str
    canaries: Canaries
    credentials: Credentials
    """The admin key raw requests are signed with."""
    exchanges: list[Exchange] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    def client(self, credentials: Credentials) -> Any:
        """A boto3 client signing with ``credentials``, one attempt per call, no client-side
        validation (the server must see the bad values), every exchange recorded."""
        api = boto3.client(
            "cognito-idp",
            endpoint_url=self.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id=credentials.access_key,
            aws_secret_access_key=credentials.secret_key,
            config=Config(
                retries={"total_max_attempts": 1, "mode": "standard"},
                parameter_validation=False,
            ),
        )
        api.meta.events.register("before-send.*", self._before_send)
        api.meta.events.register("after-call.*", self._after_call)
        return api

    def _before_send(self, request: Any, **_: Any) -> None:
        self._plant_signature(request.headers.get("Authorization"))

    def _plant_signature(self, authorization: str | bytes | None) -> None:
        if isinstance(authorization, bytes):
            authorization = authorization.decode()
        match = SIGNATURE.search(authorization or "")
        if match:
            self.canaries.plant("request signature", match.group(1))

    def _after_call(self, http_response: Any, model: Any, **_: Any) -> None:
        status, headers = http_response.status_code, http_response.headers
        error = _error_text(status, http_response.content, headers)
        self.exchanges.append(
            Exchange(model.name, status, headers.get("x-amzn-RequestId", ""), error)
        )

    def fails(self, code: str, call: Callable[..., Any], /, **params: Any) -> str:
        """Run a call that must fail with ``code``; its message is kept for the search."""
        with pytest.raises(ClientError) as excinfo:
            call(**params)
        error = excinfo.value.response["Error"]
        self.messages.append(error.get("Message", ""))
        assert error["Code"] == code, (error, call)
        return str(error.get("Message", ""))

    def attempt(self, call: Callable[[], Any]) -> Any:
        """Run a call that may fail or not: its reply, or ``None`` (its message kept)."""
        try:
            return call()
        except ClientError as exc:
            self.messages.append(exc.response["Error"].get("Message", ""))
            return None

    def raw(
        self,
        operation: str | None,
        body: bytes,
        expected: str,
        status: int = 400,
        logged_as: str | None = None,
        *,
        credentials: Credentials | None = None,
        authorization: str | None = None,
    ) -> dict[str, str]:
        """POST ``body`` as is, expecting the error ``expected``; the headers sent.

        Signed with ``credentials`` (default: the admin key), or sent with ``authorization``
        (``""``: none). The access log names the operation, or ``-`` when none was resolved
        (``logged_as``).
        """
        headers = {"Content-Type": "application/x-amz-json-1.1"}
        if operation:
            headers["X-Amz-Target"] = f"{TARGET}{operation}"
        request = AWSRequest("POST", self.endpoint_url + "/", data=body, headers=headers)
        SigV4Auth(credentials or self.credentials, "cognito-idp", "us-east-1").add_auth(request)
        sent = dict(request.headers.items())
        if authorization is not None:
            del sent["Authorization"]
            if authorization:
                sent["Authorization"] = authorization
        self._plant_signature(sent.get("Authorization"))
        parts = urlsplit(self.endpoint_url)
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        try:
            connection.request("POST", "/", body=body, headers=sent)
            response = connection.getresponse()
            content = response.read()
            headers_in = {k.lower(): v for k, v in response.getheaders()}
        finally:
            connection.close()
        text = _error_text(response.status, content, headers_in)
        request_id = headers_in.get("x-amzn-requestid", "")
        logged = logged_as or operation or "-"
        self.exchanges.append(Exchange(logged, response.status, request_id, text))
        self.messages.append(json.loads(content).get("message", ""))
        assert response.status == status, text
        assert json.loads(content)["__type"] == expected, text
        return sent


def _error_text(status: int, content: bytes, headers: Any) -> str:
    if status < 300:
        return ""
    header = headers.get("x-amzn-ErrorMessage") or headers.get("x-amzn-errormessage") or ""
    return content.decode("utf-8", "replace") + "\n" + header


# the workload -----------------------------------------------------------------------------


@dataclass
class Run:
    output: str
    wire: Wire
    canaries: Canaries


def _tampered(token: str) -> str:
    """``token`` with one character of its last segment changed (not its last character,
    whose low bits base64 decoders may ignore)."""
    head, _, tail = token.rpartition(".")
    i = len(tail) // 2
    swapped = "A" if tail[i] != "A" else "B"
    changed = tail[:i] + swapped + tail[i + 1 :]
    return f"{head}.{changed}" if head else changed


def _spaced(token: str) -> str:
    """``token`` with a space inside: it fails the model's ``[\\S]+`` pattern."""
    return token[:8] + " " + token[8:]


def _codes(db: Path, username: str) -> list[str]:
    """The six-digit codes of the messages the outbox holds for ``username``."""
    conn = sqlite3.connect(db, timeout=30)
    try:
        rows = conn.execute(
            "SELECT body FROM outbox WHERE username = ? ORDER BY id", (username,)
        ).fetchall()
    finally:
        conn.close()
    return [m.group(1) for (body,) in rows if (m := CODE.search(body))]


def _workload(api: Any, wire: Wire, c: Canaries, db: Path) -> None:
    fails = wire.fails
    pool = api.create_user_pool(PoolName="hygiene", AutoVerifiedAttributes=["email"])
    pool_id = pool["UserPool"]["Id"]
    api.create_user_pool(PoolName="hygiene-2")  # so that ListUserPools has two pages

    # app clients and client secrets ------------------------------------------------------
    public = api.create_user_pool_client(
        UserPoolId=pool_id, ClientName="public", ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]["ClientId"]
    made = api.create_user_pool_client(
        UserPoolId=pool_id, ClientName="server", GenerateSecret=True, ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]
    private = made["ClientId"]
    secret = c.plant("generated client secret", made["ClientSecret"])
    described = api.describe_user_pool_client(UserPoolId=pool_id, ClientId=private)
    assert described["UserPoolClient"]["ClientSecret"] == secret
    planted = c.plant("planted ClientSecret", f"Planted{secrets.token_hex(16)}")
    api.create_user_pool_client(
        UserPoolId=pool_id, ClientName="planted", ClientSecret=planted, ExplicitAuthFlows=FLOWS
    )
    both = c.plant("ClientSecret with GenerateSecret", f"Both{secrets.token_hex(16)}")
    fails(
        "InvalidParameterException",
        api.create_user_pool_client,
        UserPoolId=pool_id,
        ClientName="both",
        GenerateSecret=True,
        ClientSecret=both,
    )
    for label, value in (
        ("too short ClientSecret", f"Sh{secrets.token_hex(8)}"),
        ("ClientSecret breaking the pattern", f"bad-secret-{secrets.token_hex(12)}"),
    ):
        fails(
            "InvalidParameterException",
            api.create_user_pool_client,
            UserPoolId=pool_id,
            ClientName="bad",
            ClientSecret=c.plant(label, value),
        )

    # AdminCreateUser, NEW_PASSWORD_REQUIRED ----------------------------------------------
    temporary = c.password("TemporaryPassword (invited)")
    api.admin_create_user(
        UserPoolId=pool_id,
        Username="ann",
        TemporaryPassword=temporary,
        UserAttributes=[
            {"Name": "email", "Value": "ann@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
        DesiredDeliveryMediums=["EMAIL"],
    )
    fails(
        "InvalidParameterException",
        api.admin_create_user,
        UserPoolId=pool_id,
        Username="long",
        TemporaryPassword=c.long("too long TemporaryPassword"),
        MessageAction="LOUD",  # a non-sensitive violation in the same message
    )
    fails(
        "InvalidPasswordException",
        api.admin_create_user,
        UserPoolId=pool_id,
        Username="weak",
        TemporaryPassword=c.weak("weak TemporaryPassword"),
        MessageAction="SUPPRESS",
    )
    fails(
        "NotAuthorizedException",
        api.initiate_auth,
        ClientId=public,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ann", "PASSWORD": c.password("wrong temporary password")},
    )
    challenge = api.initiate_auth(
        ClientId=public,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ann", "PASSWORD": temporary},
    )
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    session = c.plant("NEW_PASSWORD_REQUIRED Session", challenge["Session"])

    def new_password(password: str, session: str = session) -> dict[str, Any]:
        reply: dict[str, Any] = api.respond_to_auth_challenge(
            ClientId=public,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=session,
            ChallengeResponses={"USERNAME": "ann", "NEW_PASSWORD": password},
        )
        return reply

    fails("NotAuthorizedException", new_password, password="x", session=_tampered(session))
    fails(
        "InvalidParameterException",
        new_password,
        password="x",
        session=c.plant("too short Session", f"S{secrets.token_hex(8)}"),
    )
    fails("InvalidPasswordException", new_password, password=c.weak("weak NEW_PASSWORD"))
    # A password the policy refuses leaves the session usable.
    result = new_password(c.password("NEW_PASSWORD"))
    _plant_tokens(c, "ann", result["AuthenticationResult"])
    # ChallengeResponses is a map of strings up to 131072 characters: the validator does
    # not know NEW_PASSWORD is a password, and a 300-character one may be accepted.
    # Whatever the answer, the password must not show.
    api.admin_create_user(
        UserPoolId=pool_id,
        Username="amy",
        TemporaryPassword=temporary,
        MessageAction="SUPPRESS",
    )
    amy = api.initiate_auth(
        ClientId=public,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "amy", "PASSWORD": temporary},
    )
    c.plant("NEW_PASSWORD_REQUIRED Session (amy)", amy["Session"])
    long_new = c.long("too long NEW_PASSWORD")
    answered = wire.attempt(
        lambda: api.respond_to_auth_challenge(
            ClientId=public,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=amy["Session"],
            ChallengeResponses={"USERNAME": "amy", "NEW_PASSWORD": long_new},
        )
    )
    if answered is not None:
        _plant_tokens(c, "amy", answered["AuthenticationResult"])
        signed_in = api.initiate_auth(
            ClientId=public,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "amy", "PASSWORD": long_new},
        )
        _plant_tokens(c, "amy (long password)", signed_in["AuthenticationResult"])

    # AdminSetUserPassword, USER_PASSWORD_AUTH, tokens ------------------------------------
    api.admin_create_user(
        UserPoolId=pool_id,
        Username="bob",
        TemporaryPassword=c.password("TemporaryPassword (suppressed)"),
        MessageAction="SUPPRESS",
    )
    password = c.password("AdminSetUserPassword")
    api.admin_set_user_password(
        UserPoolId=pool_id, Username="bob", Password=password, Permanent=True
    )
    for code, value in (
        ("InvalidPasswordException", c.weak("weak AdminSetUserPassword")),
        ("InvalidParameterException", c.long("too long AdminSetUserPassword")),
        ("InvalidParameterException", " " + c.password("password with a leading space")),
    ):
        fails(
            code,
            api.admin_set_user_password,
            UserPoolId=pool_id,
            Username="bob",
            Password=value,
            Permanent=True,
        )

    def sign_in(username: str, password: str, client_id: str = public, **extra: str) -> Any:
        return api.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password, **extra},
        )

    fails("NotAuthorizedException", sign_in, username="bob", password=c.password("wrong PASSWORD"))
    fails(
        "InvalidParameterException",
        sign_in,
        username="bob",
        password=c.long("131073-char PASSWORD", 131_073),
    )
    tokens = _plant_tokens(c, "bob", sign_in("bob", password)["AuthenticationResult"])
    admin = api.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=public,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bob", "PASSWORD": password},
    )
    _plant_tokens(c, "bob admin", admin["AuthenticationResult"])
    fails(
        "NotAuthorizedException",
        api.admin_initiate_auth,
        UserPoolId=pool_id,
        ClientId=public,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bob", "PASSWORD": c.password("wrong admin PASSWORD")},
    )
    access, id_token, refresh = tokens
    assert api.get_user(AccessToken=access)["Username"] == "bob"
    for code, label, value in (
        ("NotAuthorizedException", "tampered access token", _tampered(access)),
        ("NotAuthorizedException", "ID token as access token", id_token),
        ("NotAuthorizedException", "refresh token as access token", refresh),
        ("InvalidParameterException", "access token with a space", _spaced(access)),
    ):
        fails(code, api.get_user, AccessToken=c.plant(label, value))
    renewed = api.initiate_auth(
        ClientId=public, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh}
    )["AuthenticationResult"]
    _plant_tokens(c, "bob refreshed", renewed)
    fails(
        "NotAuthorizedException",
        api.initiate_auth,
        ClientId=public,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": c.plant("tampered refresh token", _tampered(refresh))},
    )

    # ChangePassword ----------------------------------------------------------------------
    def change(previous: str, proposed: str, token: str = renewed["AccessToken"]) -> None:
        api.change_password(PreviousPassword=previous, ProposedPassword=proposed, AccessToken=token)

    fails(
        "NotAuthorizedException",
        change,
        previous=c.password("wrong PreviousPassword"),
        proposed=c.password("ProposedPassword (refused)"),
    )
    fails("InvalidPasswordException", change, previous=password, proposed=c.weak("weak Proposed"))
    fails("InvalidParameterException", change, previous=password, proposed=c.long("long Proposed"))
    fails(
        "InvalidParameterException",
        change,
        previous=c.long("long PreviousPassword"),
        proposed=c.password("Proposed with a long Previous"),
    )
    changed = c.password("ProposedPassword")
    change(password, changed)
    api.global_sign_out(AccessToken=renewed["AccessToken"])
    fails("NotAuthorizedException", api.get_user, AccessToken=renewed["AccessToken"])
    api.revoke_token(Token=refresh, ClientId=public)

    # SRP: USER_SRP_AUTH -> PASSWORD_VERIFIER, as pycognito computes it -------------------
    api.admin_create_user(UserPoolId=pool_id, Username="cat", MessageAction="SUPPRESS")
    cat_password = c.password("SRP user's password")
    api.admin_set_user_password(
        UserPoolId=pool_id, Username="cat", Password=cat_password, Permanent=True
    )

    def srp(password: str, client_id: str = public, client_secret: str | None = None) -> Any:
        helper = AWSSRP(
            username="cat",
            password=password,
            pool_id=pool_id,
            client_id=client_id,
            client=api,
            client_secret=client_secret,
        )
        parameters = helper.get_auth_params()
        c.plant("SRP_A", parameters["SRP_A"])
        if "SECRET_HASH" in parameters:
            c.plant("SECRET_HASH (SRP)", parameters["SECRET_HASH"])
        reply = api.initiate_auth(
            ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=parameters
        )
        assert reply["ChallengeName"] == "PASSWORD_VERIFIER"
        challenge = reply["ChallengeParameters"]
        for name in ("SRP_B", "SALT", "SECRET_BLOCK"):
            c.plant(name, challenge[name])
        answer = helper.process_challenge(challenge, parameters)
        c.plant("PASSWORD_CLAIM_SIGNATURE", answer["PASSWORD_CLAIM_SIGNATURE"])
        return answer

    def verify(answer: dict[str, str], client_id: str = public) -> Any:
        return api.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer
        )

    _plant_tokens(c, "cat (SRP)", verify(srp(cat_password))["AuthenticationResult"])
    fails("NotAuthorizedException", verify, answer=srp(c.password("wrong SRP password")))
    answer = srp(cat_password)
    block = answer["PASSWORD_CLAIM_SECRET_BLOCK"]
    fails(
        "NotAuthorizedException",
        verify,
        answer={
            **answer,
            "PASSWORD_CLAIM_SECRET_BLOCK": c.plant("tampered SECRET_BLOCK", _tampered(block)),
        },
    )
    forged = c.plant("forged signature", secrets.token_urlsafe(32))
    fails("NotAuthorizedException", verify, answer={**answer, "PASSWORD_CLAIM_SIGNATURE": forged})
    fails(
        "InvalidParameterException",
        api.initiate_auth,
        ClientId=public,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters={
            "USERNAME": "cat",
            "SRP_A": c.plant("bad SRP_A", f"z{secrets.token_hex(24)}"),
        },
    )
    secret_answer = srp(cat_password, private, secret)
    _plant_tokens(c, "cat (SRP, secret)", verify(secret_answer, private)["AuthenticationResult"])

    # SECRET_HASH and RevokeToken with ClientSecret ---------------------------------------
    right = AWSSRP.get_secret_hash("bob", private, secret)
    c.plant("SECRET_HASH", right)
    wrong = c.plant("wrong SECRET_HASH", AWSSRP.get_secret_hash("bob", private, "x" * 32))
    fails("NotAuthorizedException", sign_in, username="bob", password=changed, client_id=private)
    fails(
        "NotAuthorizedException",
        sign_in,
        username="bob",
        password=changed,
        client_id=private,
        SECRET_HASH=wrong,
    )
    hashed = sign_in("bob", changed, private, SECRET_HASH=right)["AuthenticationResult"]
    _, _, private_refresh = _plant_tokens(c, "bob (secret client)", hashed)
    for code, label, value in (
        ("UnauthorizedException", "wrong RevokeToken ClientSecret", f"W{secrets.token_hex(16)}"),
        ("InvalidParameterException", "too short RevokeToken ClientSecret", secrets.token_hex(6)),
    ):
        fails(
            code,
            api.revoke_token,
            Token=private_refresh,
            ClientId=private,
            ClientSecret=c.plant(label, value),
        )
    api.revoke_token(Token=private_refresh, ClientId=private, ClientSecret=secret)
    fails(
        "InvalidParameterException",
        api.sign_up,
        ClientId=private,
        Username="hash",
        Password=c.password("SignUp with a bad SecretHash"),
        SecretHash=c.plant("SecretHash breaking the pattern", f"!{secrets.token_hex(16)}!"),
    )

    # SignUp, codes, ForgotPassword, AdminResetUserPassword -------------------------------
    fails(
        "InvalidPasswordException",
        api.sign_up,
        ClientId=public,
        Username="weak",
        Password=c.weak("weak SignUp Password"),
    )
    fails(
        "InvalidParameterException",
        api.sign_up,
        ClientId=public,
        Username="long",
        Password=c.long("too long SignUp Password"),
    )
    eve_password = c.password("SignUp Password")
    email = [{"Name": "email", "Value": "eve@example.com"}]
    api.sign_up(ClientId=public, Username="eve", Password=eve_password, UserAttributes=email)
    api.resend_confirmation_code(ClientId=public, Username="eve")
    codes = _codes(db, "eve")
    assert len(codes) == 2, codes
    for code in codes:
        c.plant("sign-up code", code)
    wrong_code = c.plant("wrong confirmation code", f"W{secrets.token_hex(10)}")
    fails(
        "CodeMismatchException",
        api.confirm_sign_up,
        ClientId=public,
        Username="eve",
        ConfirmationCode=wrong_code,
    )
    api.confirm_sign_up(ClientId=public, Username="eve", ConfirmationCode=codes[-1])

    api.forgot_password(ClientId=public, Username="eve")
    reset = c.plant("reset code", _codes(db, "eve")[-1])

    def confirm(code: str, password: str) -> None:
        api.confirm_forgot_password(
            ClientId=public, Username="eve", ConfirmationCode=code, Password=password
        )

    fails(
        "CodeMismatchException",
        confirm,
        code=c.plant("wrong reset code", f"R{secrets.token_hex(10)}"),
        password=c.password("Password with a wrong code"),
    )
    fails("InvalidPasswordException", confirm, code=reset, password=c.weak("weak reset"))
    fails("InvalidParameterException", confirm, code=reset, password=c.long("long reset"))
    confirm(reset, c.password("ConfirmForgotPassword Password"))
    api.admin_reset_user_password(UserPoolId=pool_id, Username="eve")
    admin_reset = c.plant("AdminResetUserPassword code", _codes(db, "eve")[-1])
    confirm(admin_reset, c.password("ConfirmForgotPassword Password (2)"))

    # pagination tokens -------------------------------------------------------------------
    for name in ("g1", "g2", "g3"):
        api.create_group(UserPoolId=pool_id, GroupName=name)
        api.admin_add_user_to_group(UserPoolId=pool_id, GroupName=name, Username="bob")
    api.admin_add_user_to_group(UserPoolId=pool_id, GroupName="g1", Username="cat")
    pages: list[tuple[Callable[..., Any], str, str, dict[str, Any]]] = [
        (api.list_users, "PaginationToken", "PaginationToken", {"UserPoolId": pool_id, "Limit": 1}),
        (api.list_user_pools, "NextToken", "NextToken", {"MaxResults": 1}),
        (api.list_groups, "NextToken", "NextToken", {"UserPoolId": pool_id, "Limit": 1}),
        (
            api.list_user_pool_clients,
            "NextToken",
            "NextToken",
            {"UserPoolId": pool_id, "MaxResults": 1},
        ),
        (
            api.list_users_in_group,
            "NextToken",
            "NextToken",
            {"UserPoolId": pool_id, "GroupName": "g1", "Limit": 1},
        ),
        (
            api.admin_list_groups_for_user,
            "NextToken",
            "NextToken",
            {"UserPoolId": pool_id, "Username": "bob", "Limit": 1},
        ),
    ]
    for listing, out_key, in_key, params in pages:
        token = listing(**params).get(out_key)
        assert token, listing
        c.plant(f"{in_key} of {listing.__name__}", token)
        listing(**params, **{in_key: token})
        for label, bad in (("mutated", _tampered(token)), ("spaced", _spaced(token))):
            c.plant(f"{label} {in_key}", bad)
            fails("InvalidParameterException", listing, **params, **{in_key: bad})

    # confirmation codes that fail validation ---------------------------------------------
    fails(
        "InvalidParameterException",
        confirm,
        code=c.plant("reset code with a space", f"{reset} {secrets.token_hex(8)}"),
        password=c.password("Password with a spaced code"),
    )


def _plant_tokens(c: Canaries, who: str, result: dict[str, Any]) -> tuple[str, str, str]:
    """The access, ID and refresh tokens of a sign-in (no refresh token after a refresh)."""
    access = c.plant(f"access token of {who}", result["AccessToken"])
    id_token = c.plant(f"ID token of {who}", result["IdToken"])
    refresh = result.get("RefreshToken", "")
    if refresh:
        c.plant(f"refresh token of {who}", refresh)
    return access, id_token, refresh


def _signatures(wire: Wire, c: Canaries, reader: Credentials) -> None:
    """Admin calls with a wrong secret, an unknown key, a read-only key, a malformed
    ``Authorization`` and none; the signature the server expected must not show either."""
    wrong = Credentials(ADMIN_KEY_ID, c.plant("wrong secret access key", secrets.token_hex(20)))
    fails = wire.fails
    fails("InvalidSignatureException", wire.client(wrong).list_user_pools, MaxResults=5)
    unknown = Credentials(
        "AKIAHYGIENEUNKNOWN01", c.plant("unknown key's secret", secrets.token_hex(20))
    )
    fails("UnrecognizedClientException", wire.client(unknown).list_user_pools, MaxResults=5)
    read_only = wire.client(reader)
    read_only.list_user_pools(MaxResults=5)
    fails(
        "AccessDeniedException",
        read_only.admin_set_user_password,
        UserPoolId="us-east-1_AbCdEf123",
        Username="bob",
        Password=c.password("password sent with a read-only key"),
        Permanent=True,
    )

    body = json.dumps(
        {"UserPoolId": "us-east-1_AbCdEf123", "Username": "bob", "Password": c.password("pw")}
    ).encode()
    sent = wire.raw("AdminSetUserPassword", body, "InvalidSignatureException", credentials=wrong)
    # What the server computed and compared: botocore's signer over the same request.
    timestamp = sent["X-Amz-Date"]
    request = AWSRequest(
        "POST",
        wire.endpoint_url + "/",
        data=body,
        headers={k: v for k, v in sent.items() if k != "Authorization"},
    )
    request.context["timestamp"] = timestamp
    for credentials in (wrong, wire.credentials):
        signer = SigV4Auth(credentials, "cognito-idp", "us-east-1")
        canonical = signer.canonical_request(request)
        signature = signer.signature(signer.string_to_sign(request, canonical), request)
        if credentials is wrong:  # the reconstruction is right: it gives the signature sent
            assert f"Signature={signature}" in sent["Authorization"]
        else:
            c.plant("expected signature", signature)
            c.plant("hash of the canonical request", hashlib.sha256(canonical.encode()).hexdigest())
    scope = f"{ADMIN_KEY_ID}/{timestamp[:8]}/us-east-1/cognito-idp/aws4_request"
    not_hex = c.plant("malformed signature", f"zz{secrets.token_hex(31)}")
    wire.raw(
        "AdminSetUserPassword",
        body,
        "IncompleteSignatureException",
        authorization=f"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders=host;x-amz-date, "
        f"Signature={not_hex}",
    )
    wire.raw("AdminSetUserPassword", body, "MissingAuthenticationTokenException", authorization="")


def _raw_requests(wire: Wire, c: Canaries) -> None:
    """Bodies that never decode, each carrying a canary where a secret would be."""
    password = c.password("password in a truncated body")
    wire.raw(
        "InitiateAuth",
        json.dumps(
            {"AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"PASSWORD": password}}
        ).encode()[:-2],
        "SerializationException",
    )
    first, second = c.password("duplicate key (1)"), c.password("duplicate key (2)")
    wire.raw(
        "SignUp",
        f'{{"ClientId": "abc", "Password": "{first}", "Password": "{second}"}}'.encode(),
        "SerializationException",
    )
    wire.raw(
        "SignUp",
        b'{"Password": "' + c.password("password before bad UTF-8").encode() + b'\xff\xfe"}',
        "SerializationException",
    )
    wire.raw(
        "ChangePassword",
        json.dumps({"PreviousPassword": c.password("password beside NaN")}).encode()[:-1]
        + b', "x": NaN}',
        "SerializationException",
    )
    wire.raw(
        "GetUser",
        json.dumps(
            {"AccessToken": [c.plant("token in an array", secrets.token_urlsafe(40))]}
        ).encode(),
        "SerializationException",
    )
    wire.raw(
        "AdminSetUserPassword",
        b'{"Password": "' + c.password("password beside a surrogate").encode() + b'\\ud800"}',
        "SerializationException",
    )
    wire.raw(
        "InitiateAuth",
        b"[" * 80 + json.dumps(c.password("password deep inside")).encode() + b"]" * 80,
        "SerializationException",
    )
    wire.raw(
        "InitiateAuth",
        json.dumps(
            [{"AuthParameters": {"PASSWORD": c.password("password, not an object")}}]
        ).encode(),
        "SerializationException",
    )
    wire.raw(
        None,
        json.dumps({"Password": c.password("password, no target")}).encode(),
        "UnknownOperationException",
    )
    huge = c.long("password in a body too large", 1024 * 1024 + 10)
    wire.raw(
        "SignUp",
        b'{"Password": "' + huge.encode() + b'"}',
        "SerializationException",
        status=413,
        logged_as="-",  # refused before the operation is looked at
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    tmp = tmp_path_factory.mktemp("hygiene")
    db = tmp / "hygiene.db"
    canaries = Canaries()
    admin = Credentials(
        ADMIN_KEY_ID, canaries.plant("secret access key", secrets.token_urlsafe(30))
    )
    reader = Credentials(
        READER_KEY_ID, canaries.plant("read-only secret access key", secrets.token_urlsafe(30))
    )
    keys = tmp / "keys.toml"
    keys.write_text(
        "".join(
            f'[[keys]]\naccess_key_id = "{k.access_key}"\nsecret_access_key = "{k.secret_key}"\n'
            for k in (admin, reader)
        )
        + "read_only = true\n",  # the reader's
        encoding="utf-8",
    )
    nodes = Nodes(tmp)
    try:
        node = nodes.start(db=db, extra=["--log-level", "debug", "--credentials-file", str(keys)])
        assert "SigV4 signatures required" in node.output()
        wire = Wire(node.endpoint_url, canaries, admin)
        _workload(wire.client(admin), wire, canaries, db)
        _signatures(wire, canaries, reader)
        _raw_requests(wire, canaries)
    finally:
        nodes.stop_all()
    yield Run(node.output(), wire, canaries)


# the checks -------------------------------------------------------------------------------


def _leaks(text: str, canaries: Canaries) -> list[str]:
    """``label: line`` for each line of ``text`` holding a secret or a fragment of one."""
    found: dict[str, None] = {}
    for label, pattern in canaries.needles():
        for match in pattern.finditer(text):
            start = text.rfind("\n", 0, match.start()) + 1
            end = text.find("\n", match.end())
            line = text[start : end if end >= 0 else len(text)]
            found[f"{label}: {line[:300]!r}"] = None
    return list(found)


def test_the_workload_handled_every_kind_of_secret(run: Run) -> None:
    labels = " ".join(run.canaries.values.values())
    for kind in (
        "TemporaryPassword",
        "AdminSetUserPassword",
        "SignUp Password",
        "PreviousPassword",
        "ProposedPassword",
        "ConfirmForgotPassword Password",
        "NEW_PASSWORD",
        "wrong PASSWORD",
        "too long",
        "weak",
        "access token",
        "ID token",
        "refresh token",
        "tampered",
        "Session",
        "NextToken",
        "PaginationToken",
        "mutated",
        "generated client secret",
        "SECRET_HASH",
        "wrong SECRET_HASH",
        "RevokeToken ClientSecret",
        "SRP_A",
        "SRP_B",
        "SECRET_BLOCK",
        "PASSWORD_CLAIM_SIGNATURE",
        "sign-up code",
        "reset code",
        "secret access key",
        "request signature",
        "expected signature",
    ):
        assert kind in labels, kind
    assert len(run.wire.messages) >= 60


def test_no_secret_in_the_server_output(run: Run) -> None:
    assert "userpools.access" in run.output  # the output was captured at all
    leaks = _leaks(run.output, run.canaries)
    assert not leaks, "\n".join(leaks)


def test_no_secret_in_any_error_answer(run: Run) -> None:
    text = "\n".join(run.wire.messages + [e.error for e in run.wire.exchanges])
    assert "validation error" in text and "Incorrect username or password." in text
    leaks = _leaks(text, run.canaries)
    assert not leaks, "\n".join(leaks)


def test_one_access_log_line_per_request(run: Run) -> None:
    lines = ACCESS_LINE.findall(run.output)
    assert len(lines) == run.output.count("userpools.access"), "a malformed access-log line"
    sent = run.wire.exchanges
    assert len(lines) == len(sent), (len(lines), len(sent))
    logged = [(request_id, operation, int(status)) for _, request_id, operation, status, _ in lines]
    seen = [(e.request_id, e.operation, e.status) for e in sent]
    assert logged == seen
    assert all(e.request_id for e in sent)
    assert len({e.request_id for e in sent}) == len(sent)
    assert all(e.status < 500 for e in sent)
