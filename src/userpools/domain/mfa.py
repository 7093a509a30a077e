"""MFA: the pool's configuration (Get/SetUserPoolMfaConfig), each user's factors
(Associate/VerifySoftwareToken, Set/AdminSetUserMFAPreference, the legacy ``MFAOptions``),
and which factor a sign-in asks for (``signin/mfa.py``). Sources in docs/auth-flows.md.

The pool: ``MfaConfiguration`` (OFF, ON, OPTIONAL) is the pool configuration's own member,
so CreateUserPool, UpdateUserPool, DescribeUserPool and GetUserPoolMfaConfig always agree.
SMS MFA is the pool's ``SmsAuthenticationMessage`` and ``SmsConfiguration``; the members
``UserPoolType`` lacks (``SoftwareTokenMfaConfiguration``, ``EmailMfaConfiguration``,
``WebAuthnConfiguration``, and whether SetUserPoolMfaConfig left SMS MFA on) are a
``pool_settings`` document. A pool never given one has SMS MFA when MFA is not OFF and it
has an ``SmsConfiguration`` (what CreateUserPool demands for MFA).

A user: which factors are enabled and which one is preferred (``user_mfa``). The legacy
``MFAOptions`` is the SMS factor seen the old way: setting either changes the other. The
TOTP secret is sealed with AES-256-GCM under the server secret :data:`SECRET_NAME`, bound to
the pool id and the user's ``sub``; a secret awaiting VerifySoftwareToken is kept apart
until a code proves it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from userpools.crypto import totp
from userpools.crypto.sealing import Sealer, new_key
from userpools.domain import messages, settings
from userpools.domain.errors import EnableSoftwareTokenMFA, InvalidParameter
from userpools.domain.lookup import require_user, sign_in_keys
from userpools.domain.models import User, UserMfa, UserPool
from userpools.domain.pool_config import SmsConfiguration
from userpools.domain.pools import check_sign_in_policy, require_pool
from userpools.domain.store import Store, Transaction
from userpools.domain.tokens import Caller, TokenIssuer

SMS = "SMS_MFA"
TOTP = "SOFTWARE_TOKEN_MFA"
EMAIL = "EMAIL_OTP"
#: The factors in the order AWS lists them.
FACTORS = (SMS, TOTP, EMAIL)
#: The server secret the TOTP secrets are sealed under.
SECRET_NAME = "mfa-totp"
#: The legacy ``MFAOptions`` entry that means "SMS MFA on".
SMS_OPTION = ("SMS", "phone_number")
#: Where each message factor is sent.
DESTINATION = {SMS: "phone_number", EMAIL: "email"}


@dataclass(frozen=True)
class PoolMfa:
    """A pool's MFA configuration, as GetUserPoolMfaConfig shows it."""

    mode: str = "OFF"
    sms: bool = False
    totp: bool = False
    email: bool = False
    sms_message: str | None = None
    sms_configuration: SmsConfiguration | None = None
    email_message: str | None = None
    email_subject: str | None = None
    web_authn: Mapping[str, Any] | None = None

    @property
    def factors(self) -> tuple[str, ...]:
        """The factors the pool allows, whatever its mode."""
        allowed = {SMS: self.sms, TOTP: self.totp, EMAIL: self.email}
        return tuple(f for f in FACTORS if allowed[f])


@dataclass(frozen=True)
class PoolMfaRequest:
    """SetUserPoolMfaConfig's members; ``None``: left out."""

    mode: str | None = None
    sms: bool = False
    sms_message: str | None = None
    sms_configuration: SmsConfiguration | None = None
    totp: bool | None = None
    email: bool = False
    email_message: str | None = None
    email_subject: str | None = None
    web_authn: Mapping[str, Any] | None = None


def pool_mfa(tx: Transaction, pool: UserPool) -> PoolMfa:
    c = pool.config
    stored = tx.get_setting(pool, settings.MFA)
    document: Mapping[str, Any] = stored.document if stored is not None else {}
    if stored is None:
        sms = c.mfa_configuration != "OFF" and c.sms_configuration is not None
    else:
        sms = bool(document.get("SmsMfa"))
    email = document.get("EmailMfaConfiguration")
    return PoolMfa(
        mode=c.mfa_configuration,
        sms=sms,
        totp=bool((document.get("SoftwareTokenMfaConfiguration") or {}).get("Enabled")),
        email=email is not None,
        sms_message=c.sms_authentication_message,
        sms_configuration=c.sms_configuration,
        email_message=(email or {}).get("Message"),
        email_subject=(email or {}).get("Subject"),
        web_authn=document.get("WebAuthnConfiguration"),
    )


