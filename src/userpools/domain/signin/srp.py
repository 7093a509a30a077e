"""``USER_SRP_AUTH``, answered by ``PASSWORD_VERIFIER`` (SRP-6a, ``crypto/srp.py``).

The flow sends the server's half of the exchange and keeps it as the session's state, found by
the hash of the ``SECRET_BLOCK`` the client echoes back. The proof is cheap, so it is checked
inside the write transaction that takes the session and counts the attempt; the session is used
up whatever the outcome. Like any password check it waits its turn while slow checks of the
same user are in flight (``domain/password_checks.py``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar, Self, cast

from userpools.crypto import srp
from userpools.crypto.sealing import new_key
from userpools.domain import lockout, messages, password_checks
from userpools.domain.auth_events import record_sign_in
from userpools.domain.errors import DomainError, InvalidParameter, NotAuthorized
from userpools.domain.lookup import names_an_alias, sign_in_keys
from userpools.domain.models import AppClient, User, UserPool
from userpools.domain.password_checks import WAIT, Wait
from userpools.domain.signin import sessions
from userpools.domain.signin.strategy import Attempt, Entry, Outcome, Step, gate
from userpools.domain.store import Transaction

PASSWORD_VERIFIER = "PASSWORD_VERIFIER"
_SIMULATION_SECRET = "srp-simulation-v1"
#: A placeholder verifier is drawn from this many keyed bytes (more than ``N``'s 384), reduced
#: modulo ``N``.
_PLACEHOLDER_BYTES = 400


@dataclass(frozen=True)
class VerifierState:
    """The server's half of the exchange, between ``SRP_B`` and the proof; ``custom`` when it
    is Amplify's ``CUSTOM_WITH_SRP`` (``custom_auth.py``), whose proof DefineAuthChallenge
    judges next."""

    challenge: ClassVar[str] = PASSWORD_VERIFIER
    exchange: srp.ServerSession = field(repr=False)
    custom: bool = False

    def encode(self) -> str:
        if not self.custom:
            return self.exchange.to_json()
        return json.dumps({"custom": True, "exchange": self.exchange.to_json()})

    @classmethod
    def decode(cls, text: str) -> Self:
        data = json.loads(text)
        if data.get("custom") is True:
            return cls(srp.ServerSession.from_json(data["exchange"]), custom=True)
        return cls(srp.ServerSession.from_json(text))


@dataclass(frozen=True)
class Proven:
    """A right proof in ``CUSTOM_WITH_SRP``: DefineAuthChallenge decides what follows, outside
    the transaction that recorded it."""

    entry: Entry


@dataclass(frozen=True)
class SrpFlow:
    name: str = "USER_SRP_AUTH"
    admin: bool | None = None

    def start(self, attempt: Attempt) -> Outcome:
        username = attempt.required("USERNAME")
        srp_a = attempt.required("SRP_A")
        now = attempt.clock()

        def run(tx: Transaction) -> Outcome:
            pool, client, user = attempt.admit(tx, username, now)
            return begin(tx, attempt, self.name, (pool, client, user), username, srp_a, now)

        return attempt.store.write(run)


def begin(
    tx: Transaction,
    attempt: Attempt,
    source: str,
    found: tuple[UserPool, AppClient, User | None],
    username: str,
    srp_a: str,
    now: float,
    custom: bool = False,
) -> Outcome:
    """The ``PASSWORD_VERIFIER`` challenge after ``source`` (``USER_SRP_AUTH``, ``USER_AUTH``'s
    ``PASSWORD_SRP`` factor, or ``CUSTOM_AUTH``'s ``SRP_A`` when ``custom``) for the user found
    past the preamble (``None``: an unknown name, refused or simulated as the client says)."""
    pool, client, user = found
    if user is None:
        if not client.settings.prevent_user_existence_errors:
            raise attempt.unknown_user(client)
        simulated = tx.secret(_SIMULATION_SECRET, new_key, now)
        return _simulated_challenge(simulated, pool, username, srp_a)
    verifier = _stored_verifier(user)
    if verifier is None and user.password_hash is not None:
        # A password set before SRP verifiers were kept.
        simulated = tx.secret(_SIMULATION_SECRET, new_key, now)
        return _simulated_challenge(simulated, pool, user.username, srp_a)
    if verifier is None:
        # No password at all (``domain/user_creation.py``, ``unseen_password``): the exchange
        # runs as a real one, against a verifier no password matches, so the answer
        # is checked, refused and counted exactly as a wrong password's.
        simulated = tx.secret(_SIMULATION_SECRET, new_key, now)
        verifier = _placeholder_verifier(simulated, pool, user.username)[0]
    exchange = _start(verifier, srp_a)
    state = VerifierState(exchange, custom)
    attempt.enter(tx, source, Entry(pool, client, user), state, exchange.secret_block_b64, now)
    return Outcome(
        challenge=PASSWORD_VERIFIER,
        parameters=exchange.challenge_parameters(user.username),
    )


@dataclass(frozen=True)
class PasswordVerifier:
    name: str = PASSWORD_VERIFIER
    #: What follows a right proof in ``CUSTOM_WITH_SRP`` (``custom_auth.after_password``,
    #: wired in ``machine.py``).
    custom: Callable[[Attempt, Entry], Outcome] | None = field(
        default=None, repr=False, compare=False
    )

    def answer(self, attempt: Attempt) -> Outcome:
        for name in ("USERNAME", "PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE"):
            attempt.required(name)
        attempt.required("TIMESTAMP")

        def check(tx: Transaction) -> Step | Proven | Wait:
            return self._check_proof(tx, attempt, attempt.clock())

        # mypy cannot solve ``T | Wait`` against a union of three; ``turn`` strips ``Wait``.
        step = cast("Step | Proven", attempt.checks.turn(check))
        if isinstance(step, Proven):
            assert self.custom is not None  # a custom session is only issued when wired
            return self.custom(attempt, step.entry)
        return step.finish()

    def _check_proof(self, tx: Transaction, attempt: Attempt, now: float) -> Step | Proven | Wait:
        """Take the session and check the proof; the session is used up whatever happens,
        unless the user's password checks in flight make this one wait its turn."""
        responses = attempt.parameters
        pool, client = attempt.client(tx)
        attempt.check_secret_hash(client, responses["USERNAME"])
        block = responses["PASSWORD_CLAIM_SECRET_BLOCK"]
        peeked = sessions.peek(tx, pool, _canonical_block(block), VerifierState)
        owner = tx.get_user(pool, peeked.user_key) if peeked is not None else None
        if owner is not None and password_checks.must_wait(tx, pool, owner, now):
            return WAIT
        pending = sessions.take(tx, pool, _canonical_block(block), VerifierState)
        user = tx.get_user(pool, pending.user_key) if pending is not None else None
        if pending is None or user is None or pending.client_id != client.client_id:
            # Unknown users get a simulated challenge whose block was never stored.
            return Step(error=NotAuthorized(messages.INCORRECT_CREDENTIALS))
        if pending.expired(now):
            return Step(error=NotAuthorized(messages.SESSION_EXPIRED))
        try:
            gate(user, now)
        except DomainError as error:
            return Step(error=error)
        proven = srp.verify(
            pending.state.exchange,
            srp.pool_name_of(pool.id),
            user.username,
            block,
            responses["TIMESTAMP"],
            responses["PASSWORD_CLAIM_SIGNATURE"],
            now=now,
        )
        if not proven or user.srp_verifier is None:  # a user without a password proves nothing
            failed = lockout.failed(user, now)
            tx.update_user(pool, failed, sign_in_keys(pool, failed.attributes))
            record_sign_in(tx, pool, user, "Fail", "Failure", now)
            return Step(error=NotAuthorized(messages.INCORRECT_CREDENTIALS))
        user = lockout.succeeded(user)
        tx.update_user(pool, user, sign_in_keys(pool, user.attributes))
        if pending.state.custom:
            return Proven(Entry(pool, client, user))
        return attempt.signed_in(tx, self.name, Entry(pool, client, user), now)


def _start(verifier: srp.Verifier, srp_a: str) -> srp.ServerSession:
    try:
        return srp.start(verifier, srp_a)
    except srp.SrpError:
        raise InvalidParameter(messages.INVALID_SRP_A) from None


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


def _placeholder_verifier(key: bytes, pool: UserPool, username: str) -> tuple[srp.Verifier, bytes]:
    """A verifier no password matches, for a name that has none, and the keyed digest it comes
    from (reliability.md §1.6).

    The salt is a keyed function of (pool, name), so asking twice gives the same answer, as for
    a real user. ``v`` is a keyed pseudo-random number below ``N``, not ``g^x`` for some known
    ``x``: nobody can compute a proof against it, and making it costs no modular power, so the
    challenge takes as long as a real user's.
    """
    seed = hmac.new(
        key, f"{pool.id}\x00{username}".encode("utf-8", "surrogatepass"), hashlib.sha256
    )
    digest_bytes = seed.digest()
    salt = digest_bytes[: srp.SALT_BYTES]
    wide = hashlib.shake_256(b"srp-placeholder-verifier\x00" + digest_bytes)
    value = int.from_bytes(wide.digest(_PLACEHOLDER_BYTES), "big") % srp.N
    return srp.Verifier(salt=salt, verifier=value or 1), digest_bytes


def _simulated_challenge(key: bytes, pool: UserPool, username: str, srp_a: str) -> Outcome:
    """A PASSWORD_VERIFIER challenge for a name with no usable verifier (reliability.md §1.6).

    The salt and the user id are keyed functions of (pool, name) (:func:`_placeholder_verifier`);
    ``SRP_B`` and the block are random. The block is never stored, so the answer fails with the
    same error as a wrong password.
    """
    fake, digest_bytes = _placeholder_verifier(key, pool, username)
    exchange = _start(fake, srp_a)
    # What a real user would show: the username itself, or, when the name typed is an email
    # or phone sign-in name, a username that is not that name (a UUID, as generated ones are).
    user_id = username
    if pool.config.username_attribute_names or names_an_alias(pool, username):
        user_id = str(uuid.UUID(bytes=digest_bytes[16:32], version=4))
    return Outcome(challenge=PASSWORD_VERIFIER, parameters=exchange.challenge_parameters(user_id))


FLOW = SrpFlow()
CHALLENGE = PasswordVerifier()
