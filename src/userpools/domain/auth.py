"""Sign-in: the auth flows and the challenges between them (``docs/auth-flows.md``).

Flows are a registry: each ``AuthFlow`` maps to one method, and so does each challenge a client
may answer. A challenge in flight is an :class:`~userpools.domain.models.AuthSession` in the
store, found by the hash of what the client holds (the ``Session`` string, or the SRP
``SECRET_BLOCK``), taken (deleted) by the answer and expiring after the client's
``AuthSessionValidity``; any node can take it.

Password checks follow ``domain/lockout.py``: the SRP proof is checked inside the write
transaction that counts it; the Argon2id check, which is slow, runs between two transactions,
with the attempt counted as failed by the first and the count cleared by the second.

An error that must not undo what the transaction recorded (a failure counted, a session used) is
returned from the transaction and raised after it commits.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from userpools.crypto import srp
from userpools.crypto.passwords import PasswordHasher
from userpools.crypto.sealing import new_key
from userpools.domain import attributes, lockout, messages
from userpools.domain.clients import (
    check_flow,
    check_secret_hash,
    require_client,
    require_client_anywhere,
)
from userpools.domain.errors import (
    DomainError,
    InvalidParameter,
    NotAuthorized,
    PasswordResetRequired,
    ResourceNotFound,
    UnsupportedOperation,
    UserNotConfirmed,
    UserNotFound,
)
from userpools.domain.models import AppClient, AuthSession, User, UserPool, UserStatus
from userpools.domain.password_policy import PasswordPolicy, check, check_form
from userpools.domain.pools import require_pool
from userpools.domain.store import Store, Transaction
from userpools.domain.tokens import Grant, TokenIssuer, Tokens, digest, new_secret, revoked
from userpools.domain.users import names_an_alias, resolve, sign_in_keys, srp_verifier

PASSWORD_VERIFIER = "PASSWORD_VERIFIER"
NEW_PASSWORD_REQUIRED = "NEW_PASSWORD_REQUIRED"
_SIMULATION_SECRET = "srp-simulation-v1"
_ATTRIBUTE_PREFIX = "userAttributes."

#: Wire names that mean the same flow.
_FLOW_ALIASES = {
    "REFRESH_TOKEN": "REFRESH_TOKEN_AUTH",
    "ADMIN_NO_SRP_AUTH": "ADMIN_USER_PASSWORD_AUTH",
}
_ADMIN_ONLY = frozenset({"ADMIN_USER_PASSWORD_AUTH"})
_PUBLIC_ONLY = frozenset({"USER_PASSWORD_AUTH"})


@dataclass(frozen=True)
class Caller:
    """Which client is asking, and, for the Admin* variants, which pool the caller named."""

    client_id: str
    pool_id: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class Outcome:
    """Tokens, or the next challenge."""

    tokens: Tokens | None = None
    challenge: str | None = None
    session: str | None = field(default=None, repr=False)
    parameters: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Step:
    """What a transaction decided: a grant to sign, a challenge, or an error to raise."""

    grant: Grant | None = None
    outcome: Outcome | None = None
    error: DomainError | None = None

    def finish(self) -> Outcome:
        if self.error is not None:
            raise self.error
        if self.grant is not None:
            return Outcome(tokens=self.grant.sign())
        assert self.outcome is not None
        return self.outcome


def _missing(name: str) -> InvalidParameter:
    return InvalidParameter(messages.MISSING_PARAMETER.format(name=name))


def _required(parameters: Mapping[str, str], name: str) -> str:
    value = parameters.get(name)
    if value is None:
        raise _missing(name)
    return value


def _gate(user: User, now: float) -> None:
    """The refusals that come before any password is looked at (cognito-spec §6)."""
    if not user.enabled:
        raise NotAuthorized(messages.USER_DISABLED)
    if user.status is UserStatus.UNCONFIRMED:
        raise UserNotConfirmed()
    if user.status is UserStatus.RESET_REQUIRED:
        raise PasswordResetRequired()
    if lockout.is_locked(user, now):
        raise NotAuthorized(lockout.ATTEMPTS_EXCEEDED)


class AuthService:
    def __init__(
        self,
        store: Store,
        tokens: TokenIssuer,
        hasher: PasswordHasher,
        clock: Callable[[], float],
    ) -> None:
        self._store = store
        self._tokens = tokens
        self._hasher = hasher
        self._clock = clock
        self._flows: dict[str, Callable[[Caller, str, Mapping[str, str]], Outcome]] = {
            "USER_PASSWORD_AUTH": self._password,
            "ADMIN_USER_PASSWORD_AUTH": self._password,
            "USER_SRP_AUTH": self._srp_start,
            "REFRESH_TOKEN_AUTH": self._refresh,
        }
        self._challenges: dict[str, Callable[[Caller, Mapping[str, str], str | None], Outcome]] = {
            PASSWORD_VERIFIER: self._password_verifier,
            NEW_PASSWORD_REQUIRED: self._new_password,
        }

    # entry points -----------------------------------------------------------------------

    def initiate(self, caller: Caller, flow: str, parameters: Mapping[str, str]) -> Outcome:
        name = _FLOW_ALIASES.get(flow, flow)
        admin = caller.pool_id is not None
        if (name in _ADMIN_ONLY and not admin) or (name in _PUBLIC_ONLY and admin):
            raise InvalidParameter(messages.AUTH_METHOD_NOT_SUPPORTED)
        run = self._flows.get(name)
        if run is None:
            raise UnsupportedOperation(messages.FLOW_NOT_IMPLEMENTED.format(flow=flow))
        return run(caller, flow, parameters)

    def respond(
        self,
        caller: Caller,
        challenge: str,
        responses: Mapping[str, str],
        session: str | None,
    ) -> Outcome:
        answer = self._challenges.get(challenge)
        if answer is None:
            raise InvalidParameter(messages.CHALLENGE_NOT_EXPECTED.format(challenge=challenge))
        return answer(caller, responses, session)

    # shared steps -----------------------------------------------------------------------

    def _client(self, tx: Transaction, caller: Caller) -> tuple[UserPool, AppClient]:
        """The client's pool (locked for writing) and the client."""
        if caller.pool_id is None:
            return require_client_anywhere(tx, caller.client_id)
        pool = require_pool(tx, caller.pool_id, caller.region or "")
        if tx.find_client(caller.client_id) != pool.id:
            raise ResourceNotFound(messages.CLIENT_NOT_FOUND.format(client_id=caller.client_id))
        return pool, require_client(tx, pool, caller.client_id)

    def _unknown_user(self, client: AppClient) -> DomainError:
        if client.settings.prevent_user_existence_errors:
            return NotAuthorized(messages.INCORRECT_CREDENTIALS)
        return UserNotFound()

    def _signed_in(
        self, tx: Transaction, pool: UserPool, client: AppClient, user: User, now: float
    ) -> _Step:
        """After a correct password: the temporary-password challenge, or tokens."""
        if user.status is UserStatus.FORCE_CHANGE_PASSWORD:
            if user.password_expires_at is not None and now > user.password_expires_at:
                return _Step(error=NotAuthorized(messages.TEMPORARY_PASSWORD_EXPIRED))
            handle = new_secret()
            tx.insert_auth_session(
                pool,
                AuthSession(
                    handle_hash=digest(handle),
                    user_key=user.key,
                    client_id=client.client_id,
                    challenge=NEW_PASSWORD_REQUIRED,
                    state="{}",
                    expires_at=now + client.settings.auth_session_minutes * 60,
                ),
                now,
            )
            return _Step(
                outcome=Outcome(
                    challenge=NEW_PASSWORD_REQUIRED,
                    session=handle,
                    parameters=_new_password_parameters(pool, user),
                )
            )
        return _Step(grant=self._tokens.grant(tx, pool, client, user, now=now))

    # USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH ------------------------------------------

    def _password(self, caller: Caller, flow: str, parameters: Mapping[str, str]) -> Outcome:
        username = _required(parameters, "USERNAME")
        password = _required(parameters, "PASSWORD")
        now = self._clock()

        def count(tx: Transaction) -> tuple[AppClient, User | None]:
            pool, client = self._client(tx, caller)
            check_flow(client, _FLOW_ALIASES.get(flow, flow), flow)
            check_secret_hash(client, parameters.get("SECRET_HASH"), username)
            user = resolve(tx, pool, username)
            if user is not None:
                _gate(user, now)
                # Counted as failed before the check; undone below when the password is right.
                tx.update_user(pool, lockout.failed(user, now), sign_in_keys(pool, user.attributes))
            return client, user

        client, user = self._store.write(count)
        if user is None:
            self._hasher.dummy_verify(password)
            raise self._unknown_user(client)
        if user.password_hash is None:
            self._hasher.dummy_verify(password)
            raise NotAuthorized(messages.INCORRECT_CREDENTIALS)
        if not self._hasher.verify(user.password_hash, password):
            raise NotAuthorized(messages.INCORRECT_CREDENTIALS)
        now = self._clock()
        known = user

        def clear(tx: Transaction) -> _Step:
            pool, client = self._client(tx, caller)
            current = tx.get_user(pool, known.key)
            if current is None or current.password_hash != known.password_hash:
                raise NotAuthorized(messages.INCORRECT_CREDENTIALS)
            current = lockout.succeeded(current)
            tx.update_user(pool, current, sign_in_keys(pool, current.attributes))
            return self._signed_in(tx, pool, client, current, now)

        return self._store.write(clear).finish()

    # USER_SRP_AUTH → PASSWORD_VERIFIER ----------------------------------------------------

    def _srp_start(self, caller: Caller, flow: str, parameters: Mapping[str, str]) -> Outcome:
        username = _required(parameters, "USERNAME")
        srp_a = _required(parameters, "SRP_A")
        now = self._clock()

        def run(tx: Transaction) -> Outcome:
            pool, client = self._client(tx, caller)
            check_flow(client, "USER_SRP_AUTH", flow)
            check_secret_hash(client, parameters.get("SECRET_HASH"), username)
            user = resolve(tx, pool, username)
            if user is None:
                if not client.settings.prevent_user_existence_errors:
                    raise UserNotFound()
                simulated = tx.secret(_SIMULATION_SECRET, new_key, now)
                return _simulated_challenge(simulated, pool, username, srp_a)
            _gate(user, now)
            verifier = _stored_verifier(user)
            if verifier is None:  # a password set before SRP verifiers were kept
                simulated = tx.secret(_SIMULATION_SECRET, new_key, now)
                return _simulated_challenge(simulated, pool, user.username, srp_a)
            try:
                exchange = srp.start(verifier, srp_a)
            except srp.SrpError:
                raise InvalidParameter(messages.INVALID_SRP_A) from None
            tx.insert_auth_session(
                pool,
                AuthSession(
                    handle_hash=digest(exchange.secret_block_b64),
                    user_key=user.key,
                    client_id=client.client_id,
                    challenge=PASSWORD_VERIFIER,
                    state=exchange.to_json(),
                    expires_at=now + client.settings.auth_session_minutes * 60,
                ),
                now,
            )
            return Outcome(
                challenge=PASSWORD_VERIFIER,
                parameters=exchange.challenge_parameters(user.username),
            )

        return self._store.write(run)

    def _password_verifier(
        self, caller: Caller, responses: Mapping[str, str], session: str | None
    ) -> Outcome:
        for name in ("USERNAME", "PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE"):
            _required(responses, name)
        _required(responses, "TIMESTAMP")
        now = self._clock()

        return self._store.write(lambda tx: self._check_proof(tx, caller, responses, now)).finish()

    def _check_proof(
        self, tx: Transaction, caller: Caller, responses: Mapping[str, str], now: float
    ) -> _Step:
        """Take the session and check the proof; the session is used up whatever happens."""
        pool, client = self._client(tx, caller)
        check_secret_hash(client, responses.get("SECRET_HASH"), responses["USERNAME"])
        block = responses["PASSWORD_CLAIM_SECRET_BLOCK"]
        stored = tx.take_auth_session(pool, digest(_canonical_block(block)))
        user = tx.get_user(pool, stored.user_key) if stored is not None else None
        if (
            stored is None
            or user is None
            or stored.client_id != client.client_id
            or stored.challenge != PASSWORD_VERIFIER
        ):
            # Unknown users get a simulated challenge whose block was never stored.
            return _Step(error=NotAuthorized(messages.INCORRECT_CREDENTIALS))
        if now > stored.expires_at:
            return _Step(error=NotAuthorized(messages.SESSION_EXPIRED))
        try:
            _gate(user, now)
        except DomainError as error:
            return _Step(error=error)
        proven = srp.verify(
            srp.ServerSession.from_json(stored.state),
            srp.pool_name_of(pool.id),
            user.username,
            block,
            responses["TIMESTAMP"],
            responses["PASSWORD_CLAIM_SIGNATURE"],
            now=now,
        )
        if not proven:
            failed = lockout.failed(user, now)
            tx.update_user(pool, failed, sign_in_keys(pool, failed.attributes))
            return _Step(error=NotAuthorized(messages.INCORRECT_CREDENTIALS))
        user = lockout.succeeded(user)
        tx.update_user(pool, user, sign_in_keys(pool, user.attributes))
        return self._signed_in(tx, pool, client, user, now)

    # NEW_PASSWORD_REQUIRED ------------------------------------------------------------------

    def _new_password(
        self, caller: Caller, responses: Mapping[str, str], session: str | None
    ) -> Outcome:
        username = _required(responses, "USERNAME")
        password = _required(responses, "NEW_PASSWORD")
        if session is None:
            raise _missing("Session")
        handle_hash = digest(session)
        given = [
            (name[len(_ATTRIBUTE_PREFIX) :], value)
            for name, value in responses.items()
            if name.startswith(_ATTRIBUTE_PREFIX)
        ]
        now = self._clock()
        # First look, without using the session up: a password the policy refuses may be
        # corrected within the same session.

        def look(tx: Transaction) -> tuple[UserPool, User]:
            pool, client = self._client(tx, caller)
            check_secret_hash(client, responses.get("SECRET_HASH"), username)
            stored = tx.get_auth_session(pool, handle_hash)
            if (
                stored is None
                or stored.challenge != NEW_PASSWORD_REQUIRED
                or stored.client_id != client.client_id
            ):
                raise NotAuthorized(messages.SESSION_INVALID)
            if now > stored.expires_at:
                raise NotAuthorized(messages.SESSION_EXPIRED)
            named = resolve(tx, pool, username)
            if named is None or named.key != stored.user_key:
                raise NotAuthorized(messages.SESSION_INVALID)
            for name, _ in given:
                if name in pool.settings.required_attributes and named.attribute(name):
                    raise InvalidParameter(messages.REQUIRED_ATTRIBUTE_SET.format(name=name))
            check_form(password)
            check(PasswordPolicy.from_wire(pool.settings.password_policy), password)
            return pool, named

        pool, named = self._store.read(look)
        password_hash = self._hasher.hash(password)
        verifier = srp_verifier(pool, named.username, password)
        now = self._clock()

        def change(tx: Transaction) -> _Step:
            pool, client = self._client(tx, caller)
            stored = tx.take_auth_session(pool, handle_hash)
            user = tx.get_user(pool, stored.user_key) if stored is not None else None
            if (
                stored is None
                or user is None
                or user.status is not UserStatus.FORCE_CHANGE_PASSWORD
            ):
                raise NotAuthorized(messages.SESSION_INVALID)
            attributes.check_writable(pool.settings, (n for n, _ in given), creating=False)
            merged = attributes.merge(user.attributes, given)
            for name in pool.settings.required_attributes:
                if attributes.value_of(merged, name) is None:
                    raise InvalidParameter(messages.REQUIRED_ATTRIBUTE_MISSING.format(name=name))
            user = dataclasses.replace(
                lockout.succeeded(user),
                attributes=merged,
                status=UserStatus.CONFIRMED,
                password_hash=password_hash,
                password_expires_at=None,
                srp_verifier=verifier,
                updated_at=now,
            )
            tx.update_user(pool, user, sign_in_keys(pool, merged))
            return self._signed_in(tx, pool, client, user, now)

        return self._store.write(change).finish()

    # REFRESH_TOKEN_AUTH ---------------------------------------------------------------------

    def _refresh(self, caller: Caller, flow: str, parameters: Mapping[str, str]) -> Outcome:
        token = _required(parameters, "REFRESH_TOKEN")
        now = self._clock()

        def run(tx: Transaction) -> Grant:
            pool, client = self._client(tx, caller)
            check_flow(client, "REFRESH_TOKEN_AUTH", flow)
            family = tx.find_token_family(pool, "token_hash", digest(token))
            if family is None or family.client_id != client.client_id:
                raise NotAuthorized(messages.INVALID_REFRESH_TOKEN)
            user = tx.get_user(pool, family.user_key)
            if user is None:
                raise NotAuthorized(messages.INVALID_REFRESH_TOKEN)
            names = [user.username]
            if "USERNAME" in parameters and resolve(tx, pool, parameters["USERNAME"]) == user:
                names.append(parameters["USERNAME"])
            check_secret_hash(client, parameters.get("SECRET_HASH"), *names)
            # Before the revocation check: AdminDisableUser also revokes every family, which
            # would otherwise always answer first (cognito-spec §4.3 AdminDisableUser).
            if not user.enabled:
                raise NotAuthorized(messages.USER_DISABLED)
            if revoked(family, user):
                raise NotAuthorized(messages.REFRESH_TOKEN_REVOKED)
            if now >= family.expires_at:
                raise NotAuthorized(messages.REFRESH_TOKEN_EXPIRED)
            return self._tokens.grant(tx, pool, client, user, now=now, family=family)

        return Outcome(tokens=self._store.read(run).sign())


