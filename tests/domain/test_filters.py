"""The ListUsers ``Filter`` grammar (``userpools.domain.filters``)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from userpools.domain.errors import InvalidParameter
from userpools.domain.filters import (
    PARSE_ERROR_MESSAGE,
    SearchableAttribute,
    UserFilter,
    parse_filter,
    quote_filter_value,
)

TEN_ATTRIBUTES = [
    "username",
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "cognito:user_status",
    "status",
    "sub",
]


def test_list_users_filter_searchable_attributes_are_exactly_the_documented_ten() -> None:
    """Source: ListUsers API reference, "You can only search for the following standard
    attributes"."""
    assert sorted(TEN_ATTRIBUTES) == sorted(SearchableAttribute)


@pytest.mark.parametrize("attribute", TEN_ATTRIBUTES)
@pytest.mark.parametrize(("operator", "prefix"), [("=", False), ("^=", True)])
def test_list_users_filter_parses_every_attribute_and_operator(
    attribute: str, operator: str, prefix: bool
) -> None:
    assert parse_filter(f'{attribute} {operator} "Jon"') == UserFilter(attribute, prefix, "Jon")


@pytest.mark.parametrize(
    "text",
    [
        'family_name = "Reddy"',  # the API reference example
        'family_name="Reddy"',
        'family_name= "Reddy"',
        'family_name ="Reddy"',
        '  family_name   =   "Reddy"  ',
        '\tfamily_name\t=\t"Reddy"\r\n',
        '\nfamily_name\n=\n"Reddy"\n',
    ],
)
def test_list_users_filter_accepts_whitespace_around_tokens(text: str) -> None:
    assert parse_filter(text) == UserFilter("family_name", False, "Reddy")


def test_list_users_filter_accepts_prefix_without_spaces() -> None:
    """Source: AWS CLI example ``aws cognito-idp list-users --filter email^=\\"testuser\\"``."""
    assert parse_filter('email^="testuser"') == UserFilter("email", True, "testuser")


@pytest.mark.parametrize("text", [None, "", " ", "   ", "\t", "\r\n", " \t \n "])
def test_list_users_filter_empty_means_no_filter(text: str | None) -> None:
    """Source: ListUsers API reference, "If the filter string is empty, ListUsers returns all
    users in the user pool"."""
    assert parse_filter(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (r'name = "say \"hi\""', 'say "hi"'),
        (r'name = "back\\slash"', "back\\slash"),
        (r'name = "\\"', "\\"),
        (r'name = "\""', '"'),
        (r'name = "\\\""', '\\"'),
        (r'name = "ends with backslash \\"', "ends with backslash \\"),
        ('name = ""', ""),
        ('name = " "', " "),
        ('name = "  padded  "', "  padded  "),
        ('name = "a = \\"b\\" ^= c"', 'a = "b" ^= c'),
        ('name = "Zoë 名前 🙂"', "Zoë 名前 🙂"),
        ('name = "line\nbreak"', "line\nbreak"),
        ('cognito:user_status = "FORCE_CHANGE_PASSWORD"', "FORCE_CHANGE_PASSWORD"),
    ],
)
def test_list_users_filter_unescapes_value(text: str, value: str) -> None:
    parsed = parse_filter(text)
    assert parsed is not None
    assert parsed.value == value


