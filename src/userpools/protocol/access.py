"""Who may call what: access keys from a credentials file, SigV4 on signed operations, scopes.

The botocore model says which operations are signed: those without ``smithy.api#noAuth``
(``authtype: none``). Public ones (SignUp, InitiateAuth, GetUser, …) are served to anyone, as
AWS serves them, and any signature they carry is ignored.

With keys configured, a signed operation must carry a valid SigV4 signature from one of them
(:mod:`userpools.protocol.sigv4`), and the key's scope must allow the call:

- ``pools``: only operations naming one of these pools (``UserPoolId``, or the pool's ARN as
  ``ResourceArn`` for the tag operations) are allowed; a scoped
  key cannot create or delete pools, and ListUserPools shows it only its pools. The check
  comes before any look-up, so "no such pool" and "not yours" cannot be told apart.
- ``read_only``: only Describe*, Get*, List*, AdminGet* and AdminList* operations.

With no keys configured (development mode) every call is let through, signed or not; the
command line allows that only on a loopback address.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from botocore.model import OperationModel

from userpools.domain.errors import AccessDenied, MissingAuthenticationToken
from userpools.protocol import sigv4

READ_ONLY_PREFIXES = ("Describe", "Get", "List", "AdminGet", "AdminList")
#: Signed operations a pool-scoped key may call without naming a pool of its own.
_UNSCOPED_ALLOWED = frozenset({"ListUserPools"})
#: Operations that name a pool but act on the pool itself, closed to pool-scoped keys.
_POOL_LIFECYCLE = frozenset({"CreateUserPool", "DeleteUserPool"})
DEFAULT_REGION = "us-east-1"
_ACCOUNT = "000000000000"


@dataclass(frozen=True)
class Key:
    access_key_id: str
    secret_access_key: str = field(repr=False)
    #: ``None``: every pool.
    pools: frozenset[str] | None = None
    read_only: bool = False


@dataclass(frozen=True)
class Caller:
    """Who is calling: ``key`` is ``None`` for public operations and in development mode."""

    region: str
    key: Key | None = None

    @property
    def pools(self) -> frozenset[str] | None:
        """The pools the caller may see, or ``None`` for all of them."""
        return self.key.pools if self.key is not None else None


def is_public(operation: OperationModel) -> bool:
    # botocore 1.34 has no OperationModel.auth; the model says "authtype" too.
    auth = getattr(operation, "auth", None) or ()
    return operation.auth_type == "none" or "smithy.api#noAuth" in auth


def load_keys(path: str | Path) -> tuple[Key, ...]:
    """The ``[[keys]]`` of a TOML credentials file (docs/security.md).

    ``ValueError`` names the problem and the entry, never a secret.
    """
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML ({exc})") from None
    entries = document.get("keys")
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path}: expected at least one [[keys]] entry")
    keys: list[Key] = []
    for number, entry in enumerate(entries, 1):
        keys.append(_key(entry, f"{path}: [[keys]] entry {number}"))
    ids = [k.access_key_id for k in keys]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{path}: an access_key_id appears twice")
    return tuple(keys)


def _key(entry: Any, where: str) -> Key:
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: expected a table")
    unknown = set(entry) - {"access_key_id", "secret_access_key", "pools", "read_only"}
    if unknown:
        raise ValueError(f"{where}: unknown setting {sorted(unknown)[0]!r}")
    key_id, secret = entry.get("access_key_id"), entry.get("secret_access_key")
    if not isinstance(key_id, str) or not 16 <= len(key_id) <= 128 or not key_id.isalnum():
        raise ValueError(f"{where}: access_key_id must be 16-128 letters and digits")
    if not isinstance(secret, str) or len(secret) < 16:
        raise ValueError(f"{where} ({key_id}): secret_access_key must be at least 16 characters")
    pools = entry.get("pools")
    if pools is not None and (
        not isinstance(pools, list) or not all(isinstance(p, str) and p for p in pools)
    ):
        raise ValueError(f"{where} ({key_id}): pools must be a list of pool ids")
    read_only = entry.get("read_only", False)
    if not isinstance(read_only, bool):
        raise ValueError(f"{where} ({key_id}): read_only must be true or false")
    return Key(key_id, secret, frozenset(pools) if pools is not None else None, read_only)


def _named_pool(params: Mapping[str, Any]) -> object:
    """The pool a call names: ``UserPoolId``, or the last part of a user pool ARN."""
    arn = params.get("ResourceArn")
    if isinstance(arn, str) and ":userpool/" in arn:
        return arn.rsplit("/", 1)[1]
    return params.get("UserPoolId")


class Gate:
    """Authenticates and authorises each call; ``keys=None`` is development mode."""

    def __init__(
        self,
        keys: Sequence[Key] | None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._keys = {k.access_key_id: k for k in keys} if keys is not None else None
        self._clock = clock

    @property
    def development(self) -> bool:
        return self._keys is None

    def authenticate(self, operation: OperationModel, request: sigv4.HttpRequest) -> Caller:
        """The caller of a request; raises the AWS error for a missing or bad signature."""
        header = request.headers.get("authorization")
        if self._keys is None or is_public(operation):
            return Caller(sigv4.region_from_authorization(header) or DEFAULT_REGION)
        if header is None:
            raise MissingAuthenticationToken()
        keys = self._keys
        auth = sigv4.verify(request, self._secret_for, self._clock())
        return Caller(auth.region, keys[auth.access_key_id])

    def admit_to_pool_route(self, request: sigv4.HttpRequest, action: str, pool_id: str) -> None:
        """Let a call to one of the server's own routes about a pool (``GET
        /_userpools/messages``) through, or raise the AWS error for why not.

        Development mode lets everyone through. Otherwise the request must be signed
        (SigV4, like an API call, over its path and query) by a key that is not read-only
        and whose scope holds the pool: what it reads (codes, temporary passwords) lets the
        reader act as the pool's users, which a read-only key may not.
        """
        if self._keys is None:
            return
        if request.headers.get("authorization") is None:
            raise MissingAuthenticationToken()
        keys = self._keys
        auth = sigv4.verify(
            request, self._secret_for, self._clock(), required=sigv4.ROUTE_SIGNED_HEADERS
        )
        key = keys[auth.access_key_id]
        if key.read_only or (key.pools is not None and pool_id not in key.pools):
            raise self._denied(Caller(auth.region, key), action, {"UserPoolId": pool_id})

    def _secret_for(self, key_id: str) -> str | None:
        key = self._keys.get(key_id) if self._keys is not None else None
        return key.secret_access_key if key is not None else None

    def authorize(self, caller: Caller, operation: str, params: Mapping[str, Any]) -> None:
        """``AccessDenied`` unless the caller's key may make this call; before any look-up."""
        key = caller.key
        if key is None:
            return
        if key.read_only and not operation.startswith(READ_ONLY_PREFIXES):
            raise self._denied(caller, operation, params)
        if key.pools is None:
            return
        pool_id = _named_pool(params)
        if operation in _UNSCOPED_ALLOWED:
            return
        if operation in _POOL_LIFECYCLE or not isinstance(pool_id, str) or pool_id not in key.pools:
            raise self._denied(caller, operation, params)

    @staticmethod
    def _denied(caller: Caller, operation: str, params: Mapping[str, Any]) -> AccessDenied:
        assert caller.key is not None
        pool_id = _named_pool(params)
        resource = "*"
        if isinstance(pool_id, str) and len(pool_id) <= 55 and pool_id.isprintable():
            resource = f"arn:aws:cognito-idp:{caller.region}:{_ACCOUNT}:userpool/{pool_id}"
        return AccessDenied(
            f"User: {caller.key.access_key_id} is not authorized to perform: "
            f"cognito-idp:{operation} on resource: {resource}"
        )