def _check_pool_request(pool: UserPool, request: PoolMfaRequest, mode: str) -> None:
    sms = request.sms and (request.sms_configuration or pool.config.sms_configuration)
    any_factor = bool(sms or request.totp or request.email)
    if mode == "OFF" and any_factor:
        raise InvalidParameter(messages.MFA_OFF_WITH_FACTOR)
    if mode != "OFF" and not any_factor:
        raise InvalidParameter(messages.MFA_ALL_OFF)
    if request.email:
        if (pool.config.user_pool_tier or "ESSENTIALS") == "LITE":
            raise InvalidParameter(messages.EMAIL_MFA_TIER)
        if pool.config.email_configuration.email_sending_account != "DEVELOPER":
            raise InvalidParameter(messages.EMAIL_MFA_SENDER)


# users ----------------------------------------------------------------------------------


def user_mfa(tx: Transaction, pool: UserPool, user: User) -> UserMfa:
    return tx.get_user_mfa(pool, user) or UserMfa()


def enabled_map(state: UserMfa) -> dict[str, bool]:
    return {SMS: state.sms_enabled, TOTP: state.totp_enabled, EMAIL: state.email_enabled}


def enabled_factors(state: UserMfa) -> tuple[str, ...]:
    """The user's ``UserMFASettingList``."""
    on = enabled_map(state)
    return tuple(f for f in FACTORS if on[f])


def _sealer(tx: Transaction, now: float) -> Sealer:
    return Sealer(tx.secret(SECRET_NAME, new_key, now))


def _context(pool: UserPool, user: User) -> bytes:
    return f"totp\x00{pool.id}\x00{user.sub}".encode()


def seal(tx: Transaction, pool: UserPool, user: User, secret: str, now: float) -> bytes:
    return _sealer(tx, now).seal(secret.encode("ascii"), _context(pool, user))


def unseal(tx: Transaction, pool: UserPool, user: User, sealed: bytes, now: float) -> str | None:
    opened = _sealer(tx, now).open(sealed, _context(pool, user))
    return None if opened is None else opened.decode("ascii")


def associate(tx: Transaction, pool: UserPool, user: User, now: float) -> str:
    """A new secret, kept (sealed) until VerifySoftwareToken proves it; the current one
    stays in use until then."""
    secret = totp.new_secret()
    state = user_mfa(tx, pool, user)
    sealed = seal(tx, pool, user, secret, now)
    tx.put_user_mfa(pool, user, dataclasses.replace(state, pending_secret=sealed))
    return secret


def verify(
    tx: Transaction, pool: UserPool, user: User, code: str, device_name: str | None, now: float
) -> EnableSoftwareTokenMFA | None:
    """VerifySoftwareToken: the pending secret becomes the user's when ``code`` is one of
    its codes (which is then used); the refusal otherwise."""
    state = user_mfa(tx, pool, user)
    if state.pending_secret is None:
        return EnableSoftwareTokenMFA(messages.SOFTWARE_TOKEN_NOT_ASSOCIATED)
    secret = unseal(tx, pool, user, state.pending_secret, now)
    step = totp.match(secret, code, now) if secret is not None else None
    if step is None:
        return EnableSoftwareTokenMFA(messages.SOFTWARE_TOKEN_MISMATCH)
    tx.put_user_mfa(
        pool,
        user,
        dataclasses.replace(
            state,
            totp_secret=state.pending_secret,
            pending_secret=None,
            device_name=device_name,
            last_step=step,
        ),
    )
    return None


@dataclass(frozen=True)
class FactorSetting:
    """One factor of Set/AdminSetUserMFAPreference; ``None``: left as it is."""

    enabled: bool | None = None
    preferred: bool | None = None


def set_preference(
    tx: Transaction,
    pool: UserPool,
    user: User,
    wanted: Mapping[str, FactorSetting],
    now: float,
) -> None:
    """Enable, disable and prefer factors. A factor needs somewhere to go (a phone number, an
    email address, a verified software token); one factor at most is preferred, and
    preferring one makes it the only preferred; disabling the preferred one leaves none."""
    state = user_mfa(tx, pool, user)
    enabled = enabled_map(state)
    preferred = state.preferred
    chosen = [f for f in FACTORS if f in wanted and wanted[f].preferred]
    if len(chosen) > 1:
        raise InvalidParameter(messages.MFA_TWO_PREFERRED)
    for factor in FACTORS:
        setting = wanted.get(factor)
        if setting is None:
            continue
        if setting.preferred and setting.enabled is False:
            raise InvalidParameter(messages.MFA_PREFERRED_DISABLED)
        turned_on = setting.enabled or setting.preferred
        if turned_on and not _deliverable(state, user, factor):
            raise InvalidParameter(messages.MFA_NO_DELIVERY.format(factor=factor))
        if setting.enabled is not None:
            enabled[factor] = setting.enabled
        if setting.preferred:
            enabled[factor] = True
            preferred = factor
        elif (setting.preferred is False or not enabled[factor]) and preferred == factor:
            preferred = None
    store_factors(tx, pool, user, state, enabled, preferred)


