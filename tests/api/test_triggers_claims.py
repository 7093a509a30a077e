"""PreTokenGeneration's limits on claims and scopes: the "Claims and scopes reference" table of
the guide's pre token generation page
(https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html).

- "Any other claim with a ``cognito:`` prefix": no add, modify or suppress; the group claims
  change through ``groupOverrideDetails`` only;
- footnote 3: "To suppress the ``cognito:preferred_role`` and ``cognito:roles`` claims, add
  ``cognito:groups`` to ``claimsToSuppress``";
- footnote 4: "You can add an ``aud`` claim to access tokens, but its value must match the app
  client ID";
- ``dev:`` attributes: suppress only;
- "You can't add scope values that contain one or more blank-space characters".
"""

from __future__ import annotations

from typing import Any

from invoke_api import InvokeApi
from lambda_triggers import arn, confirmed_user, make_pool, sign_in
from support import claims

PRE_TOKEN = arn("claims-pre-token")
ROLE = "arn:aws:iam::123456789012:role/reader"


def v2_pool(client: Any) -> tuple[str, str]:
    """A pool with a V2_0 function, and ``kim`` in a group with a role."""
    pool_id, client_id = make_pool(
        client,
        LambdaConfig={
            "PreTokenGenerationConfig": {"LambdaArn": PRE_TOKEN, "LambdaVersion": "V2_0"}
        },
    )
    confirmed_user(client, pool_id)
    client.create_group(UserPoolId=pool_id, GroupName="readers", RoleArn=ROLE, Precedence=1)
    client.admin_add_user_to_group(UserPoolId=pool_id, Username="kim", GroupName="readers")
    return pool_id, client_id


def answer(details: dict[str, Any]) -> Any:
    def handler(event: dict[str, Any]) -> dict[str, Any]:
        event["response"]["claimsAndScopeOverrideDetails"] = details
        return event

    return handler


def test_cognito_claims_are_not_added_or_changed(client: Any, api: InvokeApi) -> None:
    _, client_id = v2_pool(client)
    added = {
        "cognito:plan": "gold",
        "cognito:groups": ["admins"],
        "cognito:username": "mallory",
        "dev:secret": "x",
        "plan": "gold",
    }
    api.handlers[PRE_TOKEN] = answer(
        {
            "idTokenGeneration": {"claimsToAddOrOverride": added},
            "accessTokenGeneration": {"claimsToAddOrOverride": added},
        }
    )
    result = sign_in(client, client_id)["AuthenticationResult"]
    for token in (claims(result["IdToken"]), claims(result["AccessToken"])):
        assert token["plan"] == "gold"
        assert "cognito:plan" not in token
        assert "dev:secret" not in token
        assert token["cognito:groups"] == ["readers"]
    assert claims(result["IdToken"])["cognito:username"] == "kim"


def test_suppressing_groups_suppresses_roles_and_preferred_role(
    client: Any, api: InvokeApi
) -> None:
    _, client_id = v2_pool(client)
    api.handlers[PRE_TOKEN] = answer(
        {
            "idTokenGeneration": {"claimsToSuppress": ["cognito:groups", "cognito:username"]},
            "accessTokenGeneration": {"claimsToSuppress": ["cognito:groups"]},
        }
    )
    result = sign_in(client, client_id)["AuthenticationResult"]
    id_token, access_token = claims(result["IdToken"]), claims(result["AccessToken"])
    for gone in ("cognito:groups", "cognito:roles", "cognito:preferred_role"):
        assert gone not in id_token
    assert "cognito:groups" not in access_token
    assert id_token["cognito:username"] == "kim"  # not suppressible


def test_aud_may_be_added_to_the_access_token_only_as_the_client_id(
    client: Any, api: InvokeApi
) -> None:
    _, client_id = v2_pool(client)
    api.handlers[PRE_TOKEN] = answer(
        {
            "idTokenGeneration": {"claimsToAddOrOverride": {"aud": "someone-else"}},
            "accessTokenGeneration": {"claimsToAddOrOverride": {"aud": client_id}},
        }
    )
    result = sign_in(client, client_id)["AuthenticationResult"]
    assert claims(result["AccessToken"])["aud"] == client_id
    assert claims(result["IdToken"])["aud"] == client_id  # Cognito's own, unchanged

    api.handlers[PRE_TOKEN] = answer(
        {"accessTokenGeneration": {"claimsToAddOrOverride": {"aud": "someone-else"}}}
    )
    result = sign_in(client, client_id)["AuthenticationResult"]
    assert "aud" not in claims(result["AccessToken"])


def test_a_scope_with_a_blank_is_not_added(client: Any, api: InvokeApi) -> None:
    _, client_id = v2_pool(client)
    api.handlers[PRE_TOKEN] = answer(
        {"accessTokenGeneration": {"scopesToAdd": ["orders/read", "a b", "", "tab\there"]}}
    )
    result = sign_in(client, client_id)["AuthenticationResult"]
    assert claims(result["AccessToken"])["scope"].split(" ") == [
        "aws.cognito.signin.user.admin",
        "orders/read",
    ]
