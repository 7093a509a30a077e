"""Self-service accounts: sign-up, password reset, and the calls an access token authorises."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from userpools.domain.models import UserStatus
from userpools.domain.verification_codes import CodeDelivery
from userpools.operations import render
from userpools.operations.mfa import mfa_members
from userpools.operations.services import Operation, Services
from userpools.operations.users import mfa_options, pairs
from userpools.protocol.dispatch import RequestContext
from userpools.protocol.shapes import (
    AdminResetUserPasswordRequest,
    AdminResetUserPasswordResponse,
    ChangePasswordRequest,
    ChangePasswordResponse,
    CodeDeliveryDetailsType,
    ConfirmForgotPasswordRequest,
    ConfirmForgotPasswordResponse,
    ConfirmSignUpRequest,
    ConfirmSignUpResponse,
    DeleteUserAttributesRequest,
    DeleteUserAttributesResponse,
    DeleteUserRequest,
    DeliveryMediumType,
    ForgotPasswordRequest,
    ForgotPasswordResponse,
    GetUserAttributeVerificationCodeRequest,
    GetUserAttributeVerificationCodeResponse,
    GetUserRequest,
    GetUserResponse,
    ResendConfirmationCodeRequest,
    ResendConfirmationCodeResponse,
    SetUserSettingsRequest,
    SetUserSettingsResponse,
    SignUpRequest,
    SignUpResponse,
    UpdateUserAttributesRequest,
    UpdateUserAttributesResponse,
    VerifyUserAttributeRequest,
    VerifyUserAttributeResponse,
)


def _delivery(delivery: CodeDelivery) -> CodeDeliveryDetailsType:
    return {
        "Destination": delivery.destination,
        # The domain names media as the model does.
        "DeliveryMedium": cast(DeliveryMediumType, delivery.medium),
        "AttributeName": delivery.attribute,
    }


def sign_up(s: Services, p: SignUpRequest, ctx: RequestContext) -> SignUpResponse:
    user, delivery, session = s.sign_up.sign_up(
        p["ClientId"],
        p["Username"],
        p.get("Password"),
        pairs(p.get("UserAttributes")),
        p.get("SecretHash"),
        validation_data=pairs(p["ValidationData"]) if "ValidationData" in p else None,
        client_metadata=_metadata(p.get("ClientMetadata")),
    )
    confirmed = user.status is UserStatus.CONFIRMED
    result: SignUpResponse = {"UserConfirmed": confirmed, "UserSub": user.sub}
    if delivery:
        result["CodeDeliveryDetails"] = _delivery(delivery)
    if session is not None:
        result["Session"] = session
    return result


def confirm_sign_up(
    s: Services, p: ConfirmSignUpRequest, ctx: RequestContext
) -> ConfirmSignUpResponse:
    session = s.sign_up.confirm_sign_up(
        p["ClientId"],
        p["Username"],
        p["ConfirmationCode"],
        p.get("SecretHash"),
        bool(p.get("ForceAliasCreation", False)),
        session=p.get("Session"),
        client_metadata=_metadata(p.get("ClientMetadata")),
    )
    return {} if session is None else {"Session": session}


def resend_confirmation_code(
    s: Services, p: ResendConfirmationCodeRequest, ctx: RequestContext
) -> ResendConfirmationCodeResponse:
    delivery = s.sign_up.resend_confirmation_code(
        p["ClientId"], p["Username"], p.get("SecretHash"), _metadata(p.get("ClientMetadata"))
    )
    return {"CodeDeliveryDetails": _delivery(delivery)}


def forgot_password(
    s: Services, p: ForgotPasswordRequest, ctx: RequestContext
) -> ForgotPasswordResponse:
    delivery = s.recovery.forgot_password(
        p["ClientId"], p["Username"], p.get("SecretHash"), _metadata(p.get("ClientMetadata"))
    )
    return {"CodeDeliveryDetails": _delivery(delivery)}


def confirm_forgot_password(
    s: Services, p: ConfirmForgotPasswordRequest, ctx: RequestContext
) -> ConfirmForgotPasswordResponse:
    s.recovery.confirm_forgot_password(
        p["ClientId"],
        p["Username"],
        p["ConfirmationCode"],
        p["Password"],
        p.get("SecretHash"),
        _metadata(p.get("ClientMetadata")),
    )
    return {}


def admin_reset_user_password(
    s: Services, p: AdminResetUserPasswordRequest, ctx: RequestContext
) -> AdminResetUserPasswordResponse:
    s.recovery.admin_reset_password(ctx.region, p["UserPoolId"], p["Username"])
    return {}


def get_user(s: Services, p: GetUserRequest, ctx: RequestContext) -> GetUserResponse:
    user, shown = s.self_service.get_user(p["AccessToken"])
    result: GetUserResponse = {
        "Username": user.username,
        "UserAttributes": render.attributes(shown),
    }
    if user.mfa_options:
        result["MFAOptions"] = render.mfa_options(user)
    result.update(mfa_members(s.mfa.settings_by_token(p["AccessToken"])))  # type: ignore[typeddict-item]
    return result


def update_user_attributes(
    s: Services, p: UpdateUserAttributesRequest, ctx: RequestContext
) -> UpdateUserAttributesResponse:
    sent = s.attribute_updates.update_user_attributes(
        p["AccessToken"], pairs(p["UserAttributes"]), _metadata(p.get("ClientMetadata"))
    )
    result: UpdateUserAttributesResponse = {}
    if sent:
        result["CodeDeliveryDetailsList"] = [_delivery(d) for d in sent]
    return result


def get_user_attribute_verification_code(
    s: Services, p: GetUserAttributeVerificationCodeRequest, ctx: RequestContext
) -> GetUserAttributeVerificationCodeResponse:
    delivery = s.attribute_updates.get_user_attribute_verification_code(
        p["AccessToken"], p["AttributeName"], _metadata(p.get("ClientMetadata"))
    )
    return {"CodeDeliveryDetails": _delivery(delivery)}


def verify_user_attribute(
    s: Services, p: VerifyUserAttributeRequest, ctx: RequestContext
) -> VerifyUserAttributeResponse:
    s.attribute_updates.verify_user_attribute(p["AccessToken"], p["AttributeName"], p["Code"])
    return {}


def delete_user_attributes(
    s: Services, p: DeleteUserAttributesRequest, ctx: RequestContext
) -> DeleteUserAttributesResponse:
    s.self_service.delete_user_attributes(p["AccessToken"], list(p["UserAttributeNames"]))
    return {}


def set_user_settings(
    s: Services, p: SetUserSettingsRequest, ctx: RequestContext
) -> SetUserSettingsResponse:
    s.self_service.set_user_settings(p["AccessToken"], mfa_options(p["MFAOptions"]))
    return {}


def delete_user(s: Services, p: DeleteUserRequest, ctx: RequestContext) -> None:
    s.self_service.delete_user(p["AccessToken"])


def change_password(
    s: Services, p: ChangePasswordRequest, ctx: RequestContext
) -> ChangePasswordResponse:
    s.self_service.change_password(
        p["AccessToken"], p.get("PreviousPassword"), p["ProposedPassword"]
    )
    return {}


OPERATIONS: dict[str, Operation] = {
    "SignUp": sign_up,
    "ConfirmSignUp": confirm_sign_up,
    "ResendConfirmationCode": resend_confirmation_code,
    "ForgotPassword": forgot_password,
    "ConfirmForgotPassword": confirm_forgot_password,
    "AdminResetUserPassword": admin_reset_user_password,
    "GetUser": get_user,
    "UpdateUserAttributes": update_user_attributes,
    "GetUserAttributeVerificationCode": get_user_attribute_verification_code,
    "VerifyUserAttribute": verify_user_attribute,
    "DeleteUserAttributes": delete_user_attributes,
    "SetUserSettings": set_user_settings,
    "DeleteUser": delete_user,
    "ChangePassword": change_password,
}


def _metadata(given: Mapping[str, str] | None) -> tuple[tuple[str, str], ...] | None:
    """``ClientMetadata`` for a trigger's event; ``None`` when not given."""
    return None if given is None else tuple(given.items())
