"""Users end to end, through boto3 against the real server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import error_of

from userpools.crypto.passwords import PasswordHasher
from userpools.domain.lookup import resolve
from userpools.domain.models import User
from userpools.domain.store import Transaction
from userpools.testing import RunningServer


def attrs(user: dict[str, Any], key: str = "Attributes") -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in user[key]}


@pytest.fixture
def make_pool(cognito_idp: Any) -> Iterator[Any]:
    created: list[str] = []

    def make(**config: Any) -> str:
        pool_id: str = cognito_idp.create_user_pool(PoolName="users", **config)["UserPool"]["Id"]
        created.append(pool_id)
        return pool_id

    yield make
    for pool_id in created:
        cognito_idp.delete_user_pool(UserPoolId=pool_id)


def test_admin_create_user_starts_in_force_change_password(
    cognito_idp: Any, user_pool_id: str
) -> None:
    user = cognito_idp.admin_create_user(
        UserPoolId=user_pool_id,
        Username="ann",
        UserAttributes=[{"Name": "email", "Value": "ann@example.com"}],
        MessageAction="SUPPRESS",
    )["User"]
    assert user["Username"] == "ann"
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert user["Enabled"] is True
    assert user["UserCreateDate"] == user["UserLastModifiedDate"]
    values = attrs(user)
    assert values["email"] == "ann@example.com"
    assert len(values["sub"]) == 36
    assert "MFAOptions" not in user


def test_admin_create_user_twice_is_username_exists(cognito_idp: Any, user_pool_id: str) -> None:
    cognito_idp.admin_create_user(UserPoolId=user_pool_id, Username="ann", MessageAction="SUPPRESS")
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_create_user(
            UserPoolId=user_pool_id, Username="ann", MessageAction="SUPPRESS"
        )
    assert error_of(excinfo) == ("UsernameExistsException", "User account already exists")


def test_admin_create_user_checks_temporary_password_policy(
    cognito_idp: Any, user_pool_id: str
) -> None:
    """Wording source: data-dot-all/dataall#690 (spec §9.1)."""
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_create_user(
            UserPoolId=user_pool_id,
            Username="ann",
            TemporaryPassword="Passwordxx!",
            MessageAction="SUPPRESS",
        )
    assert error_of(excinfo) == (
        "InvalidPasswordException",
        "Password did not conform with password policy: Password must have numeric characters",
    )
    # Nothing was written.
    with pytest.raises(ClientError):
        cognito_idp.admin_get_user(UserPoolId=user_pool_id, Username="ann")


