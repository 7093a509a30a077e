"""Self-service accounts: sign-up, password reset, and the calls an access token authorises."""

from __future__ import annotations

from typing import Any

from userpools.domain.accounts import CodeDelivery
from userpools.operations import render
from userpools.operations.services import Services
from userpools.operations.users import pairs
from userpools.protocol.dispatch import RequestContext


def _delivery(delivery: CodeDelivery) -> dict[str, str]:
    return {
        "Destination": delivery.destination,
        "DeliveryMedium": delivery.medium,
        "AttributeName": delivery.attribute,
    }


def sign_up(s: Services, p: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    user, delivery = s.accounts.sign_up(
        p["ClientId"],
        p["Username"],
        p.get("Password"),
        pairs(p.get("UserAttributes")),
        p.get("SecretHash"),
    )
    return {
        "UserConfirmed": False,
        "UserSub": user.sub,
        "CodeDeliveryDetails": _delivery(delivery) if delivery else None,
    }


def confirm_sign_up(s: Services, p: dict[str, Any], ctx: RequestContext) -> None:
    s.accounts.confirm_sign_up(
        p["ClientId"],
        p["Username"],
        p["ConfirmationCode"],
        p.get("SecretHash"),
        bool(p.get("ForceAliasCreation", False)),
    )


def resend_confirmation_code(s: Services, p: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    delivery = s.accounts.resend_confirmation_code(
        p["ClientId"], p["Username"], p.get("SecretHash")
    )
    return {"CodeDeliveryDetails": _delivery(delivery)}


def forgot_password(s: Services, p: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    delivery = s.accounts.forgot_password(p["ClientId"], p["Username"], p.get("SecretHash"))
    return {"CodeDeliveryDetails": _delivery(delivery)}


def confirm_forgot_password(s: Services, p: dict[str, Any], ctx: RequestContext) -> None:
    s.accounts.confirm_forgot_password(
        p["ClientId"], p["Username"], p["ConfirmationCode"], p["Password"], p.get("SecretHash")
    )


def admin_reset_user_password(s: Services, p: dict[str, Any], ctx: RequestContext) -> None:
    s.accounts.admin_reset_password(ctx.region, p["UserPoolId"], p["Username"])


def get_user(s: Services, p: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    user, shown = s.accounts.get_user(p["AccessToken"])
    return {
        "Username": user.username,
        "UserAttributes": render.attributes(shown),
        "MFAOptions": render.mfa_options(user),
    }


def update_user_attributes(s: Services, p: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    s.accounts.update_user_attributes(p["AccessToken"], pairs(p["UserAttributes"]))
    return {}


def delete_user(s: Services, p: dict[str, Any], ctx: RequestContext) -> None:
    s.accounts.delete_user(p["AccessToken"])


def change_password(s: Services, p: dict[str, Any], ctx: RequestContext) -> None:
    s.accounts.change_password(p["AccessToken"], p.get("PreviousPassword"), p["ProposedPassword"])


OPERATIONS = {
    "SignUp": sign_up,
    "ConfirmSignUp": confirm_sign_up,
    "ResendConfirmationCode": resend_confirmation_code,
    "ForgotPassword": forgot_password,
    "ConfirmForgotPassword": confirm_forgot_password,
    "AdminResetUserPassword": admin_reset_user_password,
    "GetUser": get_user,
    "UpdateUserAttributes": update_user_attributes,
    "DeleteUser": delete_user,
    "ChangePassword": change_password,
}
