"""SignUp without a password, and the session that signs the user in once confirmed.

Where one-time passwords may sign in, SignUp may leave the password out ("Passwords at
sign-up", https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html):
the user then signs in with a code (``user_auth.py``). For a client that allows ``USER_AUTH``,
SignUp answers a ``Session``; ConfirmSignUp given it answers another, and InitiateAuth
``USER_AUTH`` given that one signs the user in without a second code: the confirmation code
was the first factor (InitiateAuth's and ConfirmSignUp's ``Session`` members, API Reference).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar, Self

from userpools.domain import messages
from userpools.domain.errors import NotAuthorized
from userpools.domain.models import AppClient, User, UserPool
from userpools.domain.signin import sessions
from userpools.domain.store import Transaction

PASSWORD = "PASSWORD"
EMAIL_OTP = "EMAIL_OTP"
SMS_OTP = "SMS_OTP"
#: Where each code factor is sent: the attribute, verified.
CODE_FACTORS = {EMAIL_OTP: "email", SMS_OTP: "phone_number"}


def allowed_factors(pool: UserPool) -> tuple[str, ...]:
    """``SignInPolicy.AllowedFirstAuthFactors``; ``PASSWORD`` alone when unset, as on AWS."""
    policy = pool.config.policies.sign_in_policy
    factors = policy.allowed_first_auth_factors if policy is not None else None
    return factors or (PASSWORD,)


@dataclass(frozen=True)
class SignUpState:
    """Between SignUp and ConfirmSignUp: the user may sign in as soon as the code is given."""

    challenge: ClassVar[str] = "SIGN_UP"

    def encode(self) -> str:
        return "{}"

    @classmethod
    def decode(cls, text: str) -> Self:
        return cls()


@dataclass(frozen=True)
class ConfirmedState:
    """After ConfirmSignUp: its code stands for a first factor (``EMAIL_OTP`` or ``SMS_OTP``,
    where it went) of the next ``USER_AUTH`` sign-in with this session."""

    challenge: ClassVar[str] = "SIGN_UP_CONFIRMED"
    factor: str

    def encode(self) -> str:
        return json.dumps({"factor": self.factor})

    @classmethod
    def decode(cls, text: str) -> Self:
        return cls(str(json.loads(text)["factor"]))


def allows_user_auth(client: AppClient) -> bool:
    return "ALLOW_USER_AUTH" in client.settings.explicit_auth_flows


def passwordless_sign_up(pool: UserPool, client: AppClient, given: Iterable[str]) -> bool:
    """Whether SignUp may leave out the password ("Passwords at sign-up", Developer Guide):
    the client allows ``USER_AUTH``, and the user gives an email address or phone number that
    a one-time-password factor of the pool uses and that the pool verifies automatically."""
    names = set(given)
    allowed = allowed_factors(pool)
    return allows_user_auth(client) and any(
        factor in allowed and name in names and name in pool.config.auto_verified
        for factor, name in CODE_FACTORS.items()
    )


def issue_sign_up_session(
    tx: Transaction, pool: UserPool, client: AppClient, user: User, handle: str, now: float
) -> bool:
    """SignUp's ``Session``, for a client that allows ``USER_AUTH``; whether it was issued."""
    if not allows_user_auth(client):
        return False
    sessions.issue(tx, pool, client, user, SignUpState(), handle, now)
    return True


def confirm_sign_up_session(
    tx: Transaction,
    pool: UserPool,
    client: AppClient,
    user: User,
    given: str | None,
    attribute: str | None,
    handle: str,
    now: float,
) -> bool:
    """After ConfirmSignUp, for a client that allows ``USER_AUTH``: store, as ``handle``, the
    session an InitiateAuth ``USER_AUTH`` may bring instead of a first factor; whether it did.

    SignUp's ``Session`` (``given``) is optional, as Amplify JS never sends it
    (``confirmSignUp`` reads only the answer's); given, it must be this user's, and is used up.
    """
    if given is not None:
        pending = sessions.peek(tx, pool, given, SignUpState)
        if pending is None or pending.client_id != client.client_id:
            raise NotAuthorized(messages.SESSION_INVALID)
        if pending.user_key != user.key:
            raise NotAuthorized(messages.SESSION_INVALID)
        if pending.expired(now):
            raise NotAuthorized(messages.SESSION_EXPIRED)
        if not sessions.spend(tx, pool, given, now):
            raise NotAuthorized(messages.SESSION_USED)
    if not allows_user_auth(client):
        return False
    factor = SMS_OTP if attribute == "phone_number" else EMAIL_OTP
    sessions.issue(tx, pool, client, user, ConfirmedState(factor), handle, now)
    return True
