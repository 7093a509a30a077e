"""Records: immutable values that the store returns and the services pass around.

Times are seconds since the epoch (floats); the protocol layer renders them.
Secrets (password hashes) are kept out of ``repr``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

from userpools.crypto.keys import SigningKey
from userpools.domain.pool_config import PoolConfig

T = TypeVar("T")


class UserStatus(StrEnum):
    UNCONFIRMED = "UNCONFIRMED"
    CONFIRMED = "CONFIRMED"
    RESET_REQUIRED = "RESET_REQUIRED"
    FORCE_CHANGE_PASSWORD = "FORCE_CHANGE_PASSWORD"
    EXTERNAL_PROVIDER = "EXTERNAL_PROVIDER"


@dataclass(frozen=True)
class UserPool:
    key: int  # the store's surrogate id
    id: str
    region: str
    name: str
    config: PoolConfig
    created_at: float
    updated_at: float


@dataclass(frozen=True)
class User:
    key: int
    username: str
    username_key: str
    sub: str
    status: UserStatus
    enabled: bool
    attributes: tuple[tuple[str, str], ...]
    mfa_options: tuple[tuple[str, str], ...]
    created_at: float
    updated_at: float
    password_hash: str | None = field(default=None, repr=False)
    password_expires_at: float | None = None
    #: ``crypto.srp.Verifier`` as JSON: a password equivalent for offline guessing.
    srp_verifier: str | None = field(default=None, repr=False)
    #: The lock-out counter (``domain/lockout.py``).
    failed_attempts: int = 0
    last_failure_at: float | None = None
    locked_until: float | None = None
    #: Global sign-out: tokens of sign-ins at or before this time are revoked.
    tokens_valid_after: float | None = None

    def attribute(self, name: str) -> str | None:
        for attr_name, value in self.attributes:
            if attr_name == name:
                return value
        return None


@dataclass(frozen=True)
class Group:
    key: int
    name: str
    description: str | None
    role_arn: str | None
    precedence: int | None
    created_at: float
    updated_at: float


@dataclass(frozen=True)
class ClientSettings:
    """The parts of an app client's configuration that the domain rules read."""

    explicit_auth_flows: tuple[str, ...] = ()
    access_token_seconds: int = 3600
    id_token_seconds: int = 3600
    refresh_token_seconds: int = 30 * 86400
    prevent_user_existence_errors: bool = False
    enable_token_revocation: bool = True
    auth_session_minutes: int = 3
    read_attributes: tuple[str, ...] | None = None
    write_attributes: tuple[str, ...] | None = None
    #: ``RefreshTokenRotation``: a refresh issues a new refresh token, and the old one works
    #: for ``retry_grace_seconds`` more.
    rotate_refresh_tokens: bool = False
    retry_grace_seconds: int = 0
    #: OAuth 2.0 (``AllowedOAuthFlowsUserPoolClient`` and the rest), validated by
    #: ``domain/client_oauth.py``: what the authorization server's endpoints allow.
    oauth_enabled: bool = False
    oauth_flows: tuple[str, ...] = ()
    oauth_scopes: tuple[str, ...] = ()
    callback_urls: tuple[str, ...] = ()
    logout_urls: tuple[str, ...] = ()
    default_redirect_uri: str | None = None
    identity_providers: tuple[str, ...] = ()


@dataclass(frozen=True)
class AppClient:
    key: int
    client_id: str
    name: str
    secret: str | None = field(repr=False)
    settings: ClientSettings
    document: Mapping[str, Any]  # the rest of the configuration, in wire form
    created_at: float
    updated_at: float
    #: The newest current secret when the client has two (AddUserPoolClientSecret); ``secret``
    #: is the oldest, the one DescribeUserPoolClient shows.
    newer_secret: str | None = field(default=None, repr=False)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every current secret: a SECRET_HASH or ``ClientSecret`` made with any of them is
        accepted, so an app can move to a new secret without a moment of refusals."""
        both = (self.secret, self.newer_secret)
        return tuple(dict.fromkeys(s for s in both if s is not None))


@dataclass(frozen=True)
class ResourceServer:
    """An OAuth 2.0 resource server of a pool: its custom scopes are granted as
    ``{identifier}/{scope name}``."""

    key: int
    identifier: str
    name: str
    scopes: tuple[tuple[str, str], ...]  # (ScopeName, ScopeDescription), in the given order
    created_at: float
    updated_at: float

    @property
    def scope_values(self) -> tuple[str, ...]:
        """The scopes as an access token carries them: ``{identifier}/{scope name}``."""
        return tuple(f"{self.identifier}/{name}" for name, _ in self.scopes)


@dataclass(frozen=True)
class PoolDomain:
    """A user pool domain: a prefix (``myprefix`` of ``myprefix.auth.<region>.amazoncognito
    .com``) or a custom domain (a full name, with an ACM certificate ARN)."""

    key: int
    domain: str
    custom: bool
    certificate_arn: str | None
    managed_login_version: int
    created_at: float
    updated_at: float


@dataclass(frozen=True)
class ClientSecret:
    """One of an app client's secrets, as ListUserPoolClientSecrets describes it."""

    secret_id: str
    value: str = field(repr=False)
    created_at: float