def test_admin_create_user_rejects_unknown_attributes(cognito_idp: Any, user_pool_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_create_user(
            UserPoolId=user_pool_id,
            Username="ann",
            UserAttributes=[{"Name": "custom:missing", "Value": "x"}],
        )
    assert error_of(excinfo)[0] == "InvalidParameterException"


def test_admin_create_user_sends_invitation_to_outbox(
    userpools_server: Any, cognito_idp: Any, user_pool_id: str
) -> None:
    cognito_idp.admin_create_user(
        UserPoolId=user_pool_id,
        Username="ann",
        UserAttributes=[{"Name": "email", "Value": "ann@example.com"}],
        TemporaryPassword="Temp-Passw0rd!",
        DesiredDeliveryMediums=["EMAIL"],
    )
    (message,) = userpools_server.outbox(user_pool_id)
    assert message.medium == "EMAIL"
    assert message.destination == "ann@example.com"
    assert "ann" in message.body
    assert "Temp-Passw0rd!" in message.body


def test_admin_create_user_suppress_sends_nothing(
    userpools_server: Any, cognito_idp: Any, user_pool_id: str
) -> None:
    cognito_idp.admin_create_user(
        UserPoolId=user_pool_id,
        Username="ann",
        UserAttributes=[{"Name": "phone_number", "Value": "+15555550100"}],
        MessageAction="SUPPRESS",
    )
    assert userpools_server.outbox(user_pool_id) == []


def test_admin_create_user_resend(
    userpools_server: Any, cognito_idp: Any, user_pool_id: str
) -> None:
    cognito_idp.admin_create_user(
        UserPoolId=user_pool_id,
        Username="ann",
        UserAttributes=[{"Name": "phone_number", "Value": "+15555550100"}],
    )
    cognito_idp.admin_create_user(UserPoolId=user_pool_id, Username="ann", MessageAction="RESEND")
    first, second = userpools_server.outbox(user_pool_id)
    assert first.medium == second.medium == "SMS"
    assert first.body != second.body  # a new temporary password each time
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_create_user(
            UserPoolId=user_pool_id, Username="ghost", MessageAction="RESEND"
        )
    assert error_of(excinfo)[0] == "UserNotFoundException"
    cognito_idp.admin_set_user_password(
        UserPoolId=user_pool_id, Username="ann", Password="Perm-Passw0rd!", Permanent=True
    )
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_create_user(
            UserPoolId=user_pool_id, Username="ann", MessageAction="RESEND"
        )
    assert error_of(excinfo)[0] == "UnsupportedUserStateException"


def test_admin_create_user_with_email_as_username(cognito_idp: Any, make_pool: Any) -> None:
    pool_id = make_pool(UsernameAttributes=["email"])
    user = cognito_idp.admin_create_user(
        UserPoolId=pool_id, Username="Ann@Example.com", MessageAction="SUPPRESS"
    )["User"]
    values = attrs(user)
    # The stored username is the sub; the email is an attribute.
    assert user["Username"] == values["sub"]
    assert values["email"] == "Ann@Example.com"
    for name in ("Ann@Example.com", values["sub"]):
        got = cognito_idp.admin_get_user(UserPoolId=pool_id, Username=name)
        assert got["Username"] == values["sub"]
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_create_user(
            UserPoolId=pool_id, Username="Ann@Example.com", MessageAction="SUPPRESS"
        )
    assert error_of(excinfo)[0] == "UsernameExistsException"
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_create_user(UserPoolId=pool_id, Username="plainname")
    assert error_of(excinfo)[0] == "InvalidParameterException"


def test_admin_get_user_case_insensitive_pool(cognito_idp: Any, make_pool: Any) -> None:
    pool_id = make_pool(UsernameConfiguration={"CaseSensitive": False})
    cognito_idp.admin_create_user(UserPoolId=pool_id, Username="Straße", MessageAction="SUPPRESS")
    for name in ("Straße", "STRASSE", "strasse"):
        assert cognito_idp.admin_get_user(UserPoolId=pool_id, Username=name)["Username"] == "Straße"
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_create_user(UserPoolId=pool_id, Username="STRASSE")
    assert error_of(excinfo)[0] == "UsernameExistsException"
    # The Kelvin sign folds to k.
    cognito_idp.admin_create_user(
        UserPoolId=pool_id, Username="\u212aelvin", MessageAction="SUPPRESS"
    )
    assert cognito_idp.admin_get_user(UserPoolId=pool_id, Username="kelvin")["Username"] == (
        "\u212aelvin"
    )


def test_admin_get_user_case_sensitive_pool(cognito_idp: Any, user_pool_id: str) -> None:
    cognito_idp.admin_create_user(UserPoolId=user_pool_id, Username="Ann", MessageAction="SUPPRESS")
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_get_user(UserPoolId=user_pool_id, Username="ann")
    assert error_of(excinfo) == ("UserNotFoundException", "User does not exist.")
    cognito_idp.admin_create_user(UserPoolId=user_pool_id, Username="ann", MessageAction="SUPPRESS")


def test_admin_get_user_by_sub(cognito_idp: Any, user_pool_id: str) -> None:
    user = cognito_idp.admin_create_user(
        UserPoolId=user_pool_id, Username="ann", MessageAction="SUPPRESS"
    )["User"]
    got = cognito_idp.admin_get_user(UserPoolId=user_pool_id, Username=attrs(user)["sub"])
    assert got["Username"] == "ann"
    assert attrs(got, "UserAttributes") == attrs(user)
    assert not {"PreferredMfaSetting", "UserMFASettingList"} & set(got)


def test_admin_get_user_alias_needs_verification(cognito_idp: Any, make_pool: Any) -> None:
    pool_id = make_pool(AliasAttributes=["email", "preferred_username"])
    cognito_idp.admin_create_user(
        UserPoolId=pool_id,
        Username="ann",
        UserAttributes=[
            {"Name": "email", "Value": "ann@example.com"},
            {"Name": "preferred_username", "Value": "annie"},
        ],
        MessageAction="SUPPRESS",
    )
    assert cognito_idp.admin_get_user(UserPoolId=pool_id, Username="annie")["Username"] == "ann"
    with pytest.raises(ClientError):
        cognito_idp.admin_get_user(UserPoolId=pool_id, Username="ann@example.com")
    cognito_idp.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="ann",
        UserAttributes=[{"Name": "email_verified", "Value": "true"}],
    )
    got = cognito_idp.admin_get_user(UserPoolId=pool_id, Username="ann@example.com")
    assert got["Username"] == "ann"