def store_factors(
    tx: Transaction,
    pool: UserPool,
    user: User,
    state: UserMfa,
    enabled: Mapping[str, bool],
    preferred: str | None,
) -> None:
    """Store the user's factors, with ``MFAOptions`` following the SMS factor."""
    tx.put_user_mfa(
        pool,
        user,
        dataclasses.replace(
            state,
            sms_enabled=enabled[SMS],
            totp_enabled=enabled[TOTP],
            email_enabled=enabled[EMAIL],
            preferred=preferred if preferred and enabled[preferred] else None,
        ),
    )
    options = (SMS_OPTION,) if enabled[SMS] else ()
    if (user.mfa_options != ()) != enabled[SMS]:
        changed = dataclasses.replace(user, mfa_options=options)
        tx.update_user(pool, changed, sign_in_keys(pool, changed.attributes))


def follow_legacy_options(tx: Transaction, pool: UserPool, user: User) -> None:
    """After SetUserSettings or AdminSetUserSettings: the SMS factor follows ``MFAOptions``."""
    state = user_mfa(tx, pool, user)
    on = bool(user.mfa_options)
    if state.sms_enabled == on:
        return
    preferred = state.preferred if state.preferred != SMS or on else None
    tx.put_user_mfa(pool, user, dataclasses.replace(state, sms_enabled=on, preferred=preferred))


def _deliverable(state: UserMfa, user: User, factor: str) -> bool:
    if factor == TOTP:
        return state.totp_secret is not None
    return bool(user.attribute(DESTINATION[factor]))


# sign-in ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """Which MFA step a sign-in takes after its first factor: a challenge name and, for
    MFA_SETUP and SELECT_MFA_TYPE, the factors offered."""

    challenge: str
    offered: tuple[str, ...] = ()


def usable(config: PoolMfa, state: UserMfa, user: User) -> tuple[str, ...]:
    """The user's enabled factors that the pool allows and that can reach the user."""
    return tuple(
        f for f in enabled_factors(state) if f in config.factors and _deliverable(state, user, f)
    )


def due(tx: Transaction, pool: UserPool, user: User) -> Due | None:
    """The MFA step for ``user`` now, or ``None``.

    OFF: none. Otherwise the user's usable factors: the preferred one, or the only one, or a
    choice (SELECT_MFA_TYPE). With none, OPTIONAL asks nothing; ON sends a code by SMS or
    email where the pool allows it and the user has the number or address, and otherwise
    asks the user to set up a factor (MFA_SETUP).
    """
    if pool.config.mfa_configuration == "OFF":
        return None  # without a query: most pools, every sign-in
    return choose(pool_mfa(tx, pool), user_mfa(tx, pool, user), user)


def choose(config: PoolMfa, state: UserMfa, user: User) -> Due | None:
    """:func:`due`, given the pool's configuration and the user's state."""
    if config.mode == "OFF":
        return None
    factors = usable(config, state, user)
    if state.preferred in factors:
        return Due(state.preferred)
    if len(factors) == 1:
        return Due(factors[0])
    if factors:
        return Due("SELECT_MFA_TYPE", factors)
    if config.mode != "ON":
        return None
    for factor in (SMS, EMAIL):
        if factor in config.factors and user.attribute(DESTINATION[factor]):
            return Due(factor)
    return Due("MFA_SETUP", config.factors)


# the service -----------------------------------------------------------------------------


