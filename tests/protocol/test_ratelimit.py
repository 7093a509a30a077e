"""Request-rate limits per quota category: the §8.1 table, parsing, and the token buckets."""

from __future__ import annotations

import sys
import threading
from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from userpools.protocol.model import service_model
from userpools.protocol.ratelimit import (
    AWS_DEFAULTS,
    CATEGORIES,
    CATEGORY_NAMES,
    OPERATION_CATEGORY,
    RateLimiter,
    category_of,
    parse_limits,
)


class FakeClock:
    """A monotonic clock that moves only when told to."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def allowed(limiter: RateLimiter, operation: str, times: int) -> int:
    return sum(limiter.allow(operation) for _ in range(times))


# --- the table ----------------------------------------------------------------------------

# The operations §8.1 prints in bold (this project's scope) and their categories.
IN_SCOPE = {
    "InitiateAuth": "UserAuthentication",
    "AdminInitiateAuth": "UserAuthentication",
    "RespondToAuthChallenge": "UserAuthenticationChallenge",
    "AdminRespondToAuthChallenge": "UserAuthenticationChallenge",
    "SignUp": "UserCreation",
    "ConfirmSignUp": "UserCreation",
    "AdminCreateUser": "UserCreation",
    "AdminConfirmSignUp": "UserCreation",
    "ChangePassword": "UserAccountRecovery",
    "ConfirmForgotPassword": "UserAccountRecovery",
    "ForgotPassword": "UserAccountRecovery",
    "AdminResetUserPassword": "UserAccountRecovery",
    "AdminSetUserPassword": "UserAccountRecovery",
    "AdminGetUser": "UserRead",
    "GetUser": "UserRead",
    "AdminAddUserToGroup": "UserUpdate",
    "AdminDeleteUserAttributes": "UserUpdate",
    "AdminUpdateUserAttributes": "UserUpdate",
    "AdminDeleteUser": "UserUpdate",
    "AdminDisableUser": "UserUpdate",
    "AdminEnableUser": "UserUpdate",
    "AdminUserGlobalSignOut": "UserUpdate",
    "GlobalSignOut": "UserUpdate",
    "AdminRemoveUserFromGroup": "UserUpdate",
    "RevokeToken": "UserToken",
    "AdminListGroupsForUser": "UserResourceRead",
    "AdminSetUserSettings": "UserResourceUpdate",
    "ListUsers": "UserList",
    "ListUsersInGroup": "UserList",
    "DescribeUserPool": "UserPoolRead",
    "ListUserPools": "UserPoolRead",
    "CreateUserPool": "UserPoolUpdate",
    "UpdateUserPool": "UserPoolUpdate",
    "DeleteUserPool": "UserPoolUpdate",
    "GetGroup": "UserPoolResourceRead",
    "ListGroups": "UserPoolResourceRead",
    "CreateGroup": "UserPoolResourceUpdate",
    "UpdateGroup": "UserPoolResourceUpdate",
    "DeleteGroup": "UserPoolResourceUpdate",
    "DescribeUserPoolClient": "UserPoolClientRead",
    "ListUserPoolClients": "UserPoolClientRead",
    "CreateUserPoolClient": "UserPoolClientUpdate",
    "DeleteUserPoolClient": "UserPoolClientUpdate",
}

# Model operations §8.1 does not list (newer than the quota page): unlimited.
UNCATEGORISED = {
    "AddUserPoolClientSecret",
    "CompleteWebAuthnRegistration",
    "CreateTerms",
    "DeleteTerms",
    "DeleteUserPoolClientSecret",
    "DeleteWebAuthnCredential",
    "DescribeTerms",
    "GetLogDeliveryConfiguration",
    "GetUserAuthFactors",
    "ListTerms",
    "ListUserPoolClientSecrets",
    "ListWebAuthnCredentials",
    "SetLogDeliveryConfiguration",
    "StartWebAuthnRegistration",
    "UpdateTerms",
}


def test_every_category_operation_is_a_model_operation() -> None:
    model_operations = set(service_model().operation_names)
    for category in CATEGORIES:
        assert category.operations <= model_operations, category.name


def test_no_operation_is_in_two_categories() -> None:
    counts = Counter(operation for category in CATEGORIES for operation in category.operations)
    assert [operation for operation, count in counts.items() if count > 1] == []
    assert len(OPERATION_CATEGORY) == sum(counts.values())


def test_category_names_are_unique_and_ordered_as_the_table() -> None:
    assert len(set(CATEGORY_NAMES)) == len(CATEGORIES)
    assert tuple(category.name for category in CATEGORIES) == CATEGORY_NAMES
    assert tuple(AWS_DEFAULTS) == CATEGORY_NAMES


@pytest.mark.parametrize(
    ("name", "rps", "adjustable"),
    [
        ("UserAuthentication", 120, True),
        ("UserCreation", 50, True),
        ("UserFederation", 25, True),
        ("UserAccountRecovery", 30, False),
        ("UserRead", 120, True),
        ("UserUpdate", 25, False),
        ("UserToken", 120, True),
        ("UserResourceRead", 50, True),
        ("UserResourceUpdate", 25, False),
        ("UserList", 30, False),
        ("UserPoolRead", 15, False),
        ("UserPoolUpdate", 15, False),
        ("UserPoolResourceRead", 20, False),
        ("UserPoolResourceUpdate", 15, False),
        ("UserPoolClientRead", 15, False),
        ("UserPoolClientUpdate", 15, False),
        ("ClientAuthentication", 150, False),
        ("LimitManagement", 1, False),
    ],
)
def test_figures_match_section_8_1(name: str, rps: float, adjustable: bool) -> None:
    category = CATEGORIES[CATEGORY_NAMES.index(name)]
    assert (category.default_rps, category.adjustable) == (rps, adjustable)


def test_challenge_allowance_is_three_times_user_authentication() -> None:
    assert AWS_DEFAULTS["UserAuthenticationChallenge"] == 3 * AWS_DEFAULTS["UserAuthentication"]


def test_in_scope_operations_have_their_section_8_1_category() -> None:
    assert {operation: category_of(operation) for operation in IN_SCOPE} == IN_SCOPE


def test_operations_not_in_the_table_are_unlimited() -> None:
    model_operations = set(service_model().operation_names)
    assert model_operations - set(OPERATION_CATEGORY) == UNCATEGORISED
    assert category_of("GetUserAuthFactors") is None
    assert category_of("NoSuchOperation") is None


def test_a_few_non_scope_operations() -> None:
    assert category_of("GetTokensFromRefreshToken") == "UserAuthentication"
    assert category_of("ResendConfirmationCode") == "UserResourceRead"
    assert category_of("TagResource") == "UserPoolResourceUpdate"
    assert category_of("DescribeManagedLoginBrandingByClient") == "UserPoolResourceRead"
    assert category_of("UpdateUserPoolClient") == "UserPoolClientUpdate"


# --- parse_limits -------------------------------------------------------------------------


def test_parse_explicit_categories() -> None:
    assert parse_limits(["UserList=30", "UserRead=2.5"]) == {"UserRead": 2.5, "UserList": 30.0}


def test_parse_nothing_limits_nothing() -> None:
    assert parse_limits([]) == {}


def test_parse_aws_is_every_default() -> None:
    assert parse_limits(["aws"]) == dict(AWS_DEFAULTS)
    assert set(parse_limits(["AWS"])) == set(CATEGORY_NAMES)


@pytest.mark.parametrize("specs", [["aws", "UserList=5"], ["UserList=5", "aws"]])
def test_parse_explicit_entries_win_over_aws_in_any_order(specs: list[str]) -> None:
    assert parse_limits(specs) == {**AWS_DEFAULTS, "UserList": 5.0}


def test_parse_later_entry_for_a_category_wins() -> None:
    assert parse_limits(["UserList=1", "UserList=2"]) == {"UserList": 2.0}


def test_parse_is_case_insensitive_and_trims() -> None:
    assert parse_limits([" userlist = 7 ", "USERREAD=1"]) == {"UserRead": 1.0, "UserList": 7.0}


def test_parse_accepts_comma_separated_entries_and_a_single_string() -> None:
    assert parse_limits(["UserList=1,UserRead=2"]) == {"UserRead": 2.0, "UserList": 1.0}
    assert parse_limits("UserList=1") == {"UserList": 1.0}
    assert parse_limits("aws") == dict(AWS_DEFAULTS)


def test_parse_challenge_allowance_follows_user_authentication() -> None:
    assert parse_limits(["UserAuthentication=10"]) == {
        "UserAuthentication": 10.0,
        "UserAuthenticationChallenge": 30.0,
    }
    assert parse_limits(["aws", "UserAuthentication=10"])["UserAuthenticationChallenge"] == 30.0


def test_parse_explicit_challenge_allowance_wins() -> None:
    for specs in (
        ["UserAuthentication=10", "UserAuthenticationChallenge=7"],
        ["UserAuthenticationChallenge=7", "UserAuthentication=10"],
    ):
        assert parse_limits(specs) == {
            "UserAuthentication": 10.0,
            "UserAuthenticationChallenge": 7.0,
        }
    assert parse_limits(["UserAuthenticationChallenge=7"]) == {"UserAuthenticationChallenge": 7.0}


@pytest.mark.parametrize("spec", ["Nope=1", "User=1", "=5", "UserLists=3"])
def test_parse_unknown_category_lists_the_valid_names(spec: str) -> None:
    with pytest.raises(ValueError, match="unknown rate-limit category") as caught:
        parse_limits([spec])
    for name in CATEGORY_NAMES:
        assert name in str(caught.value)
    assert "'aws'" in str(caught.value)


@pytest.mark.parametrize("spec", ["UserList", "", "UserList=1,", "30"])
def test_parse_malformed_entry_lists_the_valid_names(spec: str) -> None:
    with pytest.raises(ValueError, match="CATEGORY=RPS") as caught:
        parse_limits([spec])
    assert "UserList" in str(caught.value)


@pytest.mark.parametrize(
    "value", ["0", "-1", "-0.5", "abc", "", "nan", "inf", "-inf", "1e999", "0x10", "1/2"]
)
def test_parse_rejects_non_positive_or_non_numeric_rates(value: str) -> None:
    with pytest.raises(ValueError, match="UserList must be a positive number"):
        parse_limits([f"UserList={value}"])


# --- the buckets --------------------------------------------------------------------------


def test_burst_of_capacity_then_refusal() -> None:
    limiter = RateLimiter({"UserList": 30}, clock=FakeClock())
    assert allowed(limiter, "ListUsers", 30) == 30
    assert limiter.allow("ListUsers") is False
    assert limiter.allow("ListUsersInGroup") is False  # the same category, the same bucket


def test_refill_is_continuous() -> None:
    clock = FakeClock()
    limiter = RateLimiter({"UserList": 40}, clock=clock)
    assert allowed(limiter, "ListUsers", 100) == 40
    clock.advance(0.125)  # 5 tokens
    assert allowed(limiter, "ListUsers", 100) == 5
    clock.advance(0.0125)  # half a token: not enough yet
    assert limiter.allow("ListUsers") is False
    clock.advance(0.0125)  # the other half
    assert limiter.allow("ListUsers") is True
    assert limiter.allow("ListUsers") is False


def test_almost_a_token_is_not_a_token() -> None:
    clock = FakeClock()
    limiter = RateLimiter({"UserList": 1}, clock=clock)
    assert limiter.allow("ListUsers") is True
    clock.advance(0.9999)
    assert limiter.allow("ListUsers") is False
    clock.advance(0.001)
    assert limiter.allow("ListUsers") is True


def test_refill_stops_at_capacity() -> None:
    clock = FakeClock()
    limiter = RateLimiter({"UserList": 30}, clock=clock)
    assert allowed(limiter, "ListUsers", 30) == 30
    clock.advance(3600)
    assert allowed(limiter, "ListUsers", 100) == 30


def test_rate_below_one_has_a_burst_of_one() -> None:
    clock = FakeClock()
    limiter = RateLimiter({"LimitManagement": 1, "UserList": 0.5}, clock=clock)
    assert allowed(limiter, "ListUsers", 5) == 1
    clock.advance(1)
    assert limiter.allow("ListUsers") is False
    clock.advance(1)
    assert allowed(limiter, "ListUsers", 5) == 1


def test_categories_are_independent() -> None:
    clock = FakeClock()
    limiter = RateLimiter({"UserList": 2, "UserRead": 3}, clock=clock)
    assert allowed(limiter, "ListUsers", 10) == 2
    assert allowed(limiter, "AdminGetUser", 10) == 3
    assert allowed(limiter, "GetUser", 10) == 0
    clock.advance(0.5)
    assert allowed(limiter, "ListUsersInGroup", 10) == 1
    assert allowed(limiter, "GetUser", 10) == 1  # 1.5 tokens
    clock.advance(0.5)
    assert allowed(limiter, "AdminGetUser", 10) == 2  # 0.5 + 1.5


def test_challenge_operations_have_their_own_allowance() -> None:
    limiter = RateLimiter(parse_limits(["UserAuthentication=2"]), clock=FakeClock())
    assert allowed(limiter, "InitiateAuth", 10) == 2
    assert allowed(limiter, "RespondToAuthChallenge", 4) == 4
    assert allowed(limiter, "AdminRespondToAuthChallenge", 10) == 2


def test_operations_without_a_limit_always_pass() -> None:
    limiter = RateLimiter({"UserList": 1}, clock=FakeClock())
    assert allowed(limiter, "ListUsers", 10) == 1
    for operation in ("AdminGetUser", "GetUserAuthFactors", "NoSuchOperation", ""):
        assert allowed(limiter, operation, 1000) == 1000


def test_no_limits_allow_everything() -> None:
    limiter = RateLimiter({}, clock=FakeClock())
    for operation in service_model().operation_names:
        assert allowed(limiter, operation, 50) == 50


def test_categories_without_operations_are_accepted_and_inert() -> None:
    limiter = RateLimiter(parse_limits(["UserFederation=1", "LimitManagement=1"]))
    assert limiter.limits == {"UserFederation": 1.0, "LimitManagement": 1.0}
    assert allowed(limiter, "InitiateAuth", 10) == 10


def test_a_clock_that_steps_back_refills_nothing() -> None:
    clock = FakeClock()
    limiter = RateLimiter({"UserList": 10}, clock=clock)
    assert allowed(limiter, "ListUsers", 10) == 10
    clock.advance(-5)
    assert limiter.allow("ListUsers") is False
    clock.advance(5.25)  # 0.25 s after the last stamp that counted
    assert allowed(limiter, "ListUsers", 10) == 2


def test_the_default_clock_works() -> None:
    limiter = RateLimiter({"UserList": 1})
    assert limiter.allow("ListUsers") is True


def test_limiter_normalises_and_checks_its_limits() -> None:
    assert RateLimiter({"userlist": 3}).limits == {"UserList": 3.0}
    with pytest.raises(ValueError, match="unknown rate-limit category 'Nope'"):
        RateLimiter({"Nope": 1})
    with pytest.raises(ValueError, match="positive"):
        RateLimiter({"UserList": 0})
    with pytest.raises(ValueError, match="positive"):
        RateLimiter({"UserList": float("nan")})


# --- threads ------------------------------------------------------------------------------


@pytest.fixture
def fast_switching() -> Iterator[None]:
    """Switch threads as often as CPython allows, to shake out unlocked updates."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