def _stored_verifier(user: User) -> srp.Verifier | None:
    if user.srp_verifier is None:
        return None
    return srp.Verifier.from_json(user.srp_verifier)


def _canonical_block(block: str) -> str:
    """The SECRET_BLOCK as the server sent it (standard base64), whatever padding came back."""
    try:
        raw = base64.b64decode(block + "=" * (-len(block) % 4), validate=True)
    except (binascii.Error, ValueError):
        return block
    return base64.b64encode(raw).decode("ascii")


def _simulated_challenge(key: bytes, pool: UserPool, username: str, srp_a: str) -> Outcome:
    """A PASSWORD_VERIFIER challenge for a name with no usable verifier (reliability.md §1.6).

    The salt and the user id are keyed functions of (pool, name), so asking twice gives the
    same answer, as for a real user; ``SRP_B`` and the block are random. The block is never
    stored, so the answer fails with the same error as a wrong password.
    """
    seed = hmac.new(
        key, f"{pool.id}\x00{username}".encode("utf-8", "surrogatepass"), hashlib.sha256
    )
    digest_bytes = seed.digest()
    salt = digest_bytes[: srp.SALT_BYTES]
    fake = srp.Verifier(salt=salt, verifier=pow(srp.G, int.from_bytes(digest_bytes, "big"), srp.N))
    try:
        exchange = srp.start(fake, srp_a)
    except srp.SrpError:
        raise InvalidParameter(messages.INVALID_SRP_A) from None
    # What a real user would show: the username itself, or, when the name typed is an email
    # or phone sign-in name, a username that is not that name (a UUID, as generated ones are).
    user_id = username
    if pool.settings.username_attributes or names_an_alias(pool, username):
        user_id = str(uuid.UUID(bytes=digest_bytes[16:32], version=4))
    return Outcome(challenge=PASSWORD_VERIFIER, parameters=exchange.challenge_parameters(user_id))


def _new_password_parameters(pool: UserPool, user: User) -> dict[str, str]:
    """``USER_ID_FOR_SRP``, the user's attributes, and the required ones still missing."""
    shown = {name: value for name, value in user.attributes if name != "sub"}
    missing = [
        f"{_ATTRIBUTE_PREFIX}{name}"
        for name in pool.settings.required_attributes
        if attributes.value_of(user.attributes, name) is None
    ]
    return {
        "USER_ID_FOR_SRP": user.username,
        "requiredAttributes": json.dumps(missing),
        "userAttributes": json.dumps(shown, ensure_ascii=False),
    }