class MfaService:
    def __init__(self, store: Store, tokens: TokenIssuer, clock: Callable[[], float]) -> None:
        self.store = store
        self._tokens = tokens
        self._clock = clock

    def now(self) -> float:
        return self._clock()

    def get_pool_config(self, region: str, pool_id: str) -> PoolMfa:
        return self.store.read(lambda tx: pool_mfa(tx, require_pool(tx, pool_id, region)))

    def set_pool_config(self, region: str, pool_id: str, request: PoolMfaRequest) -> PoolMfa:
        """SetUserPoolMfaConfig: every factor left out is turned off, as on AWS."""
        now = self._clock()

        def run(tx: Transaction) -> PoolMfa:
            pool = require_pool(tx, pool_id, region)
            mode = request.mode or pool.config.mfa_configuration
            _check_pool_request(pool, request, mode)
            config = pool.config
            if request.sms and (request.sms_configuration or config.sms_configuration):
                config = dataclasses.replace(
                    config,
                    sms_authentication_message=request.sms_message,
                    sms_configuration=request.sms_configuration or config.sms_configuration,
                )
            config = dataclasses.replace(config, mfa_configuration=mode)
            check_sign_in_policy(config)  # no one-time-password first factor beside MFA ON
            pool = dataclasses.replace(pool, config=config, updated_at=now)
            tx.update_pool(pool)
            # SMS MFA needs an SmsConfiguration, the request's or the pool's.
            sms = request.sms and config.sms_configuration is not None
            document: dict[str, Any] = {"SmsMfa": sms}
            if request.totp is not None:
                document["SoftwareTokenMfaConfiguration"] = {"Enabled": request.totp}
            if request.email:
                email = {"Message": request.email_message, "Subject": request.email_subject}
                document["EmailMfaConfiguration"] = {k: v for k, v in email.items() if v}
            if request.web_authn is not None:
                document["WebAuthnConfiguration"] = dict(request.web_authn)
            tx.put_setting(pool, settings.MFA, None, document, now)
            return pool_mfa(tx, pool)

        return self.store.write(run)

    def _caller(self, tx: Transaction, access_token: str) -> Caller:
        return self._tokens.authenticate(tx, access_token, self._clock())

    def associate_with_token(self, access_token: str) -> str:
        now = self._clock()

        def run(tx: Transaction) -> str:
            caller = self._caller(tx, access_token)
            return associate(tx, caller.pool, caller.user, now)

        return self.store.write(run)

    def verify_with_token(self, access_token: str, code: str, device_name: str | None) -> None:
        now = self._clock()

        def run(tx: Transaction) -> EnableSoftwareTokenMFA | None:
            caller = self._caller(tx, access_token)
            return verify(tx, caller.pool, caller.user, code, device_name, now)

        error = self.store.write(run)
        if error is not None:
            raise error

    def set_preference(self, access_token: str, wanted: Mapping[str, FactorSetting]) -> None:
        now = self._clock()

        def run(tx: Transaction) -> None:
            caller = self._caller(tx, access_token)
            set_preference(tx, caller.pool, caller.user, wanted, now)

        self.store.write(run)

    def admin_set_preference(
        self, region: str, pool_id: str, username: str, wanted: Mapping[str, FactorSetting]
    ) -> None:
        now = self._clock()

        def run(tx: Transaction) -> None:
            pool = require_pool(tx, pool_id, region)
            set_preference(tx, pool, require_user(tx, pool, username), wanted, now)

        self.store.write(run)

    def settings_of(self, region: str, pool_id: str, username: str) -> UserMfa:
        def run(tx: Transaction) -> UserMfa:
            pool = require_pool(tx, pool_id, region)
            return user_mfa(tx, pool, require_user(tx, pool, username))

        return self.store.read(run)

    def settings_by_token(self, access_token: str) -> UserMfa:
        def run(tx: Transaction) -> UserMfa:
            caller = self._caller(tx, access_token)
            return user_mfa(tx, caller.pool, caller.user)

        return self.store.read(run)

    def auth_factors(self, access_token: str) -> tuple[User, UserMfa, tuple[str, ...]]:
        """GetUserAuthFactors: the user, its MFA state, and the first factors it can sign
        in with (``PASSWORD`` with a password; ``EMAIL_OTP``/``SMS_OTP`` where the pool's
        ``AllowedFirstAuthFactors`` has them and the user has the verified address or
        number)."""

        def run(tx: Transaction) -> tuple[User, UserMfa, tuple[str, ...]]:
            caller = self._caller(tx, access_token)
            user = caller.user
            policy = caller.pool.config.policies.sign_in_policy
            allowed = (policy.allowed_first_auth_factors if policy else None) or ("PASSWORD",)
            configured = []
            if user.password_hash is not None and "PASSWORD" in allowed:
                configured.append("PASSWORD")
            if "EMAIL_OTP" in allowed and user.attribute("email_verified") == "true":
                configured.append("EMAIL_OTP")
            if "SMS_OTP" in allowed and user.attribute("phone_number_verified") == "true":
                configured.append("SMS_OTP")
            return user, user_mfa(tx, caller.pool, user), tuple(configured)

        return self.store.read(run)
