"""Which trigger gets which call's ``ClientMetadata``, as the API reference routes it.

InitiateAuth and AdminInitiateAuth: "The ClientMetadata value is passed as input to the
functions for only the following triggers: Pre signup, Pre authentication, User migration";
they also invoke Post authentication, Custom message, Pre token generation, Create and Define
auth challenge and the custom senders, "but doesn't pass ClientMetadata" (the botocore model's
``ClientMetadata`` documentation of both operations). RespondToAuthChallenge,
AdminRespondToAuthChallenge and GetTokensFromRefreshToken pass theirs to every trigger they
invoke. The custom email sender page lists the sender sources that get it: ``_SignUp``,
``_ForgotPassword`` and ``_Authentication``.
"""

from __future__ import annotations

from typing import Any

from invoke_api import InvokeApi
from lambda_triggers import (
    CREATE,
    DEFINE,
    VERIFY,
    arn,
    confirmed_user,
    create,
    custom_auth_pool,
    define,
    make_pool,
    passthrough,
    sign_in,
    verify,
)

POST_AUTH = arn("metadata-post-auth")
PRE_TOKEN = arn("metadata-pre-token")
PRE_AUTH = arn("metadata-pre-auth")
CUSTOM_MESSAGE = arn("metadata-custom-message")
EMAIL_SENDER = arn("metadata-email-sender")
INITIATE = {"from": "initiate"}
RESPOND = {"from": "respond"}


def test_initiate_auth_metadata_reaches_pre_authentication_only(
    client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = make_pool(
        client,
        LambdaConfig={
            "PreAuthentication": PRE_AUTH,
            "PostAuthentication": POST_AUTH,
            "PreTokenGeneration": PRE_TOKEN,
        },
    )
    confirmed_user(client, pool_id)
    api.handlers.update({PRE_AUTH: passthrough, POST_AUTH: passthrough, PRE_TOKEN: passthrough})
    sign_in(client, client_id, ClientMetadata=INITIATE)
    (pre,) = api.events(PRE_AUTH)
    assert pre["request"]["validationData"] == INITIATE
    assert "clientMetadata" not in pre["request"]
    for function in (POST_AUTH, PRE_TOKEN):
        (event,) = api.events(function)
        assert "clientMetadata" not in event["request"], function


def test_respond_metadata_reaches_every_trigger_it_invokes(client: Any, api: InvokeApi) -> None:
    pool_id, client_id = custom_auth_pool(client, "metadata")
    client.update_user_pool(
        UserPoolId=pool_id,
        LambdaConfig={
            "DefineAuthChallenge": DEFINE,
            "CreateAuthChallenge": CREATE,
            "VerifyAuthChallengeResponse": VERIFY,
            "PostAuthentication": POST_AUTH,
            "PreTokenGeneration": PRE_TOKEN,
        },
    )
    api.handlers.update({DEFINE: define, CREATE: create, VERIFY: verify, POST_AUTH: passthrough})
    api.handlers[PRE_TOKEN] = passthrough
    started = client.initiate_auth(
        ClientId=client_id,
        AuthFlow="CUSTOM_AUTH",
        AuthParameters={"USERNAME": "kim"},
        ClientMetadata=INITIATE,
    )
    # InitiateAuth's metadata reaches neither the first decision nor the challenge made.
    for function in (DEFINE, CREATE):
        (event,) = api.events(function)
        assert "clientMetadata" not in event["request"], function

    client.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="CUSTOM_CHALLENGE",
        Session=started["Session"],
        ChallengeResponses={"USERNAME": "kim", "ANSWER": "2468"},
        ClientMetadata=RESPOND,
    )
    (checked,) = api.events(VERIFY)
    assert checked["request"]["clientMetadata"] == RESPOND
    assert api.events(DEFINE)[-1]["request"]["clientMetadata"] == RESPOND
    for function in (POST_AUTH, PRE_TOKEN):
        (event,) = api.events(function)
        assert event["request"]["clientMetadata"] == RESPOND, function


