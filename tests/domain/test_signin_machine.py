"""The sign-in state machine: the table and the registry agree, the rules after a first factor
are tried in the table's order, and a step the table does not declare fails."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest

from userpools.crypto import srp
from userpools.domain.clients import FLOW_SETTINGS
from userpools.domain.signin.machine import SIGN_IN, TOKENS, StateMachine, UndeclaredStep
from userpools.domain.signin.new_password import NewPasswordState
from userpools.domain.signin.srp import VerifierState
from userpools.domain.signin.strategy import Outcome, Step


def test_sign_in_table_agrees_with_the_registry() -> None:
    assert SIGN_IN.problems() == []


def test_sign_in_flows_are_those_a_client_can_allow() -> None:
    assert set(SIGN_IN.flows) == set(FLOW_SETTINGS)
    assert set(SIGN_IN.aliases.values()) <= set(SIGN_IN.flows)


def test_sign_in_table_problems_are_found() -> None:
    rows = dict(SIGN_IN.transitions)
    rows["USER_PASSWORD_AUTH"] = ("SELECT_CHALLENGE", TOKENS)  # not a follow-up
    rows["NEW_PASSWORD_REQUIRED"] = (TOKENS, "DEVICE_PASSWORD_VERIFIER")  # unknown, and hidden
    del rows["REFRESH_TOKEN_AUTH"]
    rows["DEVICE_SRP_AUTH"] = ()
    broken = dataclasses.replace(SIGN_IN, transitions=rows)
    assert broken.problems() == [
        "REFRESH_TOKEN_AUTH has no row",
        "DEVICE_SRP_AUTH is not registered",
        "USER_PASSWORD_AUTH -> SELECT_CHALLENGE: not a follow-up",
        "NEW_PASSWORD_REQUIRED: TOKENS hides what comes after it",
        "NEW_PASSWORD_REQUIRED -> DEVICE_PASSWORD_VERIFIER: no such challenge",
        "DEVICE_SRP_AUTH leads nowhere",
    ]


def test_sign_in_undeclared_step_fails() -> None:
    SIGN_IN.check("USER_SRP_AUTH", "PASSWORD_VERIFIER")
    SIGN_IN.check("PASSWORD_VERIFIER", "NEW_PASSWORD_REQUIRED")
    with pytest.raises(UndeclaredStep):
        SIGN_IN.check("USER_SRP_AUTH", "NEW_PASSWORD_REQUIRED")
    with pytest.raises(UndeclaredStep):
        SIGN_IN.check("NEW_PASSWORD_REQUIRED", "PASSWORD_VERIFIER")


@dataclass(frozen=True)
class _Rule:
    name: str
    due: bool
    when: str = "always"

    def begin(self, tx: Any, attempt: Any, source: str, entry: Any, now: float) -> Step | None:
        return Step(outcome=Outcome(challenge=self.name)) if self.due else None


def _machine(*targets: str, rules: tuple[_Rule, ...]) -> StateMachine:
    follow_ups = {rule.name: rule for rule in rules}
    return StateMachine(
        flows={},
        challenges=follow_ups,
        follow_ups=follow_ups,
        transitions={"FIRST": targets},
        aliases={},
    )


def _advance(machine: StateMachine) -> Step:
    granted = SimpleNamespace(grant=lambda *args, **kwargs: "grant")
    attempt: Any = SimpleNamespace(
        tokens=granted, step_metadata=None, caller=SimpleNamespace(on_page=False)
    )
    entry: Any = SimpleNamespace(pool=None, client=None, user=None)
    return machine.advance(None, attempt, "FIRST", entry, 0.0)


def test_sign_in_rules_after_a_first_factor_go_in_table_order() -> None:
    rules = (_Rule("SETUP", due=False), _Rule("OTP", due=True), _Rule("SMS", due=True))
    step = _advance(_machine("SETUP", "OTP", "SMS", TOKENS, rules=rules))
    assert step.outcome == Outcome(challenge="OTP")
    none_due = (_Rule("SETUP", due=False),)
    assert _advance(_machine("SETUP", TOKENS, rules=none_due)).grant == "grant"


def test_sign_in_rules_must_end_in_follow_ups_or_tokens() -> None:
    with pytest.raises(UndeclaredStep):
        _advance(_machine("PASSWORD_VERIFIER", TOKENS, rules=()))
    with pytest.raises(UndeclaredStep):
        _advance(_machine("SETUP", rules=(_Rule("SETUP", due=False),)))


def test_sign_in_session_states_keep_their_stored_form() -> None:
    """Sessions in flight survive a restart or a node of the previous version."""
    assert NewPasswordState().encode() == "{}"
    assert NewPasswordState.decode("{}") == NewPasswordState()
    verifier = srp.make_verifier("pool", "alice", "pw", salt=b"\x01" * 16)
    exchange = srp.start(verifier, f"{pow(srp.G, 12345, srp.N):x}")
    state = VerifierState(exchange)
    assert state.encode() == exchange.to_json()
    assert VerifierState.decode(state.encode()) == state