def test_admin_create_user_alias_conflicts(cognito_idp: Any, make_pool: Any) -> None:
    pool_id = make_pool(AliasAttributes=["email"])
    verified = [
        {"Name": "email", "Value": "shared@example.com"},
        {"Name": "email_verified", "Value": "true"},
    ]
    cognito_idp.admin_create_user(
        UserPoolId=pool_id, Username="ann", UserAttributes=verified, MessageAction="SUPPRESS"
    )
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_create_user(
            UserPoolId=pool_id, Username="bob", UserAttributes=verified, MessageAction="SUPPRESS"
        )
    assert error_of(excinfo)[0] == "AliasExistsException"
    cognito_idp.admin_create_user(
        UserPoolId=pool_id,
        Username="bob",
        UserAttributes=verified,
        MessageAction="SUPPRESS",
        ForceAliasCreation=True,
    )
    got = cognito_idp.admin_get_user(UserPoolId=pool_id, Username="shared@example.com")
    assert got["Username"] == "bob"
    ann = cognito_idp.admin_get_user(UserPoolId=pool_id, Username="ann")
    assert attrs(ann, "UserAttributes")["email_verified"] == "false"
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_create_user(UserPoolId=pool_id, Username="carol@example.com")
    assert error_of(excinfo)[0] == "InvalidParameterException"


def test_admin_update_user_attributes(cognito_idp: Any, user_pool_id: str) -> None:
    cognito_idp.admin_create_user(
        UserPoolId=user_pool_id,
        Username="ann",
        UserAttributes=[
            {"Name": "email", "Value": "ann@example.com"},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "name", "Value": "Ann"},
        ],
        MessageAction="SUPPRESS",
    )
    cognito_idp.admin_update_user_attributes(
        UserPoolId=user_pool_id,
        Username="ann",
        UserAttributes=[
            {"Name": "email", "Value": "new@example.com"},
            {"Name": "name", "Value": ""},
            {"Name": "locale", "Value": "fr"},
        ],
    )
    values = attrs(
        cognito_idp.admin_get_user(UserPoolId=user_pool_id, Username="ann"), "UserAttributes"
    )
    assert values["email"] == "new@example.com"
    assert values["email_verified"] == "false"  # a new email is unverified
    assert "name" not in values  # an empty value deletes
    assert values["locale"] == "fr"
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_update_user_attributes(
            UserPoolId=user_pool_id,
            Username="ann",
            UserAttributes=[{"Name": "sub", "Value": "x"}],
        )
    assert error_of(excinfo)[0] == "InvalidParameterException"


def test_admin_delete_user_attributes(cognito_idp: Any, user_pool_id: str) -> None:
    cognito_idp.admin_create_user(
        UserPoolId=user_pool_id,
        Username="ann",
        UserAttributes=[{"Name": "name", "Value": "Ann"}, {"Name": "locale", "Value": "fr"}],
        MessageAction="SUPPRESS",
    )
    cognito_idp.admin_delete_user_attributes(
        UserPoolId=user_pool_id, Username="ann", UserAttributeNames=["name"]
    )
    got = cognito_idp.admin_get_user(UserPoolId=user_pool_id, Username="ann")
    assert set(attrs(got, "UserAttributes")) == {"sub", "locale"}


def test_admin_enable_and_disable_user(cognito_idp: Any, user_pool_id: str) -> None:
    cognito_idp.admin_create_user(UserPoolId=user_pool_id, Username="ann", MessageAction="SUPPRESS")
    cognito_idp.admin_disable_user(UserPoolId=user_pool_id, Username="ann")
    assert cognito_idp.admin_get_user(UserPoolId=user_pool_id, Username="ann")["Enabled"] is False
    cognito_idp.admin_enable_user(UserPoolId=user_pool_id, Username="ann")
    cognito_idp.admin_enable_user(UserPoolId=user_pool_id, Username="ann")
    assert cognito_idp.admin_get_user(UserPoolId=user_pool_id, Username="ann")["Enabled"] is True


