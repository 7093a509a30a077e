"""Optional request-rate limits per quota category, as Amazon Cognito applies them.

Amazon Cognito groups its API operations into request-rate *categories* (UserAuthentication,
UserList, ...), each with a quota in requests per second; a request over the quota is
answered ``TooManyRequestsException`` (HTTP 400). :data:`CATEGORIES` carries the
categories, their AWS default rates and their operations over from
``cognito-spec.md`` §8.1 ("Request-rate categories"), itself from the AWS developer guide
page "Quotas in Amazon Cognito".

Limits are off unless configured. :func:`parse_limits` reads CLI values such as
``UserAuthentication=120`` or ``aws`` (every category at its AWS default);
:class:`RateLimiter` answers, per operation, whether one more request may go ahead. The
dispatcher turns a refusal into the ``TooManyRequestsException`` wire error.

Modelled, and where it departs from AWS:

* One token bucket per category: capacity ``max(1, rps)`` (a burst of one second's
  worth), refilled continuously at ``rps``; a bucket starts full.
* §8.1 footnote 2: RespondToAuthChallenge and AdminRespondToAuthChallenge have their own
  allowance of 3x the UserAuthentication quota. That allowance is the separate category
  ``UserAuthenticationChallenge`` (default 360). AWS also counts the excess against
  UserAuthentication and counts answers to ``NEW_PASSWORD_REQUIRED`` toward
  UserAccountRecovery; neither is modelled, as the limiter sees only the operation name.
  :func:`parse_limits` derives ``UserAuthenticationChallenge`` as 3x
  ``UserAuthentication`` unless it is named explicitly.
* Every model operation is in at most one category; operations in none are unlimited.
  UserFederation, ClientAuthentication and LimitManagement throttle endpoints or
  operations this API model does not have (GetClientToken, GetProvisionedLimit, ...), so
  their operation sets are empty; they are kept so that ``aws`` means every category.
  Other §8.1 names missing from the model (AdminGetUserAuthFactors,
  AdminDeleteSoftwareToken) are left out.
* Quotas are per account and Region at AWS; here one bucket per category serves the whole
  server, all Regions and pools together. The extra 5 RPS per operation per user pool of
  the categories marked ¹ in §8.1 and the per-user rates are not modelled.
* **The limiter is per process.** Each node or worker process keeps its own buckets, so
  with N nodes or workers the effective limit is N times the configured rate. This is a
  deliberate simplification: no shared state, no coordination on the request path.

Which clients retry: botocore in ``standard`` or ``adaptive`` retry mode (the AWS CLI v2
default) treats ``TooManyRequestsException`` as throttling and retries it with back-off;
the ``legacy`` mode (boto3's default) does not (cognito-spec.md §1.4).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

CHALLENGE_MULTIPLIER = 3
"""§8.1 footnote 2: the challenge allowance is this many times UserAuthentication."""


@dataclass(frozen=True, slots=True)
class Category:
    """One request-rate category of §8.1."""

    name: str
    default_rps: float
    """AWS's default quota, in requests per second."""
    adjustable: bool
    """Whether AWS lets an account raise the quota (informational)."""
    operations: frozenset[str]
    """The botocore operation names counted against this category."""


def _category(name: str, rps: float, *, adjustable: bool, operations: str = "") -> Category:
    return Category(name, float(rps), adjustable, frozenset(operations.split()))


