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


@dataclass(frozen=True)
class UserCode:
    """A one-time code sent to a user: ``purpose`` is "sign_up" or "reset"."""

    purpose: str
    code_hash: str = field(repr=False)
    attribute: str | None
    expires_at: float
    failures: int = 0


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


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_token: str | None