def test_admin_set_user_settings_shows_mfa_options(cognito_idp: Any, user_pool_id: str) -> None:
    cognito_idp.admin_create_user(UserPoolId=user_pool_id, Username="ann", MessageAction="SUPPRESS")
    options = [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]
    cognito_idp.admin_set_user_settings(UserPoolId=user_pool_id, Username="ann", MFAOptions=options)
    assert (
        cognito_idp.admin_get_user(UserPoolId=user_pool_id, Username="ann")["MFAOptions"] == options
    )
    (listed,) = cognito_idp.list_users(UserPoolId=user_pool_id)["Users"]
    assert listed["MFAOptions"] == options
    cognito_idp.admin_set_user_settings(UserPoolId=user_pool_id, Username="ann", MFAOptions=[])
    assert "MFAOptions" not in cognito_idp.admin_get_user(UserPoolId=user_pool_id, Username="ann")


def test_admin_set_user_password_statuses(cognito_idp: Any, user_pool_id: str) -> None:
    cognito_idp.admin_create_user(UserPoolId=user_pool_id, Username="ann", MessageAction="SUPPRESS")
    cognito_idp.admin_set_user_password(
        UserPoolId=user_pool_id, Username="ann", Password="Perm-Passw0rd!", Permanent=True
    )
    assert cognito_idp.admin_get_user(UserPoolId=user_pool_id, Username="ann")["UserStatus"] == (
        "CONFIRMED"
    )
    cognito_idp.admin_set_user_password(
        UserPoolId=user_pool_id, Username="ann", Password="Temp-Passw0rd!", Permanent=False
    )
    assert cognito_idp.admin_get_user(UserPoolId=user_pool_id, Username="ann")["UserStatus"] == (
        "FORCE_CHANGE_PASSWORD"
    )
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_set_user_password(
            UserPoolId=user_pool_id, Username="ann", Password="short", Permanent=True
        )
    code, message = error_of(excinfo)
    assert code == "InvalidPasswordException"
    assert "short" not in message


def test_admin_set_user_password_is_sensitive_in_validation(
    cognito_idp: Any, user_pool_id: str
) -> None:
    """Sensitive values never appear in validation messages (spec §1.3, boto/boto3#2951)."""
    cognito_idp.admin_create_user(UserPoolId=user_pool_id, Username="ann", MessageAction="SUPPRESS")
    secret = "Zz9!" + "x" * 300
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_set_user_password(
            UserPoolId=user_pool_id, Username="ann", Password=secret, Permanent=True
        )
    code, message = error_of(excinfo)
    assert code == "InvalidParameterException"
    assert message.startswith("1 validation error detected: Value at 'password'")
    assert "xxxx" not in message


def test_admin_confirm_sign_up_needs_unconfirmed(cognito_idp: Any, user_pool_id: str) -> None:
    cognito_idp.admin_create_user(UserPoolId=user_pool_id, Username="ann", MessageAction="SUPPRESS")
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_confirm_sign_up(UserPoolId=user_pool_id, Username="ann")
    assert error_of(excinfo) == (
        "NotAuthorizedException",
        "User cannot be confirmed. Current status is FORCE_CHANGE_PASSWORD",
    )


