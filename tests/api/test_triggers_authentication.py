"""Sign-in triggers through the Lambda Invoke API: PreAuthentication, PostAuthentication and
PreTokenGeneration (V1 and V2, on sign-in, refresh and the new-password challenge), each event
compared key by key with AWS's documented one (cited beside it), each refusal with its
message."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from invoke_api import InvokeApi
from lambda_triggers import (
    PASSWORD,
    arn,
    assert_event,
    confirmed_user,
    make_pool,
    passthrough,
    sign_in,
)
from support import claims, error_of

PRE_AUTH = arn("pre-auth")
POST_AUTH = arn("post-auth")
PRE_TOKEN = arn("pre-token")

#: The guide's "Pre authentication Lambda trigger" sample.
AWS_PRE_AUTHENTICATION = {
    "version": "1",
    "triggerSource": "PreAuthentication_Authentication",
    "region": "<region>",
    "userPoolId": "<userPoolId>",
    "userName": "<userName>",
    "callerContext": {"awsSdkVersion": "<sdk>", "clientId": "<client>"},
    "request": {"userAttributes": {}, "userNotFound": False, "validationData": {}},
    "response": {},
}
#: The guide's "Post authentication Lambda trigger" sample.
AWS_POST_AUTHENTICATION = {
    "version": "1",
    "triggerSource": "PostAuthentication_Authentication",
    "region": "<region>",
    "userPoolId": "<userPoolId>",
    "userName": "<userName>",
    "callerContext": {"awsSdkVersion": "<sdk>", "clientId": "<client>"},
    "request": {"userAttributes": {}, "newDeviceUsed": False},
    "response": {},
}
#: The guide's V1 pre token generation request (response as sent: not yet overridden).
AWS_PRE_TOKEN_V1 = {
    "version": "1",
    "triggerSource": "TokenGeneration_Authentication",
    "region": "<region>",
    "userPoolId": "<userPoolId>",
    "userName": "<userName>",
    "callerContext": {"awsSdkVersion": "<sdk>", "clientId": "<client>"},
    "request": {
        "userAttributes": {},
        "groupConfiguration": {
            "groupsToOverride": [],
            "iamRolesToOverride": [],
            "preferredRole": None,
        },
    },
    "response": {"claimsOverrideDetails": None},
}
#: aws/aws-lambda-go events/testdata/cognito-event-userpools-pretokengen-v2_0.json's request.
AWS_PRE_TOKEN_V2 = AWS_PRE_TOKEN_V1 | {
    "version": "2",
    "request": AWS_PRE_TOKEN_V1["request"] | {"scopes": ["aws.cognito.signin.user.admin"]},
    "response": {"claimsAndScopeOverrideDetails": None},
}


def test_pre_and_post_authentication_events(client: Any, api: InvokeApi) -> None:
    pool_id, client_id = make_pool(
        client, LambdaConfig={"PreAuthentication": PRE_AUTH, "PostAuthentication": POST_AUTH}
    )
    confirmed_user(client, pool_id)
    api.handlers[PRE_AUTH] = passthrough
    api.handlers[POST_AUTH] = passthrough
    sign_in(client, client_id, ClientMetadata={"app": "web"})
    (pre,) = api.events(PRE_AUTH)
    assert_event(
        pre,
        AWS_PRE_AUTHENTICATION,
        userName="kim",
        callerContext__clientId=client_id,
        request__validationData={"app": "web"},
        request__userNotFound=False,
    )
    assert pre["request"]["userAttributes"]["email"] == "kim@example.com"
    assert pre["request"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"
    (post,) = api.events(POST_AUTH)
    assert_event(post, AWS_POST_AUTHENTICATION, userName="kim", callerContext__clientId=client_id)


def test_pre_authentication_for_an_unknown_user_only_where_existence_is_hidden(
    client: Any, api: InvokeApi
) -> None:
    """ "This Lambda trigger doesn't activate when a user doesn't exist unless the
    PreventUserExistenceErrors setting of a user pool app client is set to ENABLED"; then
    ``userNotFound`` is true (the guide's pre authentication page), and the sign-in fails as
    for any unknown user."""
    pool_id, legacy = make_pool(client, LambdaConfig={"PreAuthentication": PRE_AUTH})
    hiding = client.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="hiding",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
        PreventUserExistenceErrors="ENABLED",
    )["UserPoolClient"]["ClientId"]
    client.update_user_pool_client(
        UserPoolId=pool_id,
        ClientId=legacy,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
        PreventUserExistenceErrors="LEGACY",
    )
    api.handlers[PRE_AUTH] = passthrough
    with pytest.raises(ClientError) as excinfo:
        sign_in(client, legacy, "ghost")
    assert error_of(excinfo) == ("UserNotFoundException", "User does not exist.")
    assert api.events(PRE_AUTH) == []

    with pytest.raises(ClientError) as excinfo:
        sign_in(client, hiding, "ghost", ClientMetadata={"app": "web"})
    assert error_of(excinfo) == ("NotAuthorizedException", "Incorrect username or password.")
    (event,) = api.events(PRE_AUTH)
    assert_event(
        event,
        AWS_PRE_AUTHENTICATION,
        userName="ghost",
        callerContext__clientId=hiding,
        request__userAttributes={},
        request__userNotFound=True,
        request__validationData={"app": "web"},
    )


def test_a_failing_pre_authentication_refuses_the_sign_in(client: Any, api: InvokeApi) -> None:
    pool_id, client_id = make_pool(
        client, LambdaConfig={"PreAuthentication": PRE_AUTH, "PostAuthentication": POST_AUTH}
    )
    confirmed_user(client, pool_id)

    def refuse(event: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("Locked by the app")

    api.handlers[PRE_AUTH] = refuse
    with pytest.raises(ClientError) as excinfo:
        sign_in(client, client_id)
    assert error_of(excinfo) == (
        "UserLambdaValidationException",
        "PreAuthentication failed with error Locked by the app.",
    )
    assert api.events(POST_AUTH) == []


def test_a_failing_post_authentication_issues_no_tokens(client: Any, api: InvokeApi) -> None:
    pool_id, client_id = make_pool(client, LambdaConfig={"PostAuthentication": POST_AUTH})
    confirmed_user(client, pool_id)

    def refuse(event: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("audit log down")

    api.handlers[POST_AUTH] = refuse
    with pytest.raises(ClientError) as excinfo:
        sign_in(client, client_id)
    assert error_of(excinfo) == (
        "UserLambdaValidationException",
        "PostAuthentication failed with error audit log down.",
    )


def test_pre_token_generation_v1_changes_the_id_token_and_groups(
    client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = make_pool(client, LambdaConfig={"PreTokenGeneration": PRE_TOKEN})
    confirmed_user(client, pool_id)
    client.create_group(UserPoolId=pool_id, GroupName="staff", Precedence=1)
    client.admin_add_user_to_group(UserPoolId=pool_id, Username="kim", GroupName="staff")

    def customize(event: dict[str, Any]) -> dict[str, Any]:
        event["response"]["claimsOverrideDetails"] = {
            "claimsToAddOrOverride": {"tenant": "acme", "family_name": "Changed", "both": "x"},
            "claimsToSuppress": ["email", "both"],
            "groupOverrideDetails": {"groupsToOverride": ["admins", "ops"]},
        }
        return event

    api.handlers[PRE_TOKEN] = customize
    result = sign_in(client, client_id)["AuthenticationResult"]
    (event,) = api.events(PRE_TOKEN)
    assert_event(
        event,
        AWS_PRE_TOKEN_V1,
        version="1",
        triggerSource="TokenGeneration_Authentication",
        request__groupConfiguration={
            "groupsToOverride": ["staff"],
            "iamRolesToOverride": [],
            "preferredRole": None,
        },
    )
    id_claims, access_claims = claims(result["IdToken"]), claims(result["AccessToken"])
    assert id_claims["tenant"] == "acme"
    assert id_claims["family_name"] == "Changed"
    assert "email" not in id_claims
    assert "both" not in id_claims  # suppressed beats overridden
    assert id_claims["cognito:groups"] == ["admins", "ops"]
    assert access_claims["cognito:groups"] == ["admins", "ops"]  # the group override only
    assert "tenant" not in access_claims


def test_pre_token_generation_v2_changes_both_tokens_and_scopes(
    client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = make_pool(
        client,
        LambdaConfig={
            "PreTokenGenerationConfig": {"LambdaArn": PRE_TOKEN, "LambdaVersion": "V2_0"}
        },
    )
    confirmed_user(client, pool_id)

    def customize(event: dict[str, Any]) -> dict[str, Any]:
        event["response"]["claimsAndScopeOverrideDetails"] = {
            "idTokenGeneration": {"claimsToAddOrOverride": {"plan": "gold", "sub": "forged"}},
            "accessTokenGeneration": {
                "claimsToAddOrOverride": {"plan": "gold", "roles": ["a", "b"]},
                "claimsToSuppress": ["plan"],
                "scopesToAdd": ["orders/read"],
                "scopesToSuppress": ["aws.cognito.signin.user.admin"],
            },
            "groupOverrideDetails": None,
        }
        return event

    api.handlers[PRE_TOKEN] = customize
    first = sign_in(client, client_id)["AuthenticationResult"]
    (event,) = api.events(PRE_TOKEN)
    assert_event(
        event, AWS_PRE_TOKEN_V2, version="2", request__scopes=["aws.cognito.signin.user.admin"]
    )
    id_claims, access_claims = claims(first["IdToken"]), claims(first["AccessToken"])
    assert id_claims["plan"] == "gold"
    assert id_claims["sub"] != "forged"  # reserved
    assert access_claims["roles"] == ["a", "b"]
    assert "plan" not in access_claims
    assert access_claims["scope"] == "orders/read"
    refreshed = client.initiate_auth(
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]},
    )["AuthenticationResult"]
    assert api.events(PRE_TOKEN)[-1]["triggerSource"] == "TokenGeneration_RefreshTokens"
    assert claims(refreshed["IdToken"])["plan"] == "gold"


def test_new_password_challenge_source(client: Any, api: InvokeApi) -> None:
    pool_id, client_id = make_pool(client, LambdaConfig={"PreTokenGeneration": PRE_TOKEN})
    client.admin_create_user(
        UserPoolId=pool_id,
        Username="lee",
        TemporaryPassword="Temp-pass-1",
        MessageAction="SUPPRESS",
    )
    api.handlers[PRE_TOKEN] = passthrough
    started = sign_in(client, client_id, "lee", "Temp-pass-1")
    assert started["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert api.events(PRE_TOKEN) == []
    client.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=started["Session"],
        ChallengeResponses={"USERNAME": "lee", "NEW_PASSWORD": PASSWORD},
    )
    (event,) = api.events(PRE_TOKEN)
    assert event["triggerSource"] == "TokenGeneration_NewPasswordChallenge"