def test_get_tokens_from_refresh_token_metadata_reaches_pre_token_generation(
    client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = make_pool(client, LambdaConfig={"PreTokenGeneration": PRE_TOKEN})
    confirmed_user(client, pool_id)
    api.handlers[PRE_TOKEN] = passthrough
    refresh = sign_in(client, client_id)["AuthenticationResult"]["RefreshToken"]
    client.get_tokens_from_refresh_token(
        ClientId=client_id, RefreshToken=refresh, ClientMetadata={"why": "refresh"}
    )
    first, refreshed = api.events(PRE_TOKEN)
    assert "clientMetadata" not in first["request"]
    assert refreshed["triggerSource"] == "TokenGeneration_RefreshTokens"
    assert refreshed["request"]["clientMetadata"] == {"why": "refresh"}


def test_account_calls_give_their_metadata_to_custom_message(client: Any, api: InvokeApi) -> None:
    """ForgotPassword, ResendConfirmationCode, (Admin)UpdateUserAttributes and
    GetUserAttributeVerificationCode each pass ``ClientMetadata`` to the custom message
    trigger (each operation's ``ClientMetadata`` documentation)."""
    pool_id, client_id = make_pool(
        client,
        LambdaConfig={"CustomMessage": CUSTOM_MESSAGE},
        AutoVerifiedAttributes=["email"],
    )
    api.handlers[CUSTOM_MESSAGE] = passthrough
    client.sign_up(
        ClientId=client_id,
        Username="lee",
        Password="Correct-horse-1",
        UserAttributes=[{"Name": "email", "Value": "lee@example.com"}],
    )
    client.resend_confirmation_code(
        ClientId=client_id, Username="lee", ClientMetadata={"op": "resend"}
    )
    client.admin_confirm_sign_up(UserPoolId=pool_id, Username="lee")
    client.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="lee",
        UserAttributes=[{"Name": "email_verified", "Value": "true"}],
    )
    client.forgot_password(ClientId=client_id, Username="lee", ClientMetadata={"op": "forgot"})
    token = sign_in(client, client_id, username="lee")["AuthenticationResult"]["AccessToken"]
    client.update_user_attributes(
        AccessToken=token,
        UserAttributes=[{"Name": "email", "Value": "lee2@example.com"}],
        ClientMetadata={"op": "update"},
    )
    client.get_user_attribute_verification_code(
        AccessToken=token, AttributeName="email", ClientMetadata={"op": "verify"}
    )
    client.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="lee",
        UserAttributes=[{"Name": "email", "Value": "lee3@example.com"}],
        ClientMetadata={"op": "admin-update"},
    )
    seen = [
        (e["triggerSource"], e["request"].get("clientMetadata")) for e in api.events(CUSTOM_MESSAGE)
    ]
    assert seen == [
        ("CustomMessage_SignUp", None),
        ("CustomMessage_ResendCode", {"op": "resend"}),
        ("CustomMessage_ForgotPassword", {"op": "forgot"}),
        ("CustomMessage_UpdateUserAttribute", {"op": "update"}),
        ("CustomMessage_VerifyUserAttribute", {"op": "verify"}),
        ("CustomMessage_UpdateUserAttribute", {"op": "admin-update"}),
    ]


def test_a_senders_metadata_comes_only_where_the_guide_lists_it(
    client: Any, api: InvokeApi
) -> None:
    """ForgotPassword's metadata reaches ``CustomEmailSender_ForgotPassword``;
    ResendConfirmationCode's does not reach ``_ResendCode``, which is sent ``null``."""
    pool_id, client_id = make_pool(
        client,
        LambdaConfig={
            "CustomEmailSender": {"LambdaVersion": "V1_0", "LambdaArn": EMAIL_SENDER},
            "KMSKeyID": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234",
        },
        AutoVerifiedAttributes=["email"],
    )
    api.asynchronous.add(EMAIL_SENDER)
    api.handlers[EMAIL_SENDER] = passthrough
    client.sign_up(
        ClientId=client_id,
        Username="max",
        Password="Correct-horse-1",
        UserAttributes=[{"Name": "email", "Value": "max@example.com"}],
        ClientMetadata={"op": "sign-up"},
    )
    client.resend_confirmation_code(
        ClientId=client_id, Username="max", ClientMetadata={"op": "resend"}
    )
    client.admin_confirm_sign_up(UserPoolId=pool_id, Username="max")
    client.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="max",
        UserAttributes=[{"Name": "email_verified", "Value": "true"}],
    )
    client.forgot_password(ClientId=client_id, Username="max", ClientMetadata={"op": "forgot"})
    seen = [(e["triggerSource"], e["request"]["clientMetadata"]) for e in api.events(EMAIL_SENDER)]
    assert seen == [
        ("CustomEmailSender_SignUp", {"op": "sign-up"}),
        ("CustomEmailSender_ResendCode", None),
        ("CustomEmailSender_ForgotPassword", {"op": "forgot"}),
    ]
