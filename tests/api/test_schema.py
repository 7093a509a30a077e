"""A pool's attribute schema end to end, through boto3 against the real server (both stores).

CreateUserPool's checks of ``Schema``, developer-only attributes (``dev:custom:NAME``),
AddCustomAttributes and what DescribeUserPool shows afterwards, the legacy verification
members, attribute values (Boolean flags, phone numbers), and the attribute lists of app
clients. Message sources are in docs/errors.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import error_of

PASSWORD = "Correct-horse-1"
INVALID = "InvalidParameterException"
PHONE = (INVALID, "Invalid phone number format.")


def fails(call: Callable[..., Any], **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    return error_of(excinfo)


def attrs(pairs: list[dict[str, str]]) -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in pairs}


@pytest.fixture
def new_pool(cognito_idp: Any) -> Iterator[Callable[..., dict[str, Any]]]:
    """Creates pools (``create_user_pool`` arguments), deleted after the test."""
    made: list[str] = []

    def create(**config: Any) -> dict[str, Any]:
        pool: dict[str, Any] = cognito_idp.create_user_pool(PoolName="schema", **config)["UserPool"]
        made.append(pool["Id"])
        return pool

    yield create
    for pool_id in made:
        cognito_idp.delete_user_pool(UserPoolId=pool_id)


def all_pools(cognito_idp: Any) -> list[str]:
    pages = cognito_idp.get_paginator("list_user_pools").paginate(MaxResults=60)
    return [pool["Id"] for page in pages for pool in page["UserPools"]]


def schema_of(pool: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["Name"]: a for a in pool["SchemaAttributes"]}


# CreateUserPool's checks of Schema ----------------------------------------------------------


@pytest.mark.parametrize(
    ("attribute", "message"),
    [
        (
            {"Name": "tier"},
            "Invalid AttributeDataType input, consider using the provided AttributeDataType enum.",
        ),
        (
            {"Name": "tier", "AttributeDataType": "String", "Required": True},
            "Required custom attributes are not supported currently.",
        ),
        (
            {"Name": "email", "AttributeDataType": "Number"},
            "You can not change AttributeDataType or set developerOnlyAttribute for standard "
            "schema attribute email",
        ),
        (
            {"Name": "email", "DeveloperOnlyAttribute": True},
            "You can not change AttributeDataType or set developerOnlyAttribute for standard "
            "schema attribute email",
        ),
        (
            {
                "Name": "tier",
                "AttributeDataType": "String",
                "StringAttributeConstraints": {"MinLength": "one"},
            },
            "Invalid StringAttributeConstraints for schema attribute custom:tier",
        ),
        (
            {
                "Name": "email",
                "AttributeDataType": "String",
                "StringAttributeConstraints": {"MaxLength": "-1"},
            },
            "Invalid StringAttributeConstraints for schema attribute email",
        ),
        (
            {
                "Name": "age",
                "AttributeDataType": "Number",
                "NumberAttributeConstraints": {"MaxValue": "1.5"},
            },
            "Invalid NumberAttributeConstraints for schema attribute custom:age",
        ),
        (
            {
                "Name": "tier",
                "AttributeDataType": "String",
                "StringAttributeConstraints": {"MaxLength": "2049"},
            },
            "user.custom:tier: String attributes cannot have a length of more than 2048",
        ),
        (
            {
                "Name": "email",
                "AttributeDataType": "String",
                "StringAttributeConstraints": {"MinLength": "5", "MaxLength": "4"},
            },
            "user.email: Max length cannot be less than min length.",
        ),
        (
            {
                "Name": "age",
                "AttributeDataType": "Number",
                "DeveloperOnlyAttribute": True,
                "NumberAttributeConstraints": {"MinValue": "10", "MaxValue": "9"},
            },
            "user.dev:custom:age: Max value cannot be less than min value.",
        ),
    ],
    ids=[
        "no-data-type",
        "required-custom",
        "standard-type-changed",
        "standard-developer-only",
        "length-not-a-number",
        "negative-length",
        "value-not-an-integer",
        "longer-than-2048",
        "min-length-above-max",
        "min-value-above-max",
    ],
)
def test_create_user_pool_refuses_a_schema_aws_refuses(
    cognito_idp: Any, attribute: dict[str, Any], message: str
) -> None:
    before = all_pools(cognito_idp)
    assert fails(cognito_idp.create_user_pool, PoolName="bad", Schema=[attribute]) == (
        INVALID,
        message,
    )
    assert all_pools(cognito_idp) == before


def test_schema_attributes_as_aws_shows_them(new_pool: Callable[..., dict[str, Any]]) -> None:
    """Standard attributes first, then the custom ones in the request's order; constraints
    as given, an empty ``StringAttributeConstraints`` for a String given none, none for
    other types; ``Mutable`` true unless set; a standard attribute keeps AWS's type and
    constraints but takes ``Required`` and ``Mutable``."""
    pool = new_pool(
        Schema=[
            {"Name": "plan", "AttributeDataType": "String"},
            {
                "Name": "code",
                "AttributeDataType": "String",
                "Mutable": False,
                "StringAttributeConstraints": {"MaxLength": "12"},
            },
            {
                "Name": "age",
                "AttributeDataType": "Number",
                "NumberAttributeConstraints": {"MinValue": "-5", "MaxValue": "99"},
                # Constraints of another type are dropped.
                "StringAttributeConstraints": {"MinLength": "1"},
            },
            {"Name": "score", "AttributeDataType": "Number"},
            {"Name": "vip", "AttributeDataType": "Boolean", "DeveloperOnlyAttribute": True},
            {"Name": "born", "AttributeDataType": "DateTime"},
            {"Name": "email", "Required": True, "Mutable": False},
        ]
    )
    names = [a["Name"] for a in pool["SchemaAttributes"]]
    assert names[0] == "sub"
    assert names[-6:] == [
        "custom:plan",
        "custom:code",
        "custom:age",
        "custom:score",
        "dev:custom:vip",
        "custom:born",
    ]
    schema = schema_of(pool)
    assert schema["custom:plan"] == {
        "Name": "custom:plan",
        "AttributeDataType": "String",
        "DeveloperOnlyAttribute": False,
        "Mutable": True,
        "Required": False,
        "StringAttributeConstraints": {},
    }
    assert schema["custom:code"]["Mutable"] is False
    assert schema["custom:code"]["StringAttributeConstraints"] == {"MaxLength": "12"}
    assert schema["custom:age"] == {
        "Name": "custom:age",
        "AttributeDataType": "Number",
        "DeveloperOnlyAttribute": False,
        "Mutable": True,
        "Required": False,
        "NumberAttributeConstraints": {"MinValue": "-5", "MaxValue": "99"},
    }
    assert "NumberAttributeConstraints" not in schema["custom:score"]
    assert schema["dev:custom:vip"]["DeveloperOnlyAttribute"] is True
    assert "StringAttributeConstraints" not in schema["dev:custom:vip"]
    assert schema["email"] == {
        "Name": "email",
        "AttributeDataType": "String",
        "DeveloperOnlyAttribute": False,
        "Mutable": False,
        "Required": True,
        "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "2048"},
    }


def test_an_immutable_standard_attribute_is_set_once(
    cognito_idp: Any, new_pool: Callable[..., dict[str, Any]]
) -> None:
    pool_id = new_pool(Schema=[{"Name": "given_name", "Mutable": False}])["Id"]
    cognito_idp.admin_create_user(
        UserPoolId=pool_id,
        Username="ann",
        UserAttributes=[{"Name": "given_name", "Value": "Ann"}],
        MessageAction="SUPPRESS",
    )
    assert fails(
        cognito_idp.admin_update_user_attributes,
        UserPoolId=pool_id,
        Username="ann",
        UserAttributes=[{"Name": "given_name", "Value": "Anna"}],
    ) == (
        INVALID,
        "Attributes did not conform to the schema: Cannot modify an immutable attribute: "
        "given_name",
    )


# Developer-only attributes ------------------------------------------------------------------


def test_developer_only_attributes_are_written_and_read_by_administrators_only(
    cognito_idp: Any, new_pool: Callable[..., dict[str, Any]]
) -> None:
    pool_id = new_pool(
        Schema=[{"Name": "credit", "AttributeDataType": "Number", "DeveloperOnlyAttribute": True}]
    )["Id"]
    client_id = cognito_idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    # The old name is not an attribute of the pool.
    assert fails(
        cognito_idp.admin_create_user,
        UserPoolId=pool_id,
        Username="ann",
        UserAttributes=[{"Name": "dev:credit", "Value": "5"}],
    ) == (
        INVALID,
        "Attributes did not conform to the schema: Type for attribute {dev:credit} could not "
        "be determined",
    )
    cognito_idp.admin_create_user(
        UserPoolId=pool_id,
        Username="ann",
        UserAttributes=[{"Name": "dev:custom:credit", "Value": "5"}],
        MessageAction="SUPPRESS",
    )
    cognito_idp.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="ann",
        UserAttributes=[{"Name": "dev:custom:credit", "Value": "7"}],
    )
    found = cognito_idp.admin_get_user(UserPoolId=pool_id, Username="ann")
    assert attrs(found["UserAttributes"])["dev:custom:credit"] == "7"

    cognito_idp.admin_set_user_password(
        UserPoolId=pool_id, Username="ann", Password=PASSWORD, Permanent=True
    )
    token = cognito_idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]["AccessToken"]
    assert "dev:custom:credit" not in attrs(
        cognito_idp.get_user(AccessToken=token)["UserAttributes"]
    )
    assert fails(
        cognito_idp.update_user_attributes,
        AccessToken=token,
        UserAttributes=[{"Name": "dev:custom:credit", "Value": "1000"}],
    ) == ("NotAuthorizedException", "A client attempted to write unauthorized attribute")
    assert fails(
        cognito_idp.sign_up,
        ClientId=client_id,
        Username="bob",
        Password=PASSWORD,
        UserAttributes=[{"Name": "dev:custom:credit", "Value": "1000"}],
    ) == ("NotAuthorizedException", "A client attempted to write unauthorized attribute")
    found = cognito_idp.admin_get_user(UserPoolId=pool_id, Username="ann")
    assert attrs(found["UserAttributes"])["dev:custom:credit"] == "7"


# AddCustomAttributes ----------------------------------------------------------------------


def test_add_custom_attributes_appends_to_the_schema(
    cognito_idp: Any, new_pool: Callable[..., dict[str, Any]]
) -> None:
    pool = new_pool(Schema=[{"Name": "plan", "AttributeDataType": "String"}])
    answer = cognito_idp.add_custom_attributes(
        UserPoolId=pool["Id"],
        CustomAttributes=[
            {"Name": "team", "AttributeDataType": "String", "Mutable": False},
            {
                "Name": "level",
                "AttributeDataType": "Number",
                "DeveloperOnlyAttribute": True,
                "NumberAttributeConstraints": {"MinValue": "1", "MaxValue": "9"},
            },
        ],
    )
    assert set(answer) == {"ResponseMetadata"}
    described = cognito_idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    assert (
        described["SchemaAttributes"][: len(pool["SchemaAttributes"])] == (pool["SchemaAttributes"])
    )
    assert described["SchemaAttributes"][len(pool["SchemaAttributes"]) :] == [
        {
            "Name": "custom:team",
            "AttributeDataType": "String",
            "DeveloperOnlyAttribute": False,
            "Mutable": False,
            "Required": False,
            "StringAttributeConstraints": {},
        },
        {
            "Name": "dev:custom:level",
            "AttributeDataType": "Number",
            "DeveloperOnlyAttribute": True,
            "Mutable": True,
            "Required": False,
            "NumberAttributeConstraints": {"MinValue": "1", "MaxValue": "9"},
        },
    ]
    assert described["LastModifiedDate"] >= pool["LastModifiedDate"]
    cognito_idp.admin_create_user(
        UserPoolId=pool["Id"],
        Username="ann",
        UserAttributes=[{"Name": "custom:team", "Value": "red"}],
        MessageAction="SUPPRESS",
    )
    user = cognito_idp.admin_get_user(UserPoolId=pool["Id"], Username="ann")
    assert attrs(user["UserAttributes"])["custom:team"] == "red"


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        (
            [{"Name": "plan", "AttributeDataType": "String"}],
            "custom:plan: Existing attribute already has name custom:plan.",
        ),
        (
            [{"Name": "credit", "AttributeDataType": "Number"}],
            "custom:credit: Existing attribute already has name dev:custom:credit.",
        ),
        (
            [
                {"Name": "a", "AttributeDataType": "String"},
                {"Name": "a", "AttributeDataType": "Number"},
            ],
            "custom:a: Existing attribute already has name custom:a.",
        ),
        (
            [{"Name": "b"}],
            "Invalid AttributeDataType input, consider using the provided AttributeDataType enum.",
        ),
        (
            [{"Name": "b", "AttributeDataType": "String", "Required": True}],
            "Required custom attributes are not supported currently.",
        ),
        (
            [
                {
                    "Name": "b",
                    "AttributeDataType": "String",
                    "StringAttributeConstraints": {"MinLength": "3", "MaxLength": "2"},
                }
            ],
            "user.custom:b: Max length cannot be less than min length.",
        ),
    ],
    ids=["existing", "existing-developer-only", "twice", "no-type", "required", "lengths"],
)
def test_add_custom_attributes_refuses_as_aws_does(
    cognito_idp: Any,
    new_pool: Callable[..., dict[str, Any]],
    attributes: list[dict[str, Any]],
    message: str,
) -> None:
    pool = new_pool(
        Schema=[
            {"Name": "plan", "AttributeDataType": "String"},
            {"Name": "credit", "AttributeDataType": "Number", "DeveloperOnlyAttribute": True},
        ]
    )
    assert fails(
        cognito_idp.add_custom_attributes, UserPoolId=pool["Id"], CustomAttributes=attributes
    ) == (INVALID, message)
    described = cognito_idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    assert described["SchemaAttributes"] == pool["SchemaAttributes"]


def test_add_custom_attributes_limit_and_validation(
    cognito_idp: Any, new_pool: Callable[..., dict[str, Any]]
) -> None:
    pool_id = new_pool(
        Schema=[{"Name": f"a{i}", "AttributeDataType": "String"} for i in range(45)]
    )["Id"]
    six = [{"Name": f"b{i}", "AttributeDataType": "String"} for i in range(6)]
    assert fails(cognito_idp.add_custom_attributes, UserPoolId=pool_id, CustomAttributes=six) == (
        INVALID,
        "A user pool can have at most 50 custom attributes.",
    )
    cognito_idp.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=six[:5])
    described = cognito_idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert sum(a["Name"].startswith("custom:") for a in described["SchemaAttributes"]) == 50
    # The model's constraints: a name of 1 to 20 characters.
    code, message = fails(
        cognito_idp.add_custom_attributes,
        UserPoolId=pool_id,
        CustomAttributes=[{"Name": "x" * 21, "AttributeDataType": "String"}],
    )
    assert code == INVALID
    assert message.startswith("1 validation error detected: Value 'xxxxxxxxxxxxxxxxxxxxx' at")
    assert fails(
        cognito_idp.add_custom_attributes,
        UserPoolId="us-east-1_Nope12345",
        CustomAttributes=[{"Name": "c", "AttributeDataType": "String"}],
    ) == ("ResourceNotFoundException", "User pool us-east-1_Nope12345 does not exist.")


# The legacy verification members ----------------------------------------------------------


def test_verification_template_fills_the_legacy_members(
    cognito_idp: Any, new_pool: Callable[..., dict[str, Any]]
) -> None:
    template = {
        "SmsMessage": "SMS code {####}",
        "EmailMessage": "Mail code {####}",
        "EmailSubject": "Your code",
        "DefaultEmailOption": "CONFIRM_WITH_CODE",
    }
    pool = new_pool(VerificationMessageTemplate=template)
    for shown in (pool, cognito_idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]):
        assert shown["VerificationMessageTemplate"] == template
        assert shown["SmsVerificationMessage"] == "SMS code {####}"
        assert shown["EmailVerificationMessage"] == "Mail code {####}"
        assert shown["EmailVerificationSubject"] == "Your code"


def test_legacy_members_fill_the_verification_template(
    cognito_idp: Any, new_pool: Callable[..., dict[str, Any]]
) -> None:
    pool = new_pool(
        SmsVerificationMessage="Old SMS {####}",
        EmailVerificationMessage="Old mail {####}",
        EmailVerificationSubject="Old subject",
    )
    assert pool["VerificationMessageTemplate"] == {
        "SmsMessage": "Old SMS {####}",
        "EmailMessage": "Old mail {####}",
        "EmailSubject": "Old subject",
        "DefaultEmailOption": "CONFIRM_WITH_CODE",
    }
    # UpdateUserPool: the template wins where both are given, and each fills the other.
    cognito_idp.update_user_pool(
        UserPoolId=pool["Id"],
        EmailVerificationMessage="Legacy {####}",
        EmailVerificationSubject="Legacy subject",
        VerificationMessageTemplate={"EmailMessage": "Template {####}"},
    )
    shown = cognito_idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    assert shown["VerificationMessageTemplate"] == {
        "EmailMessage": "Template {####}",
        "EmailSubject": "Legacy subject",
        "DefaultEmailOption": "CONFIRM_WITH_CODE",
    }
    assert shown["EmailVerificationMessage"] == "Template {####}"
    assert shown["EmailVerificationSubject"] == "Legacy subject"
    assert "SmsVerificationMessage" not in shown


# Attribute values ----------------------------------------------------------------------------


def test_verified_flags_take_any_case_and_keep_it(
    cognito_idp: Any, new_pool: Callable[..., dict[str, Any]]
) -> None:
    pool_id = new_pool(AliasAttributes=["email"])["Id"]
    cognito_idp.admin_create_user(
        UserPoolId=pool_id,
        Username="ann",
        UserAttributes=[
            {"Name": "email", "Value": "ann@example.com"},
            {"Name": "email_verified", "Value": "True"},
            {"Name": "phone_number", "Value": "+15555550100"},
            {"Name": "phone_number_verified", "Value": "FALSE"},
        ],
        MessageAction="SUPPRESS",
    )
    values = attrs(cognito_idp.admin_get_user(UserPoolId=pool_id, Username="ann")["UserAttributes"])
    assert (values["email_verified"], values["phone_number_verified"]) == ("True", "FALSE")
    # "True" verifies: the verified email is an alias the user is found by.
    found = cognito_idp.admin_get_user(UserPoolId=pool_id, Username="ann@example.com")
    assert found["Username"] == "ann"
    cognito_idp.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="ann",
        UserAttributes=[{"Name": "phone_number_verified", "Value": "tRuE"}],
    )
    values = attrs(cognito_idp.admin_get_user(UserPoolId=pool_id, Username="ann")["UserAttributes"])
    assert values["phone_number_verified"] == "tRuE"
    assert fails(
        cognito_idp.admin_update_user_attributes,
        UserPoolId=pool_id,
        Username="ann",
        UserAttributes=[{"Name": "email_verified", "Value": "yes"}],
    ) == (
        INVALID,
        "Attributes did not conform to the schema: email_verified: Attribute must be 'true' "
        "or 'false'",
    )


@pytest.mark.parametrize(
    "number", ["555555555", "+1 555 555 0100", "+1-555-555-0100", "+", "+1234567890123456"]
)
def test_phone_numbers_must_be_e164(
    cognito_idp: Any, new_pool: Callable[..., dict[str, Any]], number: str
) -> None:
    pool_id = new_pool()["Id"]
    client_id = cognito_idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    phone = [{"Name": "phone_number", "Value": number}]
    assert (
        fails(
            cognito_idp.admin_create_user, UserPoolId=pool_id, Username="ann", UserAttributes=phone
        )
        == PHONE
    )
    assert (
        fails(
            cognito_idp.sign_up,
            ClientId=client_id,
            Username="bob",
            Password=PASSWORD,
            UserAttributes=phone,
        )
        == PHONE
    )
    assert cognito_idp.list_users(UserPoolId=pool_id)["Users"] == []

    cognito_idp.admin_create_user(
        UserPoolId=pool_id,
        Username="ann",
        UserAttributes=[{"Name": "phone_number", "Value": "+15555550100"}],
        MessageAction="SUPPRESS",
    )
    assert (
        fails(
            cognito_idp.admin_update_user_attributes,
            UserPoolId=pool_id,
            Username="ann",
            UserAttributes=phone,
        )
        == PHONE
    )
    cognito_idp.admin_set_user_password(
        UserPoolId=pool_id, Username="ann", Password=PASSWORD, Permanent=True
    )
    token = cognito_idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]["AccessToken"]
    assert fails(cognito_idp.update_user_attributes, AccessToken=token, UserAttributes=phone) == (
        PHONE
    )
    values = attrs(cognito_idp.admin_get_user(UserPoolId=pool_id, Username="ann")["UserAttributes"])
    assert values["phone_number"] == "+15555550100"


# The attribute lists of app clients -------------------------------------------------------


def test_client_attribute_lists_name_attributes_of_the_pool(
    cognito_idp: Any, new_pool: Callable[..., dict[str, Any]]
) -> None:
    pool_id = new_pool(
        Schema=[
            {"Name": "plan", "AttributeDataType": "String"},
            {"Name": "credit", "AttributeDataType": "Number", "DeveloperOnlyAttribute": True},
        ]
    )["Id"]
    made = cognito_idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="app",
        ReadAttributes=["email", "email_verified", "custom:plan", "dev:custom:credit"],
        WriteAttributes=["email", "custom:plan"],
    )["UserPoolClient"]
    assert made["ReadAttributes"] == ["email", "email_verified", "custom:plan", "dev:custom:credit"]
    for member, names in (
        ("ReadAttributes", ["email", "custom:nope"]),
        ("ReadAttributes", ["plan"]),
        ("WriteAttributes", ["favourite_colour"]),
        ("WriteAttributes", ["dev:credit"]),
    ):
        kind = "read" if member == "ReadAttributes" else "write"
        assert fails(
            cognito_idp.create_user_pool_client,
            UserPoolId=pool_id,
            ClientName="bad",
            **{member: names},
        ) == (INVALID, f"Invalid {kind} attributes specified while creating a client")
        assert fails(
            cognito_idp.update_user_pool_client,
            UserPoolId=pool_id,
            ClientId=made["ClientId"],
            **{member: names},
        ) == (INVALID, f"Invalid {kind} attributes specified while updating a client")
    clients = cognito_idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)
    assert [c["ClientName"] for c in clients["UserPoolClients"]] == ["app"]
    kept = cognito_idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=made["ClientId"])
    assert kept["UserPoolClient"]["WriteAttributes"] == ["email", "custom:plan"]
