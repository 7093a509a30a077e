"""Lock-out after failed sign-ins (``userpools.domain.lockout``), cognito-spec §9.2.

Pure functions, no server: the schedule, the lock's boundaries, forgetting, clearing, and a
property over any sequence of attempts. (Named ``test_lockout_rules`` because
``tests/api/test_lockout.py`` already takes the module name ``test_lockout``: these test
directories are not packages.)
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from userpools.domain.lockout import (
    ATTEMPTS_EXCEEDED,
    FORGET_AFTER_SECONDS,
    MAX_LOCK_SECONDS,
    MAX_WAIT_SECONDS,
    Turn,
    failed,
    failures_left,
    is_locked,
    lock_seconds,
    pauses,
    succeeded,
    turn,
)
from userpools.domain.models import User, UserStatus

T0 = 1_800_000_000.0


def user(**changes: object) -> User:
    base = User(
        key=1,
        username="alice",
        username_key="alice",
        sub="7d9f1c7e-0000-4000-8000-000000000001",
        status=UserStatus.CONFIRMED,
        enabled=True,
        attributes=(("email", "alice@example.com"),),
        mfa_options=(),
        created_at=T0 - 100,
        updated_at=T0 - 100,
        password_hash="$argon2id$stand-in",
        tokens_valid_after=T0 - 50,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def fail_times(start: User, *moments: float) -> User:
    current = start
    for moment in moments:
        current = failed(current, moment)
    return current


# --- the schedule: 2^(n-5) s from the fifth failure, at most 15 minutes -------------------------

SCHEDULE = {
    1: 0,
    2: 0,
    3: 0,
    4: 0,
    5: 1,
    6: 2,
    7: 4,
    8: 8,
    9: 16,
    10: 32,
    11: 64,
    12: 128,
    13: 256,
    14: 512,
    15: 900,  # 1024 capped
    16: 900,
    17: 900,
    18: 900,
    19: 900,
    20: 900,
}


@pytest.mark.parametrize(("failures", "seconds"), sorted(SCHEDULE.items()))
def test_lock_seconds_schedule(failures: int, seconds: float) -> None:
    assert lock_seconds(failures) == seconds


def test_lock_seconds_constants() -> None:
    assert (MAX_LOCK_SECONDS, FORGET_AFTER_SECONDS) == (900.0, 900.0)
    assert ATTEMPTS_EXCEEDED == "Password attempts exceeded"
    assert lock_seconds(0) == 0
    assert lock_seconds(10_000) == MAX_LOCK_SECONDS  # no overflow for absurd counts


@pytest.mark.parametrize(("failures", "seconds"), sorted(SCHEDULE.items()))
def test_failed_locks_per_schedule(failures: int, seconds: float) -> None:
    """Failures one second apart (never quiet long enough to forget) land on the schedule."""
    before = fail_times(user(), *(T0 + i for i in range(failures - 1)))
    now = T0 + failures - 1
    after = failed(before, now)
    assert after.failed_attempts == failures
    assert after.last_failure_at == now
    assert after.locked_until == (now + seconds if seconds else None)


# --- is_locked: the boundaries -----------------------------------------------------------------


def test_is_locked_boundaries() -> None:
    assert not is_locked(user(), T0)
    locked = user(failed_attempts=5, last_failure_at=T0, locked_until=T0 + 1)
    assert is_locked(locked, T0)
    assert is_locked(locked, T0 + 0.999)
    assert not is_locked(locked, T0 + 1)  # the lock ends at locked_until exactly
    assert not is_locked(locked, T0 + 2)
    # A clock that went backwards still sees the lock.
    assert is_locked(locked, T0 - 10)


def test_five_failures_in_one_instant_lock_for_one_second() -> None:
    after = fail_times(user(), *([T0] * 5))
    assert (after.failed_attempts, after.locked_until) == (5, T0 + 1)
    assert is_locked(after, T0)
    assert not is_locked(after, T0 + 1)
    assert not is_locked(fail_times(user(), *([T0] * 4)), T0)


def test_failed_changes_nothing_but_the_counter() -> None:
    before = user()
    after = failed(before, T0)
    assert dataclasses.replace(
        after, failed_attempts=0, last_failure_at=None, locked_until=None
    ) == dataclasses.replace(before)


# --- forgetting after 15 quiet minutes ---------------------------------------------------------


def test_fifteen_quiet_minutes_forget_the_count() -> None:
    four = fail_times(user(), *([T0] * 4))
    just_before = failed(four, T0 + FORGET_AFTER_SECONDS - 0.001)
    assert (just_before.failed_attempts, just_before.locked_until) == (
        5,
        T0 + FORGET_AFTER_SECONDS - 0.001 + 1,
    )
    at = failed(four, T0 + FORGET_AFTER_SECONDS)
    assert (at.failed_attempts, at.locked_until) == (1, None)


def test_quiet_time_counts_from_the_last_failure() -> None:
    """Each failure restarts the quiet spell: failures 14 minutes apart never forget."""
    spaced = fail_times(user(), *(T0 + i * 840 for i in range(6)))
    assert spaced.failed_attempts == 6
    assert spaced.locked_until == T0 + 5 * 840 + 2


def test_after_a_capped_lock_the_next_failure_starts_again() -> None:
    """The cap and the quiet spell are both 15 minutes: the earliest failure after a capped
    lock comes after 15 quiet minutes, so it counts from one again (never a permanent lock)."""
    fifteen = fail_times(user(), *([T0] * 15))
    assert fifteen.locked_until == T0 + MAX_LOCK_SECONDS
    after = failed(fifteen, fifteen.locked_until)
    assert (after.failed_attempts, after.locked_until) == (1, None)


# --- succeeded clears --------------------------------------------------------------------------


def test_succeeded_clears_the_counter_and_the_lock() -> None:
    locked = fail_times(user(), *([T0] * 9))
    assert locked.locked_until is not None
    cleared = succeeded(locked)
    assert (cleared.failed_attempts, cleared.last_failure_at, cleared.locked_until) == (
        0,
        None,
        None,
    )
    assert dataclasses.replace(cleared) == dataclasses.replace(user())
    again = fail_times(cleared, *([T0 + 10] * 4))  # a fresh count: four more do not lock
    assert not is_locked(again, T0 + 10)


def test_succeeded_on_a_clean_user_is_a_no_op() -> None:
    assert succeeded(user()) == user()


# --- a property over any sequence of attempts ----------------------------------------------------

#: (seconds since the previous attempt, whether the password is right)
ATTEMPTS = st.lists(
    st.tuples(
        st.one_of(
            st.just(0.0),
            st.floats(min_value=0, max_value=2 * FORGET_AFTER_SECONDS, allow_nan=False),
            st.sampled_from([0.5, 1.0, 2.0, 512.0, 899.999, 900.0, 900.001]),
        ),
        st.booleans(),
    ),
    max_size=80,
)


@given(ATTEMPTS)
def test_lock_property_over_any_sequence(attempts: list[tuple[float, bool]]) -> None:
    """Driven the way the password paths drive it: a locked user's attempt is refused and
    changes nothing; otherwise a wrong password counts and a right one clears.

    The lock never exceeds 15 minutes, never starts before the fifth consecutive failure
    (consecutive: no success between, no 15-minute quiet spell between), and refused attempts
    never lengthen it. No hour admits more than 100 counted failures (ASVS 2.2.1).
    """
    state = user()
    now = T0
    streak = 0  # the model's own count of consecutive failures
    last_failure: float | None = None
    counted: list[float] = []
    for step, right in attempts:
        now += step
        if is_locked(state, now):
            assert state.locked_until is not None and state.locked_until - now <= MAX_LOCK_SECONDS
            continue  # refused with ATTEMPTS_EXCEEDED, nothing recorded
        if right:
            state, streak, last_failure = succeeded(state), 0, None
            assert state.locked_until is None and state.failed_attempts == 0
            continue
        if last_failure is not None and now - last_failure >= FORGET_AFTER_SECONDS:
            streak = 0
        streak += 1
        last_failure = now
        counted.append(now)
        state = failed(state, now)
        assert state.failed_attempts == streak
        if streak < 5:
            assert state.locked_until is None
        else:
            assert state.locked_until is not None
            assert 1 <= state.locked_until - now <= MAX_LOCK_SECONDS
        assert sum(1 for moment in counted if now - moment < 3600) <= 100


# --- checks in flight: the failures left and whose turn it is -----------------------------------


def test_failures_left() -> None:
    assert failures_left(user(), T0) == 5
    assert failures_left(fail_times(user(), *([T0] * 3)), T0) == 2
    assert failures_left(fail_times(user(), *([T0] * 4)), T0) == 1
    five = fail_times(user(), *([T0] * 5))
    assert failures_left(five, T0 + 0.5) == 0  # locked
    assert failures_left(five, T0 + 1) == 1  # the next failure locks again
    assert failures_left(five, T0 + FORGET_AFTER_SECONDS) == 5  # forgotten


def test_turn() -> None:
    three = fail_times(user(), *([T0] * 3))
    assert turn(three, 0, T0) is Turn.GO
    assert turn(three, 1, T0) is Turn.GO
    assert turn(three, 2, T0) is Turn.WAIT
    assert turn(three, 9, T0 + FORGET_AFTER_SECONDS) is Turn.WAIT
    assert turn(three, 4, T0 + FORGET_AFTER_SECONDS) is Turn.GO
    five = fail_times(user(), *([T0] * 5))
    assert turn(five, 0, T0) is Turn.LOCKED


def test_pauses_double_to_a_cap_and_stay_within_the_wait() -> None:
    waits = list(pauses())
    assert waits[:4] == [0.005, 0.01, 0.02, 0.04]
    assert max(waits) == 0.2
    assert MAX_WAIT_SECONDS - 0.2 < sum(waits) <= MAX_WAIT_SECONDS


@pytest.mark.parametrize("counted", range(9))
def test_parallel_wrong_guesses_get_exactly_the_failures_left(counted: int) -> None:
    """Twenty guesses at once after ``counted`` failures (any lock run out): as many start as
    there are failures left, the rest wait; once those fail, the user is locked."""
    now = T0 + lock_seconds(counted)
    state = fail_times(user(), *([T0] * counted))
    running = 0
    for _ in range(20):
        if turn(state, running, now) is Turn.GO:
            running += 1
    assert running == failures_left(state, now) == max(1, 5 - counted)
    for _ in range(running):
        state = failed(state, now)
    assert turn(state, 0, now) is Turn.LOCKED


#: What happens next to a user's checks: one starts (its password right or not), one in flight
#: ends (which: an index), or time passes.
EVENTS = st.lists(
    st.one_of(
        st.tuples(st.just("start"), st.booleans()),
        st.tuples(st.just("end"), st.integers(min_value=0, max_value=30)),
        st.tuples(
            st.just("time"),
            st.one_of(
                st.floats(min_value=0, max_value=2 * FORGET_AFTER_SECONDS, allow_nan=False),
                st.sampled_from([0.5, 1.0, 2.0]),
            ),
        ),
    ),
    max_size=120,
)


@given(EVENTS, st.integers(min_value=0, max_value=8))
def test_checks_in_flight_never_outnumber_the_failures_left(
    events: list[tuple[str, object]], counted: int
) -> None:
    """Driven the way ``domain/password_checks.py`` drives it: a check starts only on
    ``Turn.GO`` and ends, in any order, by recording its outcome. Then, however they
    interleave: checks in flight never outnumber the failures left; a check waits only while
    some are in flight (it is never stuck); no failure is recorded against a locked user, so
    none lengthens a lock; and a right password is refused only by a lock."""
    now = T0 + lock_seconds(counted)
    state = fail_times(user(), *([T0] * counted))
    in_flight: list[bool] = []  # whether each running check's password is right
    for kind, value in events:
        if kind == "start":
            verdict = turn(state, len(in_flight), now)
            if verdict is Turn.GO:
                in_flight.append(bool(value))
            elif verdict is Turn.WAIT:
                assert not is_locked(state, now) and in_flight
            else:
                assert is_locked(state, now)
        elif kind == "end" and in_flight:
            assert isinstance(value, int)
            right = in_flight.pop(value % len(in_flight))
            if right:
                state = succeeded(state)
            else:
                assert not is_locked(state, now)
                state = failed(state, now)
        elif kind == "time":
            assert isinstance(value, float)
            now += value
        assert len(in_flight) <= failures_left(state, now)
