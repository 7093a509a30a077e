"""Which MFA step a sign-in takes after its first factor (``domain.mfa.choose``), over every
pool configuration and user state: pure functions, no server."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from userpools.domain.mfa import EMAIL, FACTORS, SMS, TOTP, PoolMfa, choose
from userpools.domain.models import User, UserMfa, UserStatus

pools = st.builds(
    PoolMfa,
    mode=st.sampled_from(["OFF", "ON", "OPTIONAL"]),
    sms=st.booleans(),
    totp=st.booleans(),
    email=st.booleans(),
)
states = st.builds(
    UserMfa,
    totp_secret=st.sampled_from([None, b"sealed"]),
    sms_enabled=st.booleans(),
    totp_enabled=st.booleans(),
    email_enabled=st.booleans(),
    preferred=st.sampled_from([None, *FACTORS]),
)


@st.composite
def users(draw: st.DrawFn) -> User:
    attributes = [("sub", "s")]
    if draw(st.booleans()):
        attributes.append(("email", "ann@example.com"))
    if draw(st.booleans()):
        attributes.append(("phone_number", "+15555550123"))
    return User(
        key=1,
        username="ann",
        username_key="ann",
        sub="s",
        status=UserStatus.CONFIRMED,
        enabled=True,
        attributes=tuple(attributes),
        mfa_options=(),
        created_at=0.0,
        updated_at=0.0,
    )


def reachable(state: UserMfa, user: User, factor: str) -> bool:
    if factor == TOTP:
        return state.totp_secret is not None
    return user.attribute("email" if factor == EMAIL else "phone_number") is not None


@given(pools, states, users())
def test_the_step_is_one_the_pool_allows_and_reaches_the_user(
    pool: PoolMfa, state: UserMfa, user: User
) -> None:
    due = choose(pool, state, user)
    if pool.mode == "OFF":
        assert due is None
        return
    enabled = {SMS: state.sms_enabled, TOTP: state.totp_enabled, EMAIL: state.email_enabled}
    usable = [f for f in FACTORS if enabled[f] and f in pool.factors and reachable(state, user, f)]
    if due is None:
        assert pool.mode == "OPTIONAL" and not usable
    elif due.challenge == "SELECT_MFA_TYPE":
        assert list(due.offered) == usable and len(usable) > 1
        assert state.preferred not in usable
    elif due.challenge == "MFA_SETUP":
        assert pool.mode == "ON" and not usable
    else:
        assert due.challenge in pool.factors and reachable(state, user, due.challenge)
        if usable:
            assert due.challenge in usable
            assert due.challenge == state.preferred or len(usable) == 1


@given(pools, states, users())
def test_a_usable_preferred_factor_always_wins(pool: PoolMfa, state: UserMfa, user: User) -> None:
    due = choose(pool, state, user)
    preferred = state.preferred
    enabled = {SMS: state.sms_enabled, TOTP: state.totp_enabled, EMAIL: state.email_enabled}
    if (
        pool.mode != "OFF"
        and preferred is not None
        and enabled[preferred]
        and preferred in pool.factors
        and reachable(state, user, preferred)
    ):
        assert due is not None and due.challenge == preferred
