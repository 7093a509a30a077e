"""AdminListUserAuthEvents from the record of sign-in attempts (threat protection on only)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import error_of

PASSWORD = "Correct-horse-1"


def make_pool(idp: Any, mode: str | None) -> tuple[str, str]:
    add_ons = {"UserPoolAddOns": {"AdvancedSecurityMode": mode}} if mode else {}
    pool_id = idp.create_user_pool(PoolName="events", **add_ons)["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="app",
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool_id, Username="ann", MessageAction="SUPPRESS")
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="ann", Password=PASSWORD, Permanent=True
    )
    return pool_id, client_id


def sign_in(idp: Any, pool_id: str, client_id: str, password: str) -> None:
    idp.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ann", "PASSWORD": password},
    )


@pytest.fixture
def audited(cognito_idp: Any) -> Any:
    pool_id, client_id = make_pool(cognito_idp, "AUDIT")
    yield pool_id, client_id
    cognito_idp.delete_user_pool(UserPoolId=pool_id)


def test_each_sign_in_is_recorded_newest_first(cognito_idp: Any, audited: Any) -> None:
    pool_id, client_id = audited
    sign_in(cognito_idp, pool_id, client_id, PASSWORD)
    with pytest.raises(ClientError):
        sign_in(cognito_idp, pool_id, client_id, "Wrong-password-1")
    events = cognito_idp.admin_list_user_auth_events(UserPoolId=pool_id, Username="ann")
    failed, passed = events["AuthEvents"]
    assert passed["EventType"] == failed["EventType"] == "SignIn"
    assert passed["EventResponse"] == "Pass"
    assert passed["ChallengeResponses"] == [
        {"ChallengeName": "Password", "ChallengeResponse": "Success"}
    ]
    assert failed["EventResponse"] == "Fail"
    assert failed["ChallengeResponses"] == [
        {"ChallengeName": "Password", "ChallengeResponse": "Failure"}
    ]
    assert failed["CreationDate"] >= passed["CreationDate"]
    assert failed["EventId"] != passed["EventId"]
    assert PASSWORD not in str(events) and "Wrong-password-1" not in str(events)


def test_events_page_with_max_results(cognito_idp: Any, audited: Any) -> None:
    pool_id, client_id = audited
    for _ in range(3):
        sign_in(cognito_idp, pool_id, client_id, PASSWORD)
    first = cognito_idp.admin_list_user_auth_events(
        UserPoolId=pool_id, Username="ann", MaxResults=2
    )
    assert len(first["AuthEvents"]) == 2
    rest = cognito_idp.admin_list_user_auth_events(
        UserPoolId=pool_id, Username="ann", MaxResults=2, NextToken=first["NextToken"]
    )
    assert len(rest["AuthEvents"]) == 1 and "NextToken" not in rest
    ids = [e["EventId"] for e in first["AuthEvents"] + rest["AuthEvents"]]
    assert len(set(ids)) == 3
    paginator = cognito_idp.get_paginator("admin_list_user_auth_events")
    pages = paginator.paginate(UserPoolId=pool_id, Username="ann", PaginationConfig={"PageSize": 1})
    assert [e["EventId"] for page in pages for e in page["AuthEvents"]] == ids


def test_unknown_user_and_forged_token(cognito_idp: Any, audited: Any) -> None:
    pool_id, _ = audited
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_list_user_auth_events(UserPoolId=pool_id, Username="nobody")
    assert error_of(excinfo) == ("UserNotFoundException", "User does not exist.")
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_list_user_auth_events(
            UserPoolId=pool_id, Username="ann", NextToken="forged"
        )
    assert error_of(excinfo) == ("InvalidParameterException", "Invalid pagination token.")


def test_pools_without_threat_protection_refuse_and_record_nothing(cognito_idp: Any) -> None:
    pool_id, client_id = make_pool(cognito_idp, None)
    try:
        sign_in(cognito_idp, pool_id, client_id, PASSWORD)
        with pytest.raises(ClientError) as excinfo:
            cognito_idp.admin_list_user_auth_events(UserPoolId=pool_id, Username="ann")
        assert error_of(excinfo) == (
            "UserPoolAddOnNotEnabledException",
            "Advanced security features are not enabled for this user pool.",
        )
        # Turned on later, it shows only what came after.
        cognito_idp.update_user_pool(
            UserPoolId=pool_id, UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"}
        )
        events = cognito_idp.admin_list_user_auth_events(UserPoolId=pool_id, Username="ann")
        assert events["AuthEvents"] == []
    finally:
        cognito_idp.delete_user_pool(UserPoolId=pool_id)


def test_srp_sign_ins_are_recorded_too(cognito_idp: Any, audited: Any) -> None:
    from pycognito.aws_srp import AWSSRP  # type: ignore[import-untyped]

    pool_id, _ = audited
    srp_client_id = cognito_idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="srp", ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"]
    )["UserPoolClient"]["ClientId"]
    for password in (PASSWORD, "Wrong-password-1"):
        srp = AWSSRP(
            username="ann",
            password=password,
            pool_id=pool_id,
            client_id=srp_client_id,
            client=cognito_idp,
        )
        try:
            srp.authenticate_user()
        except ClientError as error:
            assert error.response["Error"]["Code"] == "NotAuthorizedException"
    events = cognito_idp.admin_list_user_auth_events(UserPoolId=pool_id, Username="ann")
    assert [e["EventResponse"] for e in events["AuthEvents"]] == ["Fail", "Pass"]
