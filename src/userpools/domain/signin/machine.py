"""The sign-in state machine, declared: which strategies exist, and which step may follow which.

``TRANSITIONS`` maps a flow or a challenge to what may come after it, in order. After a first
factor (a password, an SRP proof) the steps are rules tried in that order: the first follow-up
due for the user (``FollowUp.begin``) is the next challenge, and ``TOKENS`` ends the sign-in.
A challenge entered along an edge the table lacks is a bug: :meth:`StateMachine.check` refuses
it. ``docs/auth-flows.md`` draws this table (``tools/gen_auth_diagram.py``).

Adding a challenge is one module with its strategy (and its session state), plus rows here:
its registration, its own row, and its place in the rows it may follow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, TypeVar

from userpools.domain import token_hooks
from userpools.domain.signin import (
    codes,
    custom_auth,
    mfa,
    new_password,
    password,
    refresh,
    srp,
    user_auth,
)
from userpools.domain.signin.strategy import Attempt, Challenge, Entry, Flow, FollowUp, Step
from userpools.domain.store import Transaction

#: The end of a sign-in: tokens.
TOKENS = "TOKENS"
#: PreTokenGeneration's source for tokens right after ``NEW_PASSWORD_REQUIRED``.
NEW_PASSWORD_SOURCE = "TokenGeneration_NewPasswordChallenge"

#: The MFA steps (``mfa.py``), tried in this order; ``domain.mfa.due`` picks at most one.
MFA_STEPS = ("MFA_SETUP", "SELECT_MFA_TYPE", "SOFTWARE_TOKEN_MFA", "SMS_MFA", "EMAIL_OTP")

#: What may follow a correct first factor, tried in this order.
AFTER_FIRST_FACTOR = ("NEW_PASSWORD_REQUIRED", *MFA_STEPS, TOKENS)

TRANSITIONS: Mapping[str, tuple[str, ...]] = {
    "USER_PASSWORD_AUTH": AFTER_FIRST_FACTOR,
    "ADMIN_USER_PASSWORD_AUTH": AFTER_FIRST_FACTOR,
    "USER_SRP_AUTH": ("PASSWORD_VERIFIER",),
    # After CUSTOM_WITH_SRP's proof, DefineAuthChallenge may ask for a CUSTOM_CHALLENGE.
    "PASSWORD_VERIFIER": (*AFTER_FIRST_FACTOR[:-1], "CUSTOM_CHALLENGE", TOKENS),
    "NEW_PASSWORD_REQUIRED": (*MFA_STEPS, TOKENS),
    "REFRESH_TOKEN_AUTH": (TOKENS,),
    "MFA_SETUP": ("EMAIL_OTP", TOKENS),
    "SELECT_MFA_TYPE": ("SOFTWARE_TOKEN_MFA", "SMS_MFA", "EMAIL_OTP"),
    "SOFTWARE_TOKEN_MFA": (TOKENS,),
    "SMS_MFA": (TOKENS,),
    "EMAIL_OTP": (TOKENS,),
    "SMS_OTP": (TOKENS,),
    # USER_AUTH (user_auth.py): a choice of first factor, not rules; PASSWORD is passed at
    # once when the password comes with it, and PASSWORD_SRP with SRP_A.
    "USER_AUTH": (
        "SELECT_CHALLENGE",
        "PASSWORD",
        "PASSWORD_SRP",
        "PASSWORD_VERIFIER",
        "EMAIL_OTP",
        "SMS_OTP",
    ),
    "SELECT_CHALLENGE": ("PASSWORD", "PASSWORD_SRP", "PASSWORD_VERIFIER", "EMAIL_OTP", "SMS_OTP"),
    "PASSWORD": AFTER_FIRST_FACTOR,
    "PASSWORD_SRP": ("PASSWORD_VERIFIER",),
    # CUSTOM_AUTH (custom_auth.py): DefineAuthChallenge decides, outside the transaction,
    # between another CUSTOM_CHALLENGE and tokens; with SRP_A (CUSTOM_WITH_SRP), first
    # PASSWORD_VERIFIER.
    "CUSTOM_AUTH": ("PASSWORD_VERIFIER", "CUSTOM_CHALLENGE", TOKENS),
    "CUSTOM_CHALLENGE": ("CUSTOM_CHALLENGE", TOKENS),
}

#: Wire names that mean the same flow.
ALIASES: Mapping[str, str] = {
    "REFRESH_TOKEN": "REFRESH_TOKEN_AUTH",
    "ADMIN_NO_SRP_AUTH": "ADMIN_USER_PASSWORD_AUTH",
}


#: The strategies, registered.
FLOWS: tuple[Flow, ...] = (
    password.USER_PASSWORD_AUTH,
    password.ADMIN_USER_PASSWORD_AUTH,
    srp.FLOW,
    refresh.FLOW,
    user_auth.FLOW,
    custom_auth.FLOW,
)
CHALLENGES: tuple[Challenge, ...] = (
    srp.PasswordVerifier(custom=custom_auth.after_password),
    new_password.CHALLENGE,
    codes.SMS_MFA,
    codes.EMAIL_OTP,
    codes.SMS_OTP,
    *mfa.CHALLENGES,
    user_auth.SELECT,
    user_auth.PASSWORD_CHALLENGE,
    user_auth.PASSWORD_SRP_CHALLENGE,
    custom_auth.CHALLENGE,
)
FOLLOW_UPS: tuple[FollowUp, ...] = (
    new_password.CHALLENGE,
    *mfa.FOLLOW_UPS,
    custom_auth.CHALLENGE,
    custom_auth.SRP_VERIFIER,
)


class _Named(Protocol):
    @property
    def name(self) -> str: ...


N = TypeVar("N", bound=_Named)


def _by_name(strategies: tuple[N, ...]) -> dict[str, N]:
    return {strategy.name: strategy for strategy in strategies}


class UndeclaredStep(AssertionError):
    """A strategy took a step the table does not declare: a bug, never a client's fault."""


