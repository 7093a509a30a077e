"""A pool's settings outside its configuration, its import header, and its sign-in events:
Get/SetUICustomization, Describe/SetRiskConfiguration, Get/SetLogDeliveryConfiguration,
GetSigningCertificate, GetCSVHeader, AdminListUserAuthEvents."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from userpools.domain.models import AuthEvent, PoolSetting
from userpools.domain.settings import ALL_CLIENTS, LOG_DELIVERY, RISK, UI
from userpools.operations import render
from userpools.operations.services import Operation, Services
from userpools.protocol.dispatch import RequestContext
from userpools.protocol.shapes import (
    AdminListUserAuthEventsRequest,
    AdminListUserAuthEventsResponse,
    AuthEventType,
    DescribeRiskConfigurationRequest,
    DescribeRiskConfigurationResponse,
    GetCSVHeaderRequest,
    GetCSVHeaderResponse,
    GetLogDeliveryConfigurationRequest,
    GetLogDeliveryConfigurationResponse,
    GetSigningCertificateRequest,
    GetSigningCertificateResponse,
    GetUICustomizationRequest,
    GetUICustomizationResponse,
    LogConfigurationType,
    RiskConfigurationType,
    SetLogDeliveryConfigurationRequest,
    SetLogDeliveryConfigurationResponse,
    SetRiskConfigurationRequest,
    SetRiskConfigurationResponse,
    SetUICustomizationRequest,
    SetUICustomizationResponse,
    UICustomizationType,
)

_RISK_MEMBERS = (
    "CompromisedCredentialsRiskConfiguration",
    "AccountTakeoverRiskConfiguration",
    "RiskExceptionConfiguration",
)


def _shown_client(setting: PoolSetting | None, asked: str | None) -> str:
    """The ``ClientId`` an answer names: the client's own setting, else ``ALL``."""
    if setting is not None and setting.client_key is None:
        return ALL_CLIENTS
    return asked or ALL_CLIENTS


# UI customization -----------------------------------------------------------------------------


def _ui(pool_id: str, setting: PoolSetting | None, asked: str | None) -> UICustomizationType:
    shown: UICustomizationType = {"UserPoolId": pool_id, "ClientId": _shown_client(setting, asked)}
    if setting is None:
        return shown
    if "CSS" in setting.document:
        shown["CSS"] = setting.document["CSS"]
        shown["CSSVersion"] = str(int(setting.updated_at * 1000))
    shown["CreationDate"] = render.when(setting.created_at)
    shown["LastModifiedDate"] = render.when(setting.updated_at)
    return shown


def set_ui_customization(
    s: Services, p: SetUICustomizationRequest, ctx: RequestContext
) -> SetUICustomizationResponse:
    # ImageFile arrives base64 (validated as such) and is kept so; this server hosts no
    # image, so the answer has no ImageUrl.
    wire: Mapping[str, Any] = p
    document = {name: wire[name] for name in ("CSS", "ImageFile") if name in wire}
    client_id = p.get("ClientId")
    setting = s.settings.put(ctx.region, p["UserPoolId"], UI, client_id, document)
    return {"UICustomization": _ui(p["UserPoolId"], setting, client_id)}


def get_ui_customization(
    s: Services, p: GetUICustomizationRequest, ctx: RequestContext
) -> GetUICustomizationResponse:
    client_id = p.get("ClientId")
    setting = s.settings.get(ctx.region, p["UserPoolId"], UI, client_id)
    return {"UICustomization": _ui(p["UserPoolId"], setting, client_id)}


# risk configuration ---------------------------------------------------------------------------


def _risk(pool_id: str, setting: PoolSetting | None, asked: str | None) -> RiskConfigurationType:
    shown: RiskConfigurationType = {"UserPoolId": pool_id}
    if setting is None:
        return shown
    if setting.client_key is not None and asked is not None:
        shown["ClientId"] = asked
    shown.update(cast(RiskConfigurationType, dict(setting.document)))
    shown["LastModifiedDate"] = render.when(setting.updated_at)
    return shown


