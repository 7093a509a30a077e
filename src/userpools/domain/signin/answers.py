"""What the MFA and one-time-code challenges share when an answer comes
(``codes.py``, ``mfa.py``): finding the session and its user, counting a wrong code, and
using the session up after a right one.

A wrong code leaves the session as it was, so the user may type the code again, and counts
toward the lock-out exactly as a wrong password does (``domain/lockout.py``): a locked user's
answer is refused with "Password attempts exceeded" whatever the code. A right code uses
the session up; answering it again is refused as a session used twice.
"""

from __future__ import annotations

from userpools.domain import lockout, messages
from userpools.domain.auth_events import record_sign_in
from userpools.domain.errors import DomainError, NotAuthorized
from userpools.domain.lookup import resolve, sign_in_keys
from userpools.domain.models import AppClient, User, UserPool
from userpools.domain.signin import sessions
from userpools.domain.signin.sessions import Pending, S
from userpools.domain.signin.strategy import Attempt, Entry, Step, gate, missing
from userpools.domain.store import Transaction


def handle_of(attempt: Attempt) -> str:
    if attempt.session is None:
        raise missing("Session")
    return attempt.session


def open_session(
    tx: Transaction, attempt: Attempt, kind: type[S], now: float
) -> tuple[UserPool, AppClient, User, Pending[S]]:
    """The pool, client, user and state of the session the answer names, or the refusal:
    a session of another kind (a challenge that was not asked) or another client or user
    is invalid; one answered already was used once."""
    handle = handle_of(attempt)
    username = attempt.required("USERNAME")
    pool, client = attempt.client(tx)
    attempt.check_secret_hash(client, username)
    if sessions.was_used(tx, pool, handle):
        raise NotAuthorized(messages.SESSION_USED)
    pending = sessions.peek(tx, pool, handle, kind)
    if pending is None or pending.client_id != client.client_id:
        raise NotAuthorized(messages.SESSION_INVALID)
    if pending.expired(now):
        raise NotAuthorized(messages.SESSION_EXPIRED)
    user = tx.get_user(pool, pending.user_key)
    named = resolve(tx, pool, username)
    if user is None or named is None or named.key != user.key:
        raise NotAuthorized(messages.SESSION_INVALID)
    gate(user, now)
    return pool, client, user, pending


def refuse(tx: Transaction, pool: UserPool, user: User, error: DomainError, now: float) -> Step:
    """A wrong code: one more failure counted, the session kept; ``error`` is raised after
    the commit."""
    failed = lockout.failed(user, now)
    tx.update_user(pool, failed, sign_in_keys(pool, failed.attributes))
    record_sign_in(tx, pool, user, "Fail", "Failure", now)
    return Step(error=error)


def accept(
    tx: Transaction,
    attempt: Attempt,
    source: str,
    entry: Entry,
    now: float,
) -> Step:
    """A right answer: the session used up, the count cleared, and the next step."""
    if not sessions.spend(tx, entry.pool, handle_of(attempt), now):
        raise NotAuthorized(messages.SESSION_USED)
    user = lockout.succeeded(entry.user)
    tx.update_user(entry.pool, user, sign_in_keys(entry.pool, user.attributes))
    return attempt.signed_in(tx, source, Entry(entry.pool, entry.client, user), now)
