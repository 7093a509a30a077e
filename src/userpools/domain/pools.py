"""User pools: their configuration's rules, and create, describe, update, delete, list.

:func:`new_config` and :func:`updated_config` are pure: they take the configuration a
request asks for (``operations/pool_wire.py`` parses it) and return the pool's, with
AWS's defaults, rules and quotas applied.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping

from userpools.crypto.keys import KeySource, generate_signing_key
from userpools.domain import messages, schema
from userpools.domain.errors import FeatureUnavailableInTier, InvalidParameter, ResourceNotFound
from userpools.domain.ids import Ids
from userpools.domain.models import Page, PoolDomain, PoolKey, UserPool
from userpools.domain.pagination import Cursors
from userpools.domain.password_policy import PasswordPolicy
from userpools.domain.pool_config import PoolConfig, SchemaAttribute
from userpools.domain.store import Store, Transaction

OPERATION = "ListUserPools"
#: "A user pool can have as many as 50 tags." (TagResource, Amazon Cognito API Reference)
MAX_TAGS = 50
DEFAULT_TIER = "ESSENTIALS"


def new_config(request: PoolConfig) -> PoolConfig:
    """A new pool's configuration from what CreateUserPool asked for.

    ``request.schema_attributes`` holds the request's ``Schema``: the result has the whole
    schema, the standard attributes first.
    """
    attributes = schema.pool_schema(request.schema_attributes)
    config = dataclasses.replace(_settled(request, DEFAULT_TIER), schema_attributes=attributes)
    check_tags(config.user_pool_tags or ())
    if config.username_attribute_names and config.alias_attribute_names:
        raise InvalidParameter(messages.USERNAME_AND_ALIAS)
    # A new pool's only MFA factor is SMS: other factors come with SetUserPoolMfaConfig.
    verified = config.auto_verified_attributes or ()
    if config.mfa_configuration != "OFF" and (
        config.sms_configuration is None or "phone_number" not in verified
    ):
        raise InvalidParameter(messages.MFA_NEEDS_SMS)
    check_sign_in_policy(config)
    return config


def updated_config(current: PoolConfig, request: PoolConfig) -> PoolConfig:
    """UpdateUserPool replaces each member it can set, so one left out goes back to its
    default; the members fixed at creation stay, and so does the tier when left out.
    ``UserPoolTags`` is no exception: left out, the pool's tags go, as AWS documents for
    every member UpdateUserPool can set.
    """
    check_tags(request.user_pool_tags or ())
    config = dataclasses.replace(
        _settled(request, current.user_pool_tier or DEFAULT_TIER),
        alias_attributes=current.alias_attributes,
        username_attributes=current.username_attributes,
        username_configuration=current.username_configuration,
        schema_attributes=current.schema_attributes,
    )
    check_sign_in_policy(config)
    return config


#: The first factors beyond a password: "Passwordless Sign-In" to AWS's tier check.
PASSWORDLESS_FACTORS = frozenset({"EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"})
#: The one-time-password first factors, refused beside required MFA.
OTP_FACTORS = frozenset({"EMAIL_OTP", "SMS_OTP"})


def check_sign_in_policy(config: PoolConfig) -> None:
    """``Policies.SignInPolicy.AllowedFirstAuthFactors`` against the rest of the pool.

    ``PASSWORD`` must be among them (the console and CDK cannot turn it off: "password
    authentication must be enabled", CDK ``AllowedFirstAuthFactors``); factors other than a
    password need the Essentials tier or higher (``SignInPolicyType``, API Reference; AWS's
    message in github.com/aws-amplify/amplify-backend/issues/2805); one-time passwords cannot
    be first factors where MFA is required (measured, github.com/go-to-k/cdkd/issues/1975).
    SetUserPoolMfaConfig must apply the last rule too.
    """
    policy = config.policies.sign_in_policy
    factors = set(policy.allowed_first_auth_factors or ()) if policy is not None else set()
    if not factors:
        return
    if "PASSWORD" not in factors:
        raise InvalidParameter(messages.PASSWORD_FACTOR_REQUIRED)
    if factors & PASSWORDLESS_FACTORS and config.user_pool_tier == "LITE":
        raise FeatureUnavailableInTier(
            messages.LITE_TIER_FEATURES.format(features="Passwordless Sign-In")
        )
    if factors & OTP_FACTORS and config.mfa_configuration == "ON":
        raise InvalidParameter(messages.OTP_FACTOR_WITH_MFA)


def check_tags(tags: tuple[tuple[str, str], ...]) -> None:
    """The quota on a pool's tags (the model checks the length of keys and values)."""
    if len(tags) > MAX_TAGS:
        raise InvalidParameter(messages.TAG_LIMIT.format(limit=MAX_TAGS))


def tagged(
    tags: tuple[tuple[str, str], ...], added: Mapping[str, str], removed: Iterable[str] = ()
) -> tuple[tuple[str, str], ...]:
    """``tags`` with ``added`` set (a key given again takes the new value) and ``removed``
    taken away, in key order; within the quota."""
    merged = dict(tags)
    merged.update(added)
    for key in removed:
        merged.pop(key, None)
    result = tuple(sorted(merged.items()))
    check_tags(result)
    return result


def pool_id_of_arn(arn: str) -> tuple[str, str] | None:
    """(region, pool id) of a user pool ARN, ``arn:PARTITION:cognito-idp:REGION:ACCOUNT:
    userpool/ID``; ``None`` for any other ARN."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "cognito-idp":
        return None
    kind, _, pool_id = parts[5].partition("/")
    if kind != "userpool" or not pool_id or "/" in pool_id:
        return None
    return parts[3], pool_id


def require_pool_by_arn(tx: Transaction, arn: str) -> UserPool:
    """The pool an ARN names, or ``ResourceNotFound`` (a malformed ARN names nothing)."""
    named = pool_id_of_arn(arn)
    if named is None:
        raise ResourceNotFound(messages.RESOURCE_NOT_FOUND.format(arn=arn))
    region, pool_id = named
    return require_pool(tx, pool_id, region)


def _settled(request: PoolConfig, tier: str) -> PoolConfig:
    """The password policy and tier always set, by the request or by default.

    Without a password policy, ``UnusedAccountValidityDays`` (the older member) sets the
    temporary password validity; both at once are refused.
    """
    policy = request.policies.password_policy
    unused = request.admin_create_user_config.unused_account_validity_days
    if policy is not None and policy.temporary_password_validity_days and unused:
        raise InvalidParameter(messages.TEMPORARY_PASSWORD_WITH_VALIDITY)
    if policy is None:
        policy = PasswordPolicy(temporary_password_validity_days=unused or None)
    policy = dataclasses.replace(
        policy, temporary_password_validity_days=policy.temporary_validity_days
    )
    return _verification_messages(
        dataclasses.replace(
            request,
            policies=dataclasses.replace(request.policies, password_policy=policy),
            user_pool_tier=request.user_pool_tier or tier,
        )
    )


def _verification_messages(config: PoolConfig) -> PoolConfig:
    """The legacy members and ``VerificationMessageTemplate`` filled from each other, as
    AWS fills them: the template's ``SmsMessage``, ``EmailMessage`` and ``EmailSubject``
    are also ``SmsVerificationMessage``, ``EmailVerificationMessage`` and
    ``EmailVerificationSubject``; a legacy member fills the template's when that is unset;
    when both are given, the template's wins."""
    template = config.verification_message_template
    filled = dataclasses.replace(
        template,
        sms_message=template.sms_message or config.sms_verification_message,
        email_message=template.email_message or config.email_verification_message,
        email_subject=template.email_subject or config.email_verification_subject,
    )
    return dataclasses.replace(
        config,
        verification_message_template=filled,
        sms_verification_message=filled.sms_message,
        email_verification_message=filled.email_message,
        email_verification_subject=filled.email_subject,
    )


#: GetCSVHeader's standard columns, in AWS's order ("Creating the user import CSV file",
#: Amazon Cognito Developer Guide); the pool's custom attributes follow, then these two.
CSV_STANDARD_COLUMNS = (
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "email",
    "email_verified",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "phone_number",
    "phone_number_verified",
    "address",
    "updated_at",
)
CSV_LAST_COLUMNS = ("cognito:mfa_enabled", "cognito:username")


def csv_header(config: PoolConfig) -> list[str]:
    """The user import file's header for a pool's schema."""
    custom = [a.name for a in config.custom_attributes if a.name.startswith("custom:")]
    return [*CSV_STANDARD_COLUMNS, *custom, *CSV_LAST_COLUMNS]


#: A pool signs ID tokens and access tokens with different keys, as Cognito does.
KEY_PURPOSES = ("id", "access")


def new_pool_keys(now: float, key_source: KeySource = generate_signing_key) -> list[PoolKey]:
    """A fresh pair; made outside any transaction (RSA key generation is slow)."""
    return [PoolKey(purpose, key_source(now)) for purpose in KEY_PURPOSES]


def require_pool(tx: Transaction, pool_id: str, region: str, *, shared: bool = False) -> UserPool:
    """The pool, or ``ResourceNotFound``. Pools are regional, as on AWS. ``shared``: see
    ``PoolStore.get_pool``."""
    pool = tx.get_pool(pool_id, shared=shared)
    if pool is None or pool.region != region:
        raise ResourceNotFound(messages.POOL_NOT_FOUND.format(pool_id=pool_id))
    return pool


class PoolService:
    def __init__(
        self,
        store: Store,
        cursors: Cursors,
        ids: Ids,
        clock: Callable[[], float],
        key_source: KeySource = generate_signing_key,
    ):
        self._store = store
        self._cursors = cursors
        self._ids = ids
        self._clock = clock
        self._key_source = key_source

    def create(self, region: str, name: str, request: PoolConfig) -> UserPool:
        """A new pool configured as ``request`` asks (see :func:`new_config`)."""
        config = new_config(request)
        now = self._clock()
        keys = new_pool_keys(now, self._key_source)

        def run(tx: Transaction) -> UserPool:
            pool = tx.insert_pool(self._ids.pool_id(region), region, name, config, now)
            for key in keys:
                tx.insert_pool_key(pool, key)
            return pool

        return self._store.write(run)

    def describe(self, region: str, pool_id: str) -> tuple[UserPool, int, list[PoolDomain]]:
        """The pool, its number of users and its domains (prefix first)."""

        def run(tx: Transaction) -> tuple[UserPool, int, list[PoolDomain]]:
            pool = require_pool(tx, pool_id, region)
            return pool, tx.count_users(pool), tx.pool_domains(pool)

        return self._store.read(run)

    def update(
        self,
        region: str,
        pool_id: str,
        name: str | None,
        request: PoolConfig,
    ) -> None:
        """Rename the pool (``name`` given) and reconfigure it (see :func:`updated_config`)."""

        def run(tx: Transaction) -> None:
            pool = require_pool(tx, pool_id, region)
            tx.update_pool(
                dataclasses.replace(
                    pool,
                    name=pool.name if name is None else name,
                    config=updated_config(pool.config, request),
                    updated_at=self._clock(),
                )
            )

        self._store.write(run)

    def add_custom_attributes(
        self, region: str, pool_id: str, requested: Iterable[SchemaAttribute]
    ) -> None:
        """AddCustomAttributes: append to the pool's schema (see
        :func:`~userpools.domain.schema.with_custom_attributes`)."""
        entries = tuple(requested)

        def run(tx: Transaction) -> None:
            pool = require_pool(tx, pool_id, region)
            config = pool.config
            attributes = schema.with_custom_attributes(config.schema_attributes, entries)
            tx.update_pool(
                dataclasses.replace(
                    pool,
                    config=dataclasses.replace(config, schema_attributes=attributes),
                    updated_at=self._clock(),
                )
            )

        self._store.write(run)

    def csv_header(self, region: str, pool_id: str) -> list[str]:
        return self._store.read(lambda tx: csv_header(require_pool(tx, pool_id, region).config))

    def tags(self, arn: str) -> tuple[tuple[str, str], ...]:
        return self._store.read(lambda tx: require_pool_by_arn(tx, arn).config.user_pool_tags or ())

    def tag(self, arn: str, added: Mapping[str, str], removed: Iterable[str] = ()) -> None:
        """TagResource (``added``) and UntagResource (``removed``), in one write."""

        def run(tx: Transaction) -> None:
            pool = require_pool_by_arn(tx, arn)
            tags = tagged(pool.config.user_pool_tags or (), added, removed)
            config = dataclasses.replace(pool.config, user_pool_tags=tags or None)
            tx.update_pool(dataclasses.replace(pool, config=config))

        self._store.write(run)

    def delete(self, region: str, pool_id: str) -> None:
        """Delete the pool with its users, groups and memberships, in one transaction; AWS
        refuses while the pool has a domain (DeleteUserPoolDomain first)."""

        def run(tx: Transaction) -> None:
            pool = require_pool(tx, pool_id, region)
            if pool.config.deletion_protected:
                raise InvalidParameter(messages.DELETION_PROTECTED)
            if tx.pool_domains(pool):
                raise InvalidParameter(messages.POOL_DELETE_HAS_DOMAIN)
            tx.delete_pool(pool)

        self._store.write(run)

    def list_pools(
        self, region: str, limit: int, token: str | None, only: frozenset[str] | None = None
    ) -> Page[UserPool]:
        """A page of the region's pools; ``only``: the pools the caller may see."""
        scope = (region,)
        position = self._cursors.decode(OPERATION, scope, token)

        pools = self._store.read(
            lambda tx: tx.list_pools(region, position[0] if position else None, limit + 1, only)
        )
        return self._cursors.page(OPERATION, scope, pools, limit, lambda p: (p.id,))