def set_risk_configuration(
    s: Services, p: SetRiskConfigurationRequest, ctx: RequestContext
) -> SetRiskConfigurationResponse:
    wire: Mapping[str, Any] = p
    document = {name: wire[name] for name in _RISK_MEMBERS if name in wire}
    client_id = p.get("ClientId")
    setting = s.settings.put(ctx.region, p["UserPoolId"], RISK, client_id, document)
    return {"RiskConfiguration": _risk(p["UserPoolId"], setting, client_id)}


def describe_risk_configuration(
    s: Services, p: DescribeRiskConfigurationRequest, ctx: RequestContext
) -> DescribeRiskConfigurationResponse:
    client_id = p.get("ClientId")
    setting = s.settings.get(ctx.region, p["UserPoolId"], RISK, client_id)
    return {"RiskConfiguration": _risk(p["UserPoolId"], setting, client_id)}


# log delivery ---------------------------------------------------------------------------------


def set_log_delivery_configuration(
    s: Services, p: SetLogDeliveryConfigurationRequest, ctx: RequestContext
) -> SetLogDeliveryConfigurationResponse:
    configurations = list(p["LogConfigurations"])
    s.settings.put(
        ctx.region, p["UserPoolId"], LOG_DELIVERY, None, {"LogConfigurations": configurations}
    )
    return {
        "LogDeliveryConfiguration": {
            "UserPoolId": p["UserPoolId"],
            "LogConfigurations": configurations,
        }
    }


def get_log_delivery_configuration(
    s: Services, p: GetLogDeliveryConfigurationRequest, ctx: RequestContext
) -> GetLogDeliveryConfigurationResponse:
    setting = s.settings.get(ctx.region, p["UserPoolId"], LOG_DELIVERY)
    stored = setting.document["LogConfigurations"] if setting is not None else []
    return {
        "LogDeliveryConfiguration": {
            "UserPoolId": p["UserPoolId"],
            "LogConfigurations": cast(list[LogConfigurationType], stored),
        }
    }


# certificate, import header, events -----------------------------------------------------------


def get_signing_certificate(
    s: Services, p: GetSigningCertificateRequest, ctx: RequestContext
) -> GetSigningCertificateResponse:
    return {"Certificate": s.settings.signing_certificate(ctx.region, p["UserPoolId"])}


def get_csv_header(
    s: Services, p: GetCSVHeaderRequest, ctx: RequestContext
) -> GetCSVHeaderResponse:
    return {
        "UserPoolId": p["UserPoolId"],
        "CSVHeader": s.pools.csv_header(ctx.region, p["UserPoolId"]),
    }


def _event(event: AuthEvent) -> AuthEventType:
    return {
        "EventId": event.event_id,
        "EventType": cast(Any, event.event_type),
        "CreationDate": render.when(event.created_at),
        "EventResponse": cast(Any, event.response),
        "ChallengeResponses": [
            {"ChallengeName": cast(Any, name), "ChallengeResponse": cast(Any, result)}
            for name, result in event.challenges
        ],
    }


def admin_list_user_auth_events(
    s: Services, p: AdminListUserAuthEventsRequest, ctx: RequestContext
) -> AdminListUserAuthEventsResponse:
    page = s.events.list_events(
        ctx.region, p["UserPoolId"], p["Username"], p.get("MaxResults") or 60, p.get("NextToken")
    )
    result: AdminListUserAuthEventsResponse = {"AuthEvents": [_event(e) for e in page.items]}
    if page.next_token is not None:
        result["NextToken"] = page.next_token
    return result


OPERATIONS: dict[str, Operation] = {
    "SetUICustomization": set_ui_customization,
    "GetUICustomization": get_ui_customization,
    "SetRiskConfiguration": set_risk_configuration,
    "DescribeRiskConfiguration": describe_risk_configuration,
    "SetLogDeliveryConfiguration": set_log_delivery_configuration,
    "GetLogDeliveryConfiguration": get_log_delivery_configuration,
    "GetSigningCertificate": get_signing_certificate,
    "GetCSVHeader": get_csv_header,
    "AdminListUserAuthEvents": admin_list_user_auth_events,
}