@dataclass(frozen=True)
class StateMachine:
    flows: Mapping[str, Flow]
    challenges: Mapping[str, Challenge]
    follow_ups: Mapping[str, FollowUp]
    transitions: Mapping[str, tuple[str, ...]]
    aliases: Mapping[str, str]

    def check(self, source: str, target: str) -> None:
        if target not in self.transitions.get(source, ()):
            raise UndeclaredStep(f"{source} -> {target} is not in the table")

    def advance(
        self, tx: Transaction, attempt: Attempt, source: str, entry: Entry, now: float
    ) -> Step:
        """After ``source`` passed: the first of its successors that applies."""
        for target in self.transitions.get(source, ()):
            if target == TOKENS:
                source_name = NEW_PASSWORD_SOURCE if source == "NEW_PASSWORD_REQUIRED" else None
                if attempt.caller.on_page:
                    source_name = token_hooks.PAGE_SIGN_IN
                grant = attempt.tokens.grant(
                    tx,
                    entry.pool,
                    entry.client,
                    entry.user,
                    now=now,
                    source=source_name,
                    metadata=attempt.step_metadata,
                )
                return Step(grant=grant)
            follow_up = self.follow_ups.get(target)
            if follow_up is None:
                raise UndeclaredStep(f"{target} is not a follow-up, yet follows {source}")
            step = follow_up.begin(tx, attempt, source, entry, now)
            if step is not None:
                return step
        raise UndeclaredStep(f"nothing ends the steps after {source}")

    def problems(self) -> list[str]:
        """What makes the table and the registries disagree (``[]`` when they agree)."""
        found = []
        states = {*self.flows, *self.challenges}
        found += [f"{name} has no row" for name in sorted(states - set(self.transitions))]
        found += [f"{name} is not registered" for name in sorted(set(self.transitions) - states)]
        for source, targets in self.transitions.items():
            if not targets:
                found.append(f"{source} leads nowhere")
            if TOKENS in targets[:-1]:
                found.append(f"{source}: {TOKENS} hides what comes after it")
            rules = TOKENS in targets  # rules end in tokens; a row without is a choice
            for target in targets:
                if target != TOKENS and target not in self.challenges:
                    found.append(f"{source} -> {target}: no such challenge")
                elif rules and target != TOKENS and target not in self.follow_ups:
                    found.append(f"{source} -> {target}: not a follow-up")
        for name in set(self.aliases.values()) - set(self.flows):
            found.append(f"alias of an unknown flow: {name}")
        return found


SIGN_IN = StateMachine(
    flows=_by_name(FLOWS),
    challenges=_by_name(CHALLENGES),
    follow_ups=_by_name(FOLLOW_UPS),
    transitions=TRANSITIONS,
    aliases=ALIASES,
)