#: The categories of cognito-spec.md §8.1, in its order, with AWS's default rates.
CATEGORIES: tuple[Category, ...] = (
    # Managed-login sign-in and MFA steps count here too; this server has no managed login.
    _category(
        "UserAuthentication",
        120,
        adjustable=True,
        operations="InitiateAuth AdminInitiateAuth GetTokensFromRefreshToken",
    ),
    # §8.1 footnote 2: a separate allowance of 3x UserAuthentication for the challenge answers.
    _category(
        "UserAuthenticationChallenge",
        120 * CHALLENGE_MULTIPLIER,
        adjustable=True,
        operations="RespondToAuthChallenge AdminRespondToAuthChallenge",
    ),
    _category(
        "UserCreation",
        50,
        adjustable=True,
        operations="SignUp ConfirmSignUp AdminCreateUser AdminConfirmSignUp",
    ),
    # Identity-provider responses at the federation endpoint: no API operation.
    _category("UserFederation", 25, adjustable=True),
    _category(
        "UserAccountRecovery",
        30,
        adjustable=False,
        operations="ChangePassword ConfirmForgotPassword ForgotPassword"
        " AdminResetUserPassword AdminSetUserPassword",
    ),
    # §8.1 also lists AdminGetUserAuthFactors, which is not in the model.
    _category("UserRead", 120, adjustable=True, operations="AdminGetUser GetUser"),
    _category(
        "UserUpdate",
        25,
        adjustable=False,
        operations="AdminAddUserToGroup AdminDeleteUserAttributes AdminUpdateUserAttributes"
        " AdminDeleteUser AdminDisableUser AdminEnableUser AdminLinkProviderForUser"
        " AdminDisableProviderForUser VerifyUserAttribute DeleteUser DeleteUserAttributes"
        " UpdateUserAttributes AdminUserGlobalSignOut GlobalSignOut AdminRemoveUserFromGroup",
    ),
    _category("UserToken", 120, adjustable=True, operations="RevokeToken"),
    _category(
        "UserResourceRead",
        50,
        adjustable=True,
        operations="AdminGetDevice AdminListGroupsForUser AdminListDevices GetDevice ListDevices"
        " GetUserAttributeVerificationCode ResendConfirmationCode AdminListUserAuthEvents",
    ),
    # §8.1 also lists AdminDeleteSoftwareToken, which is not in the model.
    _category(
        "UserResourceUpdate",
        25,
        adjustable=False,
        operations="AdminForgetDevice AdminUpdateAuthEventFeedback AdminSetUserMFAPreference"
        " AdminSetUserSettings AdminUpdateDeviceStatus UpdateDeviceStatus"
        " UpdateAuthEventFeedback ConfirmDevice SetUserMFAPreference SetUserSettings"
        " VerifySoftwareToken AssociateSoftwareToken ForgetDevice",
    ),
    _category("UserList", 30, adjustable=False, operations="ListUsers ListUsersInGroup"),
    _category("UserPoolRead", 15, adjustable=False, operations="DescribeUserPool ListUserPools"),
    _category(
        "UserPoolUpdate",
        15,
        adjustable=False,
        operations="CreateUserPool UpdateUserPool DeleteUserPool",
    ),
    _category(
        "UserPoolResourceRead",
        20,
        adjustable=False,
        operations="GetGroup ListGroups DescribeIdentityProvider DescribeResourceServer"
        " DescribeUserImportJob DescribeUserPoolDomain GetCSVHeader GetSigningCertificate"
        " GetIdentityProviderByIdentifier GetUserPoolMfaConfig ListIdentityProviders"
        " ListResourceServers ListTagsForResource ListUserImportJobs"
        " DescribeRiskConfiguration GetUICustomization DescribeManagedLoginBranding"
        " DescribeManagedLoginBrandingByClient",
    ),
    _category(
        "UserPoolResourceUpdate",
        15,
        adjustable=False,
        operations="CreateGroup UpdateGroup DeleteGroup AddCustomAttributes"
        " CreateIdentityProvider UpdateIdentityProvider DeleteIdentityProvider"
        " CreateResourceServer UpdateResourceServer DeleteResourceServer CreateUserImportJob"
        " CreateUserPoolDomain UpdateUserPoolDomain DeleteUserPoolDomain SetUserPoolMfaConfig"
        " StartUserImportJob StopUserImportJob SetRiskConfiguration SetUICustomization"
        " TagResource UntagResource CreateManagedLoginBranding UpdateManagedLoginBranding"
        " DeleteManagedLoginBranding",
    ),
    _category(
        "UserPoolClientRead",
        15,
        adjustable=False,
        operations="DescribeUserPoolClient ListUserPoolClients",
    ),
    _category(
        "UserPoolClientUpdate",
        15,
        adjustable=False,
        operations="CreateUserPoolClient DeleteUserPoolClient UpdateUserPoolClient",
    ),
    # client_credentials at the token endpoint and GetClientToken: neither is in the model.
    _category("ClientAuthentication", 150, adjustable=False),
    # GetProvisionedLimit and UpdateProvisionedLimit: not in the model.
    _category("LimitManagement", 1, adjustable=False),
)

CATEGORY_NAMES: tuple[str, ...] = tuple(category.name for category in CATEGORIES)

#: AWS's default rate of every category: what ``parse_limits(["aws"])`` returns.
AWS_DEFAULTS: Mapping[str, float] = MappingProxyType(
    {category.name: category.default_rps for category in CATEGORIES}
)


def _operation_categories() -> Mapping[str, str]:
    found: dict[str, str] = {}
    for category in CATEGORIES:
        for operation in category.operations:
            if operation in found:
                raise AssertionError(f"{operation} is in {found[operation]} and {category.name}")
            found[operation] = category.name
    return MappingProxyType(found)


