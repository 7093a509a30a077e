"""MFA: the pool's configuration, software tokens, users' MFA preferences, and
GetUserAuthFactors (``domain/mfa.py``, ``domain/signin/mfa.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from userpools.domain import mfa, plain
from userpools.domain.errors import InvalidParameter
from userpools.domain.messages import MISSING_PARAMETER
from userpools.domain.models import UserMfa
from userpools.domain.pool_config import SmsConfiguration, member_name
from userpools.domain.signin import mfa as setup
from userpools.operations.services import Operation, Services
from userpools.protocol.dispatch import RequestContext
from userpools.protocol.shapes import (
    AdminSetUserMFAPreferenceRequest,
    AdminSetUserMFAPreferenceResponse,
    AssociateSoftwareTokenRequest,
    AssociateSoftwareTokenResponse,
    GetUserAuthFactorsRequest,
    GetUserAuthFactorsResponse,
    GetUserPoolMfaConfigRequest,
    GetUserPoolMfaConfigResponse,
    SetUserMFAPreferenceRequest,
    SetUserMFAPreferenceResponse,
    SetUserPoolMfaConfigRequest,
    SetUserPoolMfaConfigResponse,
    SmsConfigurationType,
    VerifySoftwareTokenRequest,
    VerifySoftwareTokenResponse,
)


def _config_reply(config: mfa.PoolMfa) -> GetUserPoolMfaConfigResponse:
    reply: dict[str, Any] = {}
    if config.sms:
        sms: dict[str, Any] = {}
        if config.sms_message is not None:
            sms["SmsAuthenticationMessage"] = config.sms_message
        if config.sms_configuration is not None:
            sms["SmsConfiguration"] = plain.to_plain(config.sms_configuration, member_name)
        reply["SmsMfaConfiguration"] = sms
    if config.totp:
        reply["SoftwareTokenMfaConfiguration"] = {"Enabled": True}
    if config.email:
        email = {"Message": config.email_message, "Subject": config.email_subject}
        reply["EmailMfaConfiguration"] = {k: v for k, v in email.items() if v}
    reply["MfaConfiguration"] = config.mode
    if config.web_authn is not None:
        reply["WebAuthnConfiguration"] = dict(config.web_authn)
    return cast(GetUserPoolMfaConfigResponse, reply)


def get_user_pool_mfa_config(
    s: Services, p: GetUserPoolMfaConfigRequest, ctx: RequestContext
) -> GetUserPoolMfaConfigResponse:
    return _config_reply(s.mfa.get_pool_config(ctx.region, p["UserPoolId"]))


def set_user_pool_mfa_config(
    s: Services, p: SetUserPoolMfaConfigRequest, ctx: RequestContext
) -> SetUserPoolMfaConfigResponse:
    sms = p.get("SmsMfaConfiguration")
    email = p.get("EmailMfaConfiguration")
    software = p.get("SoftwareTokenMfaConfiguration")
    sms_configuration: SmsConfigurationType | None = (sms or {}).get("SmsConfiguration")
    request = mfa.PoolMfaRequest(
        mode=p.get("MfaConfiguration"),
        sms=sms is not None,
        sms_message=(sms or {}).get("SmsAuthenticationMessage"),
        sms_configuration=(
            plain.from_plain(SmsConfiguration, dict(sms_configuration), member_name)
            if sms_configuration is not None
            else None
        ),
        totp=software.get("Enabled", False) if software is not None else None,
        email=email is not None,
        email_message=(email or {}).get("Message"),
        email_subject=(email or {}).get("Subject"),
        web_authn=cast(Mapping[str, Any] | None, p.get("WebAuthnConfiguration")),
    )
    config = s.mfa.set_pool_config(ctx.region, p["UserPoolId"], request)
    return _config_reply(config)


def associate_software_token(
    s: Services, p: AssociateSoftwareTokenRequest, ctx: RequestContext
) -> AssociateSoftwareTokenResponse:
    token, session = p.get("AccessToken"), p.get("Session")
    if token is not None:
        return {"SecretCode": s.mfa.associate_with_token(token)}
    if session is None:
        raise InvalidParameter(MISSING_PARAMETER.format(name="AccessToken"))
    secret, renewed = setup.associate_in_session(s.mfa.store, session, s.mfa.now())
    return {"SecretCode": secret, "Session": renewed}


def verify_software_token(
    s: Services, p: VerifySoftwareTokenRequest, ctx: RequestContext
) -> VerifySoftwareTokenResponse:
    token, session = p.get("AccessToken"), p.get("Session")
    name = p.get("FriendlyDeviceName")
    if token is not None:
        s.mfa.verify_with_token(token, p["UserCode"], name)
        return {"Status": "SUCCESS"}
    if session is None:
        raise InvalidParameter(MISSING_PARAMETER.format(name="AccessToken"))
    renewed = setup.verify_in_session(s.mfa.store, session, p["UserCode"], name, s.mfa.now())
    return {"Status": "SUCCESS", "Session": renewed}


def _wanted(p: Mapping[str, Any]) -> dict[str, mfa.FactorSetting]:
    members = {
        mfa.SMS: "SMSMfaSettings",
        mfa.TOTP: "SoftwareTokenMfaSettings",
        mfa.EMAIL: "EmailMfaSettings",
    }
    wanted = {}
    for factor, member in members.items():
        given = p.get(member)
        if given is not None:
            wanted[factor] = mfa.FactorSetting(given.get("Enabled"), given.get("PreferredMfa"))
    return wanted


def set_user_mfa_preference(
    s: Services, p: SetUserMFAPreferenceRequest, ctx: RequestContext
) -> SetUserMFAPreferenceResponse:
    s.mfa.set_preference(p["AccessToken"], _wanted(p))
    return {}


def admin_set_user_mfa_preference(
    s: Services, p: AdminSetUserMFAPreferenceRequest, ctx: RequestContext
) -> AdminSetUserMFAPreferenceResponse:
    s.mfa.admin_set_preference(ctx.region, p["UserPoolId"], p["Username"], _wanted(p))
    return {}


def mfa_members(state: UserMfa) -> dict[str, Any]:
    """``PreferredMfaSetting`` and ``UserMFASettingList``, each left out when empty, as AWS
    leaves them out."""
    shown: dict[str, Any] = {}
    if state.preferred is not None:
        shown["PreferredMfaSetting"] = state.preferred
    enabled = mfa.enabled_factors(state)
    if enabled:
        shown["UserMFASettingList"] = list(enabled)
    return shown


def get_user_auth_factors(
    s: Services, p: GetUserAuthFactorsRequest, ctx: RequestContext
) -> GetUserAuthFactorsResponse:
    user, state, configured = s.mfa.auth_factors(p["AccessToken"])
    reply: dict[str, Any] = {"Username": user.username, **mfa_members(state)}
    reply["ConfiguredUserAuthFactors"] = list(configured)
    return cast(GetUserAuthFactorsResponse, reply)


OPERATIONS: dict[str, Operation] = {
    "GetUserPoolMfaConfig": get_user_pool_mfa_config,
    "SetUserPoolMfaConfig": set_user_pool_mfa_config,
    "AssociateSoftwareToken": associate_software_token,
    "VerifySoftwareToken": verify_software_token,
    "SetUserMFAPreference": set_user_mfa_preference,
    "AdminSetUserMFAPreference": admin_set_user_mfa_preference,
    "GetUserAuthFactors": get_user_auth_factors,
}