@pytest.mark.parametrize(
    "text",
    [
        "foo",  # aws/aws-sdk-php#1088: a bare word gives "Error while parsing filter."
        "email",
        "email =",
        "email = ",
        "email = Reddy",  # quotes are mandatory
        "email = 'Reddy'",
        'email = "Reddy',  # unterminated
        'email = "Reddy\\"',  # the closing quote is escaped
        'email = Reddy"',
        '= "Reddy"',
        '"email" = "Reddy"',
        'email "Reddy"',
        'email != "Reddy"',
        'email ~ "Reddy"',
        'email == "Reddy"',
        'email ^ = "Reddy"',
        'email =^ "Reddy"',
        'email $= "Reddy"',
        'email ^== "Reddy"',
        'email = "Reddy" x',  # trailing junk
        'email = "Reddy""',
        'email = "Reddy" "Jon"',
        'email = "a" and name = "b"',  # two conditions
        'email = "a", name = "b"',
        'email = "a"; name = "b"',
        'email = "a" name = "b"',
        'email = "bad \\n escape"',  # only \" and \\ are escapes
        'email = "bad \\u0041 escape"',
        'email\u00a0= "Reddy"',  # only space, tab, CR and LF separate tokens
        '\u3000email = "Reddy"',
        "\u00a0",
        '(email = "Reddy")',
    ],
)
def test_list_users_filter_rejects_garbage(text: str) -> None:
    with pytest.raises(InvalidParameter) as excinfo:
        parse_filter(text)
    assert excinfo.value.message == PARSE_ERROR_MESSAGE
    assert excinfo.value.code == "InvalidParameterException"


@pytest.mark.parametrize(
    "attribute",
    [
        "custom:department",  # "Custom attributes aren't searchable."
        "dev:custom:x",
        "email_verified",
        "phone_number_verified",
        "middle_name",
        "Email",  # attribute names are case-sensitive
        "USERNAME",
        "cognito:username",
        "enabled",
    ],
)
def test_list_users_filter_rejects_unsearchable_attribute(attribute: str) -> None:
    """No real AWS text for this case was found; we answer with AWS's parse-error text."""
    with pytest.raises(InvalidParameter) as excinfo:
        parse_filter(f'{attribute} = "x"')
    assert excinfo.value.message == PARSE_ERROR_MESSAGE


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ("Reddy", '"Reddy"'),
        ("", '""'),
        ('say "hi"', r'"say \"hi\""'),
        ("a\\b", r'"a\\b"'),
        ('\\"', r'"\\\""'),
    ],
)
def test_quote_filter_value_escapes_quotes_and_backslashes(value: str, quoted: str) -> None:
    assert quote_filter_value(value) == quoted


@given(
    attribute=st.sampled_from(TEN_ATTRIBUTES),
    operator=st.sampled_from(["=", "^="]),
    value=st.text(),
)
def test_list_users_filter_round_trips_any_value(attribute: str, operator: str, value: str) -> None:
    parsed = parse_filter(f"{attribute} {operator} {quote_filter_value(value)}")
    assert parsed == UserFilter(attribute, operator == "^=", value)


@given(
    attribute=st.sampled_from(TEN_ATTRIBUTES),
    operator=st.sampled_from(["=", "^="]),
    value=st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
    before=st.text(alphabet=" \t\r\n", max_size=3),
    middle=st.text(alphabet=" \t\r\n", max_size=3),
    after=st.text(alphabet=" \t\r\n", max_size=3),
)
def test_list_users_filter_round_trips_with_any_spacing(
    attribute: str, operator: str, value: str, before: str, middle: str, after: str
) -> None:
    text = f"{before}{attribute}{middle}{operator}{middle}{quote_filter_value(value)}{after}"
    assert parse_filter(text) == UserFilter(attribute, operator == "^=", value)


_FILTER_PIECES = st.sampled_from(
    [
        *TEN_ATTRIBUTES,
        "custom:x",
        "=",
        "^=",
        "!=",
        "~",
        "^",
        '"',
        "\\",
        '\\"',
        " ",
        "\t",
        "x",
        "and",
    ]
)


@given(text=st.one_of(st.text(), st.lists(_FILTER_PIECES).map("".join)))
def test_list_users_filter_raises_only_invalid_parameter(text: str) -> None:
    try:
        parsed = parse_filter(text)
    except InvalidParameter as exc:
        assert exc.message == PARSE_ERROR_MESSAGE
    else:
        assert parsed is None or parsed.attribute in set(SearchableAttribute)