#: Operation name -> category name, for the operations that have one.
OPERATION_CATEGORY: Mapping[str, str] = _operation_categories()


def category_of(operation: str) -> str | None:
    """The category an operation counts against, or None if it is unlimited."""
    return OPERATION_CATEGORY.get(operation)


_BY_FOLDED_NAME = {name.casefold(): name for name in CATEGORY_NAMES}
_AWS = "aws"


def _valid_names() -> str:
    return f"valid categories: {', '.join(CATEGORY_NAMES)} (or '{_AWS}' for all AWS defaults)"


def _canonical_name(name: str) -> str:
    canonical = _BY_FOLDED_NAME.get(name.strip().casefold())
    if canonical is None:
        raise ValueError(f"unknown rate-limit category {name.strip()!r}; {_valid_names()}")
    return canonical


def _checked_rate(name: str, value: str | float) -> float:
    try:
        rate = float(value)
    except (TypeError, ValueError):
        rate = math.nan
    if not (math.isfinite(rate) and rate > 0):
        raise ValueError(
            f"rate limit for {name} must be a positive number of requests per second, got {value!r}"
        )
    return rate


def parse_limits(specs: Iterable[str]) -> dict[str, float]:
    """Category -> requests per second, from CLI values.

    Each value is ``CATEGORY=RPS`` (category names match case-insensitively; RPS may be
    fractional) or ``aws``, meaning every category at AWS's default rate. A value may hold
    several of these separated by commas. Explicit entries win over ``aws`` whatever their
    order; of two entries for one category the later wins. Unless
    ``UserAuthenticationChallenge`` is named, it follows ``UserAuthentication`` at 3x its
    rate (§8.1 footnote 2). Categories left out are unlimited; an empty input limits
    nothing. Raises :class:`ValueError` for an unknown category or a rate that is not a
    positive finite number.
    """
    if isinstance(specs, str):
        specs = [specs]
    use_aws = False
    explicit: dict[str, float] = {}
    for spec in specs:
        for entry in spec.split(","):
            entry = entry.strip()
            if entry.casefold() == _AWS:
                use_aws = True
                continue
            name, equals, value = entry.partition("=")
            if not equals:
                raise ValueError(
                    f"rate limit {entry!r} is not CATEGORY=RPS or '{_AWS}'; {_valid_names()}"
                )
            canonical = _canonical_name(name)
            explicit[canonical] = _checked_rate(canonical, value.strip())
    limits = dict(AWS_DEFAULTS) if use_aws else {}
    limits.update(explicit)
    if "UserAuthentication" in limits and "UserAuthenticationChallenge" not in explicit:
        limits["UserAuthenticationChallenge"] = limits["UserAuthentication"] * CHALLENGE_MULTIPLIER
    return {name: limits[name] for name in CATEGORY_NAMES if name in limits}


class _Bucket:
    """A token bucket; the caller holds ``lock`` around :meth:`take`."""

    __slots__ = ("capacity", "lock", "rate", "stamp", "tokens")

    def __init__(self, rate: float, now: float) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate)
        self.tokens = self.capacity
        self.stamp = now
        self.lock = threading.Lock()

    def take(self, now: float) -> bool:
        elapsed = now - self.stamp
        if elapsed > 0:  # a clock that steps back refills nothing and keeps the stamp
            self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
            self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class RateLimiter:
    """Token buckets per category; :meth:`allow` says whether a request may go ahead.

    ``limits`` maps category names (see :data:`CATEGORY_NAMES`) to requests per second, as
    :func:`parse_limits` returns them; categories left out are unlimited. ``clock`` is a
    monotonic clock in seconds. Safe to share between threads. Per process: with N
    processes the effective limit is N times the configured rate.
    """

    def __init__(
        self, limits: Mapping[str, float], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._clock = clock
        now = clock()
        self.limits: Mapping[str, float] = MappingProxyType(
            {_canonical_name(name): _checked_rate(name, rate) for name, rate in limits.items()}
        )
        buckets = {name: _Bucket(rate, now) for name, rate in self.limits.items()}
        self._buckets: dict[str, _Bucket] = {
            operation: buckets[category]
            for operation, category in OPERATION_CATEGORY.items()
            if category in buckets
        }

    def allow(self, operation: str) -> bool:
        """Take one request of ``operation`` from its category's bucket; False if empty.

        True for operations without a category and for categories without a limit.
        """
        bucket = self._buckets.get(operation)
        if bucket is None:
            return True
        with bucket.lock:
            return bucket.take(self._clock())