def test_admin_delete_user_unknown(cognito_idp: Any, user_pool_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_delete_user(UserPoolId=user_pool_id, Username="ghost")
    assert error_of(excinfo) == ("UserNotFoundException", "User does not exist.")


def seed_directory(client: Any, pool_id: str) -> None:
    people = [
        ("ann", "ann@example.com", "Ann Lee", "+15555550101"),
        ("anna", "anna@other.org", "Anna Bell", "+15555550102"),
        ("bob", "bob@example.com", "Bob Stone", "+15555550103"),
        ("carol", "carol@example.com", 'Carol "CJ" \\ Jones', "+15555550104"),
    ]
    for username, email, name, phone in people:
        client.admin_create_user(
            UserPoolId=pool_id,
            Username=username,
            UserAttributes=[
                {"Name": "email", "Value": email},
                {"Name": "name", "Value": name},
                {"Name": "phone_number", "Value": phone},
            ],
            MessageAction="SUPPRESS",
        )
    client.admin_disable_user(UserPoolId=pool_id, Username="bob")
    client.admin_set_user_password(
        UserPoolId=pool_id, Username="carol", Password="Perm-Passw0rd!", Permanent=True
    )


@pytest.mark.parametrize(
    ("filter_text", "expected"),
    [
        ("", ["ann", "anna", "bob", "carol"]),
        ('username = "ann"', ["ann"]),
        ('username ^= "ann"', ["ann", "anna"]),
        ('email ^= "an"', ["ann", "anna"]),
        ('email = "bob@example.com"', ["bob"]),
        ('name ^= "Carol \\"CJ\\" \\\\"', ["carol"]),
        ('phone_number ^= "+1555555010"', ["ann", "anna", "bob", "carol"]),
        ('status = "Disabled"', ["bob"]),
        ('status = "Enabled"', ["ann", "anna", "carol"]),
        ('cognito:user_status = "confirmed"', ["carol"]),
        ('cognito:user_status ^= "FORCE"', ["ann", "anna", "bob"]),
        ('email = "nobody@example.com"', []),
    ],
)
def test_list_users_filter(
    cognito_idp: Any, user_pool_id: str, filter_text: str, expected: list[str]
) -> None:
    seed_directory(cognito_idp, user_pool_id)
    users = cognito_idp.list_users(UserPoolId=user_pool_id, Filter=filter_text)["Users"]
    assert [u["Username"] for u in users] == expected


def test_list_users_filter_by_sub(cognito_idp: Any, user_pool_id: str) -> None:
    user = cognito_idp.admin_create_user(
        UserPoolId=user_pool_id, Username="ann", MessageAction="SUPPRESS"
    )["User"]
    sub = attrs(user)["sub"]
    users = cognito_idp.list_users(UserPoolId=user_pool_id, Filter=f'sub = "{sub}"')["Users"]
    assert [u["Username"] for u in users] == ["ann"]


@pytest.mark.parametrize(
    "filter_text", ["email = ann", 'email == "x"', 'custom:x = "y"', 'email = "a" and name = "b"']
)
def test_list_users_bad_filter(cognito_idp: Any, user_pool_id: str, filter_text: str) -> None:
    """Message source: aws-aspnet-cognito-identity-provider#235 (spec §4.3 ListUsers)."""
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.list_users(UserPoolId=user_pool_id, Filter=filter_text)
    assert error_of(excinfo) == ("InvalidParameterException", "Error while parsing filter.")


def test_list_users_filter_applies_before_limit(cognito_idp: Any, user_pool_id: str) -> None:
    for i in range(12):
        domain = "keep.org" if i % 3 == 0 else "drop.org"
        cognito_idp.admin_create_user(
            UserPoolId=user_pool_id,
            Username=f"user{i:02d}",
            UserAttributes=[{"Name": "email", "Value": f"user{i:02d}@{domain}"}],
            MessageAction="SUPPRESS",
        )
    paginator = cognito_idp.get_paginator("list_users")
    pages = list(
        paginator.paginate(
            UserPoolId=user_pool_id,
            Filter='email ^= "user"',
            PaginationConfig={"PageSize": 5},
        )
    )
    assert [len(p["Users"]) for p in pages] == [5, 5, 2]
    first = cognito_idp.list_users(UserPoolId=user_pool_id, Filter='status = "Enabled"', Limit=2)
    assert len(first["Users"]) == 2 and "PaginationToken" in first


def test_list_users_attributes_to_get(cognito_idp: Any, user_pool_id: str) -> None:
    seed_directory(cognito_idp, user_pool_id)
    users = cognito_idp.list_users(UserPoolId=user_pool_id, AttributesToGet=["email"])["Users"]
    assert all([a["Name"] for a in u["Attributes"]] == ["email"] for u in users)


def test_admin_update_user_attributes_email_of_another_user(
    cognito_idp: Any, make_pool: Any
) -> None:
    pool_id = make_pool(UsernameAttributes=["email"])
    for email in ("ann@example.com", "bob@example.com"):
        cognito_idp.admin_create_user(UserPoolId=pool_id, Username=email, MessageAction="SUPPRESS")
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_update_user_attributes(
            UserPoolId=pool_id,
            Username="bob@example.com",
            UserAttributes=[{"Name": "email", "Value": "ann@example.com"}],
        )
    assert error_of(excinfo) == (
        "AliasExistsException",
        "An account with the given email already exists.",
    )
    got = cognito_idp.admin_get_user(UserPoolId=pool_id, Username="bob@example.com")
    assert attrs(got, "UserAttributes")["email"] == "bob@example.com"


# passwords at creation ----------------------------------------------------------------------

TEMPORARY = "Temp-Passw0rd!"


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The passwords the server's hasher is asked to hash (a spy on ``PasswordHasher.hash``;
    the server runs in this process)."""
    hashed: list[str] = []
    real = PasswordHasher.hash

    def spy(self: PasswordHasher, password: str) -> str:
        hashed.append(password)
        return real(self, password)

    monkeypatch.setattr(PasswordHasher, "hash", spy)
    return hashed


def stored(server: RunningServer, pool_id: str, username: str) -> User:
    """The user as the store holds it, password hash and SRP verifier included."""

    def read(tx: Transaction) -> User:
        pool = tx.get_pool(pool_id)
        assert pool is not None
        user = resolve(tx, pool, username)
        assert user is not None
        return user

    return server.server.store.read(read)


def invited_password(body: str) -> str:
    """The temporary password in a default invitation (``{####}``, then a full stop)."""
    match = re.fullmatch(r"Your username is \S+ and temporary password is (.+)\.", body)
    assert match, body
    return match.group(1)


def password_client(cognito_idp: Any, pool_id: str) -> str:
    client: str = cognito_idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    return client


def sign_in(cognito_idp: Any, client_id: str, username: str, password: str) -> dict[str, Any]:
    response: dict[str, Any] = cognito_idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return response


def test_admin_create_user_suppressed_without_password_hashes_nothing(
    userpools_server: RunningServer, cognito_idp: Any, user_pool_id: str, hashes: list[str]
) -> None:
    """Issue 11, item 4: a generated temporary password that is never sent is one nobody
    could ever use, so none is made: no Argon2id hash, no SRP verifier, nothing to expire."""
    user = cognito_idp.admin_create_user(
        UserPoolId=user_pool_id, Username="ann", MessageAction="SUPPRESS"
    )["User"]
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert hashes == []
    kept = stored(userpools_server, user_pool_id, "ann")
    assert (kept.password_hash, kept.srp_verifier, kept.password_expires_at) == (None, None, None)
    assert userpools_server.outbox(user_pool_id) == []


@pytest.mark.parametrize(
    "given",
    [
        {"TemporaryPassword": TEMPORARY, "MessageAction": "SUPPRESS"},
        {"TemporaryPassword": TEMPORARY},
        {},  # generated and sent
    ],
    ids=["given-suppressed", "given-sent", "generated-sent"],
)
def test_admin_create_user_hashes_a_password_someone_can_use(
    userpools_server: RunningServer,
    cognito_idp: Any,
    user_pool_id: str,
    hashes: list[str],
    given: dict[str, str],
) -> None:
    cognito_idp.admin_create_user(
        UserPoolId=user_pool_id,
        Username="ann",
        UserAttributes=[{"Name": "phone_number", "Value": "+15555550100"}],
        **given,
    )
    password = given.get("TemporaryPassword")
    if password is None:
        (message,) = userpools_server.outbox(user_pool_id)
        password = invited_password(message.body)
    assert hashes == [password]
    kept = stored(userpools_server, user_pool_id, "ann")
    assert kept.password_hash is not None and kept.password_hash.startswith("$argon2id$")
    assert kept.srp_verifier is not None and kept.password_expires_at is not None
    client_id = password_client(cognito_idp, user_pool_id)
    reply = sign_in(cognito_idp, client_id, "ann", password)
    assert reply["ChallengeName"] == "NEW_PASSWORD_REQUIRED"


def test_admin_create_user_resend_gives_a_user_without_password_one(
    userpools_server: RunningServer, cognito_idp: Any, user_pool_id: str
) -> None:
    """RESEND works for a user created without a password, as on AWS: a new temporary
    password is generated, hashed and sent, and it signs in."""
    cognito_idp.admin_create_user(
        UserPoolId=user_pool_id,
        Username="ann",
        UserAttributes=[{"Name": "email", "Value": "ann@example.com"}],
        MessageAction="SUPPRESS",
    )
    assert stored(userpools_server, user_pool_id, "ann").password_hash is None
    cognito_idp.admin_create_user(
        UserPoolId=user_pool_id,
        Username="ann",
        MessageAction="RESEND",
        DesiredDeliveryMediums=["EMAIL"],
    )
    (message,) = userpools_server.outbox(user_pool_id)
    password = invited_password(message.body)
    kept = stored(userpools_server, user_pool_id, "ann")
    assert kept.status.value == "FORCE_CHANGE_PASSWORD"
    assert kept.password_hash is not None and kept.srp_verifier is not None
    client_id = password_client(cognito_idp, user_pool_id)
    assert sign_in(cognito_idp, client_id, "ann", password)["ChallengeName"] == (
        "NEW_PASSWORD_REQUIRED"
    )