@dataclass(frozen=True)
class PoolSetting:
    """A stored document of a pool, or of one of its app clients (``client_key``), that is
    not part of the pool's configuration: UI customization, risk configuration, log
    delivery, the signing certificate."""

    kind: str
    client_key: int | None
    document: Mapping[str, Any]
    created_at: float
    updated_at: float


@dataclass(frozen=True)
class AuthEvent:
    """A sign-in attempt, as AdminListUserAuthEvents shows it. ``challenges`` are
    (challenge name, "Success" or "Failure") pairs: ``Password`` or ``Mfa``, never a value."""

    key: int
    event_id: str
    event_type: str
    response: str
    challenges: tuple[tuple[str, str], ...]
    created_at: float


@dataclass(frozen=True)
class PoolKey:
    """One of a pool's signing keys: ``purpose`` is "id" or "access"."""

    purpose: str
    key: SigningKey
    retired_at: float | None = None


@dataclass(frozen=True)
class AuthSession:
    """A challenge in flight: found by the hash of the handle the client holds, used once."""

    handle_hash: str
    user_key: int
    client_id: str
    challenge: str
    state: str = field(repr=False)  # JSON, the challenge's own
    expires_at: float


@dataclass(frozen=True)
class LoginSession:
    """One browser's visit to the managed login pages (``domain/login.py``), found by the
    hash of the handle in its cookie; ``state`` is the domain's JSON document."""

    handle_hash: str
    client_id: str
    state: str = field(repr=False)
    expires_at: float


@dataclass(frozen=True)
class TokenFamily:
    """One sign-in: its refresh token (kept as a hash) and the ``origin_jti`` of its tokens."""

    user_key: int
    client_id: str
    token_hash: str = field(repr=False)
    origin_jti: str
    auth_time: float
    created_at: float
    expires_at: float
    revoked_at: float | None = None
    #: Refresh token rotation: the hash of the refresh token this family's current one
    #: replaced, and until when that token still works (``RetryGracePeriodSeconds``).
    previous_hash: str | None = field(default=None, repr=False)
    previous_until: float | None = None
    #: The space-separated scopes of a sign-in through ``/oauth2/authorize``; ``None`` for
    #: API sign-in (``aws.cognito.signin.user.admin``).
    scopes: str | None = None


@dataclass(frozen=True)
class UserCode:
    """A one-time code sent to a user: ``purpose`` is "sign_up", "reset", or "verify_"
    followed by the attribute it verifies."""

    purpose: str
    code_hash: str = field(repr=False)
    attribute: str | None
    expires_at: float
    failures: int = 0


@dataclass(frozen=True)
class Invocation:
    """One Lambda trigger invocation, as recorded (``domain/triggers.py``).

    ``event`` is the JSON sent, with secrets redacted; ``outcome`` is ``"ok"`` or the code of
    the error the caller got (``UserLambdaValidationException`` …), ``error`` its message.
    """

    pool_id: str
    username: str | None
    trigger: str
    source: str
    arn: str
    outcome: str
    error: str | None
    duration_ms: float
    event: str
    created_at: float


@dataclass(frozen=True)
class Message:
    """A message AWS would have sent by email or SMS, kept in the local outbox."""

    pool_id: str
    username: str
    medium: str  # EMAIL or SMS
    destination: str
    subject: str | None
    body: str = field(repr=False)
    created_at: float
    #: Email ``From`` and ``Reply-To`` (the pool's ``EmailConfiguration``); ``None`` for SMS.
    sender: str | None = None
    reply_to: str | None = None
    #: "kept" (recorded only: no transport for the medium), "pending", "sent" or "failed".
    delivery: str = "kept"
    attempts: int = 0
    #: Why the last attempt failed; never holds the message's body.
    error: str | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_token: str | None


@dataclass(frozen=True)
class UserMfa:
    """A user's MFA state. The TOTP secrets are sealed (``domain/mfa.py``): the store never
    holds them in the clear. ``preferred`` is ``SMS_MFA``, ``SOFTWARE_TOKEN_MFA``,
    ``EMAIL_OTP`` or ``None``; ``last_step`` the TOTP time step last accepted."""

    totp_secret: bytes | None = field(default=None, repr=False)
    pending_secret: bytes | None = field(default=None, repr=False)
    device_name: str | None = None
    last_step: int | None = None
    sms_enabled: bool = False
    totp_enabled: bool = False
    email_enabled: bool = False
    preferred: str | None = None