@pytest.mark.usefixtures("fast_switching")
def test_threads_share_exactly_the_capacity_under_a_frozen_clock() -> None:
    limiter = RateLimiter({"UserList": 50, "UserRead": 120}, clock=FakeClock())
    threads_count, calls = 8, 400
    barrier = threading.Barrier(threads_count)
    results: list[Counter[str]] = []
    results_lock = threading.Lock()

    def worker() -> None:
        mine: Counter[str] = Counter()
        barrier.wait()
        for index in range(calls):
            operation = ("ListUsers", "AdminGetUser", "SignUp")[index % 3]
            mine[operation] += limiter.allow(operation)
        with results_lock:
            results.append(mine)

    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = sum(results, Counter())
    assert total["ListUsers"] == 50
    assert total["AdminGetUser"] == 120
    assert total["SignUp"] == sum(1 for index in range(calls) if index % 3 == 2) * threads_count


# --- properties ---------------------------------------------------------------------------

rates = st.floats(min_value=0.05, max_value=1000, allow_nan=False, allow_infinity=False)
steps = st.lists(
    st.one_of(st.just(0.0), st.floats(min_value=0, max_value=3, allow_nan=False)),
    max_size=150,
)


@settings(deadline=None)
@given(rps=rates, dts=steps, start=st.floats(min_value=0, max_value=1e6))
def test_no_window_admits_more_than_capacity_plus_refill(
    rps: float, dts: list[float], start: float
) -> None:
    clock = FakeClock(start)
    limiter = RateLimiter({"UserList": rps}, clock=clock)
    times: list[float] = []
    admitted: list[int] = []
    for dt in dts:
        clock.advance(dt)
        times.append(clock.now)
        admitted.append(int(limiter.allow("ListUsers")))
    before = [0]
    for flag in admitted:
        before.append(before[-1] + flag)
    capacity = max(1.0, rps)
    for first in range(len(times)):
        for last in range(first, len(times)):
            count = before[last + 1] - before[first]
            bound = capacity + rps * (times[last] - times[first])
            assert count <= bound + 1e-6 * max(1.0, bound), (first, last, count, bound)


@settings(deadline=None)
@given(rps=rates, factors=st.lists(st.floats(min_value=1, max_value=5), max_size=100))
def test_calls_spaced_at_the_rate_are_never_refused(rps: float, factors: list[float]) -> None:
    clock = FakeClock()
    limiter = RateLimiter({"UserList": rps}, clock=clock)
    assert allowed(limiter, "ListUsers", int(max(1.0, rps))) == int(max(1.0, rps))
    for factor in factors:
        clock.advance(factor * (1 + 1e-6) / rps)
        assert limiter.allow("ListUsers") is True
