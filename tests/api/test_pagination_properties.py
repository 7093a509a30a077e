"""Pagination of the group and user listings, through boto3 against the real server.

ListUsersInGroup, AdminListGroupsForUser, ListGroups and ListUsers are driven through
botocore's own paginators (``PageSize``, ``MaxItems``, ``StartingToken``), through
hand-written ``Limit``/``NextToken`` loops while the group changes between pages, and
with altered or foreign tokens. Every pool here is case-sensitive, so the expected order
is the code-point order of the username or group name, which is Python's ``sorted``.
Background: cognito-spec.md §3 and reliability.md §3.4 and §4.5.

Each test makes its own pool(s) and deletes them at the end. The Hypothesis tests set up
their pool once and let each example change memberships to what it drew, so an example
never depends on the ones before it.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import regex
from botocore.exceptions import ClientError
from botocore.paginate import TokenDecoder
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from support import error_of

#: Forty usernames / group names whose code-point order differs from naive orders:
#: upper before lower case, digits and punctuation before letters, precomposed and
#: combining accents, right-to-left scripts, BMP characters above the surrogate range
#: (U+FB01, U+FF21, U+FFE6) that UTF-16 order would put after astral ones, astral
#: characters, prefixes of each other, and one name of the maximum length, 128.
NAMES = (
    "alice",
    "Bob",
    "Zoe",
    "zed",
    "a",
    "ab",
    "abc",
    "a-b",
    "a.b",
    "a_b",
    "007",
    "1",
    "10",
    "9lives",
    "!bang",
    "~tilde",
    "$dollar",
    "+plus",
    "émile",
    "Émile",
    "ñandú",
    "ß",
    "e\u0301clair",
    "ωmega",
    "Ωmega",
    "жук",
    "שלום",
    "東京",
    "한국",
    "नमस्ते",
    "\uff21bc",
    "\ufb01x",
    "\uffe6won",
    "€uro",
    "😀",
    "😀b",
    "𝒜bc",
    "𐐷",
    "\U00020000",
    "x" * 128,
)

NAME_PATTERN = regex.compile(r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+")  # Username and GroupName

#: Extra names drawn by Hypothesis, valid for the model's pattern.
drawn_names = st.text(
    st.characters(categories=("L", "M", "N", "P", "S")), min_size=1, max_size=12
).filter(lambda s: NAME_PATTERN.fullmatch(s) is not None)

#: Small page sizes are drawn often, so that listings span several pages.
page_sizes = st.one_of(st.integers(1, 8), st.integers(1, 60))
max_items = st.none() | st.integers(1, 45)

B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
INVALID_PARAMETER = "InvalidParameterException"


def quick(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


def subsets(names: tuple[str, ...]) -> st.SearchStrategy[frozenset[str]]:
    """Any subset; each name is in it with probability 1/2."""
    return st.lists(st.booleans(), min_size=len(names), max_size=len(names)).map(
        lambda bits: frozenset(n for n, bit in zip(names, bits, strict=True) if bit)
    )


# pools, users, groups --------------------------------------------------------------------


@contextlib.contextmanager
def fresh_pool(client: Any) -> Iterator[str]:
    pool_id: str = client.create_user_pool(
        PoolName="pagination", UsernameConfiguration={"CaseSensitive": True}
    )["UserPool"]["Id"]
    try:
        yield pool_id
    finally:
        client.delete_user_pool(UserPoolId=pool_id)


def create_users(client: Any, pool_id: str, names: Iterable[str]) -> None:
    for name in names:
        client.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")


def create_groups(client: Any, pool_id: str, names: Iterable[str]) -> None:
    for name in names:
        client.create_group(UserPoolId=pool_id, GroupName=name)


def add_to_group(client: Any, pool_id: str, group: str, usernames: Iterable[str]) -> None:
    for username in usernames:
        client.admin_add_user_to_group(UserPoolId=pool_id, GroupName=group, Username=username)


def add_to_groups(client: Any, pool_id: str, username: str, groups: Iterable[str]) -> None:
    for group in groups:
        client.admin_add_user_to_group(UserPoolId=pool_id, GroupName=group, Username=username)


# the listings ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    """One paginated operation with fixed parameters, as boto3 calls it."""

    method: str
    params: dict[str, str]
    result_key: str
    name_key: str
    token_key: str = "NextToken"

    def call(self, client: Any, *, limit: int | None = None, token: str | None = None) -> Any:
        kwargs: dict[str, Any] = dict(self.params)
        if limit is not None:
            kwargs["Limit"] = limit
        if token is not None:
            kwargs[self.token_key] = token
        return getattr(client, self.method)(**kwargs)

    def page(
        self, client: Any, *, limit: int | None = None, token: str | None = None
    ) -> tuple[list[str], str | None]:
        response = self.call(client, limit=limit, token=token)
        return self.names(response), response.get(self.token_key)

    def paginate(self, client: Any, **config: Any) -> Any:
        paginator = client.get_paginator(self.method)
        return paginator.paginate(**self.params, PaginationConfig=config).build_full_result()

    def names(self, result: Any) -> list[str]:
        return [item[self.name_key] for item in result.get(self.result_key, [])]

    def tokens(self, client: Any, limit: int) -> list[str]:
        """Every token of one chain, first to last."""
        tokens: list[str] = []
        token = None
        while True:
            _, token = self.page(client, limit=limit, token=token)
            if token is None:
                return tokens
            assert len(tokens) < 1000, "the listing does not end"
            tokens.append(token)


def users_in_group(pool_id: str, group: str) -> Listing:
    return Listing(
        "list_users_in_group", {"UserPoolId": pool_id, "GroupName": group}, "Users", "Username"
    )


def groups_for_user(pool_id: str, username: str) -> Listing:
    return Listing(
        "admin_list_groups_for_user",
        {"UserPoolId": pool_id, "Username": username},
        "Groups",
        "GroupName",
    )


def groups_of_pool(pool_id: str) -> Listing:
    return Listing("list_groups", {"UserPoolId": pool_id}, "Groups", "GroupName")


def users_of_pool(pool_id: str, filter_text: str | None = None) -> Listing:
    params = {"UserPoolId": pool_id}
    if filter_text is not None:
        params["Filter"] = filter_text
    return Listing("list_users", params, "Users", "Username", token_key="PaginationToken")


def assert_paginates(
    client: Any, listing: Listing, expected: list[str], page_size: int, limit: int | None
) -> None:
    """botocore's paginator yields ``expected``; a MaxItems cut resumes with the rest."""
    config: dict[str, int] = {"PageSize": page_size}
    if limit is not None:
        config["MaxItems"] = limit
    result = listing.paginate(client, **config)
    got = listing.names(result)
    if limit is None or limit >= len(expected):
        assert got == expected
    else:
        assert got == expected[:limit]
        assert "NextToken" in result, "MaxItems cut the listing short without a resume token"
    if "NextToken" in result:
        rest = listing.paginate(client, PageSize=page_size, StartingToken=result["NextToken"])
        assert listing.names(rest) == expected[len(got) :]
        assert "NextToken" not in rest


def assert_rejected(call: Callable[[], Any]) -> None:
    """The call fails with InvalidParameterException, returning no item at all."""
    try:
        response = call()
    except ClientError as error:
        assert error.response["Error"]["Code"] == INVALID_PARAMETER, error.response["Error"]
    else:
        items = response.get("Users", response.get("Groups"))
        pytest.fail(f"the token was accepted; the page held {items!r}")


# 1. the paginators yield exactly the listing, in order -----------------------------------


def test_list_users_in_group_paginator_yields_exactly_the_members_in_order(
    cognito_idp: Any,
) -> None:
    client = cognito_idp
    with fresh_pool(client) as pool_id:
        create_users(client, pool_id, NAMES)
        create_groups(client, pool_id, ["members", "others"])
        add_to_group(client, pool_id, "others", NAMES[::2])  # never part of "members"
        users = set(NAMES)
        members: set[str] = set()
        listing = users_in_group(pool_id, "members")

        @quick(40)
        @given(
            chosen=subsets(NAMES),
            extra=st.lists(drawn_names, max_size=2),
            page_size=page_sizes,
            limit=max_items,
        )
        def check(
            chosen: frozenset[str], extra: list[str], page_size: int, limit: int | None
        ) -> None:
            new = [n for n in dict.fromkeys(extra) if n not in users]
            create_users(client, pool_id, new)
            users.update(new)
            wanted = chosen | set(extra)
            add_to_group(client, pool_id, "members", sorted(wanted - members))
            for name in members - wanted:
                client.admin_remove_user_from_group(
                    UserPoolId=pool_id, GroupName="members", Username=name
                )
            members.clear()
            members.update(wanted)
            assert_paginates(client, listing, sorted(wanted), page_size, limit)

        check()


def test_admin_list_groups_for_user_paginator_yields_exactly_the_groups_in_order(
    cognito_idp: Any,
) -> None:
    client = cognito_idp
    with fresh_pool(client) as pool_id:
        create_users(client, pool_id, ["subject", "bystander"])
        create_groups(client, pool_id, NAMES)
        add_to_groups(client, pool_id, "bystander", NAMES[1::2])  # never the subject's
        groups = set(NAMES)
        joined: set[str] = set()
        listing = groups_for_user(pool_id, "subject")

        @quick(40)
        @given(
            chosen=subsets(NAMES),
            extra=st.lists(drawn_names, max_size=2),
            page_size=page_sizes,
            limit=max_items,
        )
        def check(
            chosen: frozenset[str], extra: list[str], page_size: int, limit: int | None
        ) -> None:
            new = [n for n in dict.fromkeys(extra) if n not in groups]
            create_groups(client, pool_id, new)
            groups.update(new)
            wanted = chosen | set(extra)
            add_to_groups(client, pool_id, "subject", sorted(wanted - joined))
            for name in joined - wanted:
                client.admin_remove_user_from_group(
                    UserPoolId=pool_id, GroupName=name, Username="subject"
                )
            joined.clear()
            joined.update(wanted)
            assert_paginates(client, listing, sorted(wanted), page_size, limit)

        check()


def test_list_groups_paginator_yields_every_group_in_order(cognito_idp: Any) -> None:
    client = cognito_idp
    with fresh_pool(client) as pool_id:
        create_groups(client, pool_id, NAMES)
        groups = set(NAMES)
        listing = groups_of_pool(pool_id)

        @quick(25)
        @given(extra=st.lists(drawn_names, max_size=2), page_size=page_sizes, limit=max_items)
        def check(extra: list[str], page_size: int, limit: int | None) -> None:
            new = [n for n in dict.fromkeys(extra) if n not in groups]
            create_groups(client, pool_id, new)
            groups.update(new)
            assert_paginates(client, listing, sorted(groups), page_size, limit)

        check()


def test_list_users_paginator_yields_every_user_in_order(cognito_idp: Any) -> None:
    client = cognito_idp
    with fresh_pool(client) as pool_id:
        create_users(client, pool_id, NAMES)
        users = set(NAMES)
        listing = users_of_pool(pool_id)

        @quick(25)
        @given(extra=st.lists(drawn_names, max_size=2), page_size=page_sizes, limit=max_items)
        def check(extra: list[str], page_size: int, limit: int | None) -> None:
            new = [n for n in dict.fromkeys(extra) if n not in users]
            create_users(client, pool_id, new)
            users.update(new)
            assert_paginates(client, listing, sorted(users), page_size, limit)

        check()


# 2. paging through a group while it changes ----------------------------------------------

CHANGES = ("remove_ahead", "remove_behind", "add_ahead", "add_behind", "recreate_last")


def test_list_users_in_group_pages_consistently_while_members_change(cognito_idp: Any) -> None:
    """Keyset pagination: members present throughout appear exactly once (reliability §3.4).

    Between pages the test removes the last-returned member (often), removes members not
    yet reached and already passed, adds users ahead of and behind the position, and
    deletes and re-creates the last-returned user (a new user under a name already
    returned). Each example pages through a group of its own.
    """
    client = cognito_idp
    with fresh_pool(client) as pool_id:
        create_users(client, pool_id, NAMES)
        counter = iter(range(1_000_000))

        @quick(30)
        @given(
            initial=st.sets(st.sampled_from(NAMES), min_size=6, max_size=24),
            limit=st.integers(1, 6),
            data=st.data(),
        )
        def check(initial: set[str], limit: int, data: st.DataObject) -> None:
            group = f"group-{next(counter)}"
            client.create_group(UserPoolId=pool_id, GroupName=group)
            add_to_group(client, pool_id, group, sorted(initial))
            listing = users_in_group(pool_id, group)
            current = set(initial)
            throughout = set(initial)  # members for the whole listing
            ever = set(initial)  # members at some point
            seen: list[str] = []

            def remove(name: str) -> None:
                client.admin_remove_user_from_group(
                    UserPoolId=pool_id, GroupName=group, Username=name
                )
                current.discard(name)
                throughout.discard(name)

            def add(name: str) -> None:
                client.admin_add_user_to_group(UserPoolId=pool_id, GroupName=group, Username=name)
                current.add(name)
                ever.add(name)

            token: str | None = None
            for _ in range(200):
                names, token = listing.page(client, limit=limit, token=token)
                assert len(names) <= limit
                seen.extend(names)
                if token is None:
                    break
                last = seen[-1] if seen else ""
                if last in current and data.draw(st.booleans(), label="remove last"):
                    remove(last)
                for change in data.draw(st.lists(st.sampled_from(CHANGES), max_size=3)):
                    if change == "recreate_last":
                        if not last:
                            continue
                        client.admin_delete_user(UserPoolId=pool_id, Username=last)
                        current.discard(last)
                        throughout.discard(last)
                        create_users(client, pool_id, [last])
                        add(last)
                        continue
                    ahead = change.endswith("ahead")
                    pool = current if change.startswith("remove") else set(NAMES) - current
                    candidates = sorted(n for n in pool if (n > last) == ahead and n != last)
                    if not candidates:
                        continue
                    name = data.draw(st.sampled_from(candidates), label=change)
                    if change.startswith("remove"):
                        remove(name)
                    else:
                        add(name)
            else:
                pytest.fail(f"the listing had not ended after 200 pages: {seen!r}")
            assert len(seen) == len(set(seen)), f"a member appeared twice: {seen!r}"
            assert seen == sorted(seen), "the order went backwards"
            assert throughout <= set(seen), f"members skipped: {sorted(throughout - set(seen))}"
            assert set(seen) <= ever, f"never members: {sorted(set(seen) - ever)}"

        check()


# 3. tokens are tamper-evident and bound to their listing ---------------------------------

MUTATIONS = ("xor", "replace", "insert", "delete", "truncate", "append")


def mutate(token: str, kind: str, position: int, text: str, mask: int) -> str:
    i = position % len(token)
    if kind == "xor":  # another base64 character: flips some of the six bits it carries
        return token[:i] + B64_ALPHABET[B64_ALPHABET.index(token[i]) ^ mask] + token[i + 1 :]
    if kind == "replace":
        return token[:i] + text + token[i + 1 :]
    if kind == "insert":
        return token[:i] + text + token[i:]
    if kind == "delete":
        return token[:i] + token[i + len(text) :]
    if kind == "truncate":
        return token[:i]
    assert kind == "append"
    return token + text


@contextlib.contextmanager
def tokens_of_every_length(client: Any) -> Iterator[tuple[Listing, list[str]]]:
    """A group whose Limit=1 chain holds tokens of several lengths (usernames of 1-6 chars)."""
    with fresh_pool(client) as pool_id:
        members = ["a", "bb", "ccc", "dddd", "eeeee", "ffffff", "g"]
        create_users(client, pool_id, members)
        client.create_group(UserPoolId=pool_id, GroupName="A")
        add_to_group(client, pool_id, "A", members)
        listing = users_in_group(pool_id, "A")
        yield listing, listing.tokens(client, limit=1)


def test_list_users_in_group_rejects_altered_tokens(cognito_idp: Any) -> None:
    client = cognito_idp
    with tokens_of_every_length(client) as (listing, tokens):

        @quick(40)
        @given(
            token=st.sampled_from(tokens),
            kind=st.sampled_from(MUTATIONS),
            position=st.integers(0, 200),
            text=st.text(
                # Not U+0000: the decoder refuses it in any request, before the token is read.
                st.sampled_from(B64_ALPHABET + "=")
                | st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
                min_size=1,
                max_size=3,
            ),
            mask=st.integers(1, 63),
        )
        def check(token: str, kind: str, position: int, text: str, mask: int) -> None:
            altered = mutate(token, kind, position, text, mask)
            # An empty string never reaches the server (botocore checks the length).
            assume(altered and altered != token)
            assert_rejected(lambda: listing.call(client, limit=1, token=altered))

        check()


def test_list_users_in_group_rejects_other_base64_spellings_of_a_token(cognito_idp: Any) -> None:
    """Changes that base64 decoders forgive are still changes to the token.

    Unpadded base64 of a length that is not a multiple of 4 leaves 2 or 4 unused bits in
    the last character, and lenient decoders ignore those bits and trailing ``=``. A token
    spelled differently must be refused like any other altered token.
    """
    client = cognito_idp
    with tokens_of_every_length(client) as (listing, tokens):
        assert {len(t) % 4 for t in tokens} & {2, 3}, "no token with unused bits to alter"
        variants = []
        for token in tokens:
            last = B64_ALPHABET.index(token[-1])
            unused = {0: 0, 2: 0b1111, 3: 0b11}[len(token) % 4]
            variants += [
                token[:-1] + B64_ALPHABET[last ^ bit] for bit in (1, 2, 4, 8) if bit & unused
            ]
            variants += [token + "=", token + "==", token + "=" * (-len(token) % 4)]
        variants = list(dict.fromkeys(v for v in variants if v not in tokens))
        accepted = []
        for variant in variants:
            try:
                listing.call(client, limit=1, token=variant)
            except ClientError as error:
                assert error.response["Error"]["Code"] == INVALID_PARAMETER, error.response
            else:
                accepted.append(variant)
        assert accepted == [], f"{len(accepted)} of {len(variants)} re-spelled tokens accepted"


@contextlib.contextmanager
def twin_pools(client: Any) -> Iterator[tuple[str, str]]:
    """Two pools with the same users a, b, c, each in the same groups A and B."""
    with fresh_pool(client) as first, fresh_pool(client) as second:
        for pool_id in (first, second):
            create_users(client, pool_id, ["a", "b", "c"])
            create_groups(client, pool_id, ["A", "B"])
            for group in ("A", "B"):
                add_to_group(client, pool_id, group, ["a", "b", "c"])
        yield first, second


def first_token(client: Any, listing: Listing) -> str:
    _, token = listing.page(client, limit=1)
    assert token is not None
    return token


def test_list_users_in_group_rejects_tokens_of_other_listings(cognito_idp: Any) -> None:
    client = cognito_idp
    with twin_pools(client) as (pool_id, other_pool_id):
        token = first_token(client, users_in_group(pool_id, "A"))
        for listing in (
            users_in_group(pool_id, "B"),
            users_in_group(other_pool_id, "A"),
            groups_for_user(pool_id, "a"),
            groups_of_pool(pool_id),
            users_of_pool(pool_id),
        ):
            assert_rejected(functools.partial(listing.call, client, limit=1, token=token))
        # Each foreign listing still works with its own tokens.
        assert users_in_group(pool_id, "B").page(client, limit=1)[0] == ["a"]


def test_admin_list_groups_for_user_rejects_tokens_of_other_listings(cognito_idp: Any) -> None:
    client = cognito_idp
    with twin_pools(client) as (pool_id, other_pool_id):
        token = first_token(client, groups_for_user(pool_id, "a"))
        for listing in (
            groups_for_user(pool_id, "b"),
            groups_for_user(other_pool_id, "a"),
            users_in_group(pool_id, "A"),
            groups_of_pool(pool_id),
            users_of_pool(pool_id),
        ):
            assert_rejected(functools.partial(listing.call, client, limit=1, token=token))


def test_list_groups_and_list_users_reject_tokens_of_other_listings(cognito_idp: Any) -> None:
    client = cognito_idp
    with twin_pools(client) as (pool_id, other_pool_id):
        groups_token = first_token(client, groups_of_pool(pool_id))
        for listing in (
            groups_of_pool(other_pool_id),
            users_in_group(pool_id, "A"),
            groups_for_user(pool_id, "a"),
            users_of_pool(pool_id),
        ):
            assert_rejected(functools.partial(listing.call, client, limit=1, token=groups_token))
        users_token = first_token(client, users_of_pool(pool_id))
        for listing in (
            users_of_pool(other_pool_id),
            users_of_pool(pool_id, 'username ^= "b"'),  # same pool, other filter
            users_in_group(pool_id, "A"),
            groups_for_user(pool_id, "a"),
            groups_of_pool(pool_id),
        ):
            assert_rejected(functools.partial(listing.call, client, limit=1, token=users_token))


def test_list_users_in_group_rejects_tokens_of_a_deleted_group_of_the_same_name(
    cognito_idp: Any,
) -> None:
    client = cognito_idp
    with fresh_pool(client) as pool_id:
        create_users(client, pool_id, ["a", "b", "c"])
        client.create_group(UserPoolId=pool_id, GroupName="A")
        add_to_group(client, pool_id, "A", ["a", "b", "c"])
        listing = users_in_group(pool_id, "A")
        token = first_token(client, listing)
        client.delete_group(UserPoolId=pool_id, GroupName="A")
        client.create_group(UserPoolId=pool_id, GroupName="A")
        add_to_group(client, pool_id, "A", ["a", "b", "c"])
        assert_rejected(lambda: listing.call(client, limit=1, token=token))


def test_list_users_in_group_rejects_tokens_of_a_deleted_group_on_a_new_group(
    cognito_idp: Any,
) -> None:
    client = cognito_idp
    with fresh_pool(client) as pool_id:
        create_users(client, pool_id, ["a", "b", "c"])
        client.create_group(UserPoolId=pool_id, GroupName="old")
        add_to_group(client, pool_id, "old", ["a", "b", "c"])
        token = first_token(client, users_in_group(pool_id, "old"))
        client.delete_group(UserPoolId=pool_id, GroupName="old")
        client.create_group(UserPoolId=pool_id, GroupName="new")
        add_to_group(client, pool_id, "new", ["a", "b", "c"])
        listing = users_in_group(pool_id, "new")
        assert_rejected(lambda: listing.call(client, limit=1, token=token))


def test_list_users_in_group_rejects_tokens_of_a_deleted_pool(cognito_idp: Any) -> None:
    """A token outlives its pool; it must not open a listing of the next pool."""
    client = cognito_idp

    def populate(pool_id: str) -> Listing:
        create_users(client, pool_id, ["a", "b", "c"])
        client.create_group(UserPoolId=pool_id, GroupName="A")
        add_to_group(client, pool_id, "A", ["a", "b", "c"])
        return users_in_group(pool_id, "A")

    with fresh_pool(client) as pool_id:
        token = first_token(client, populate(pool_id))
    with fresh_pool(client) as pool_id:
        listing = populate(pool_id)
        assert_rejected(lambda: listing.call(client, limit=1, token=token))


def test_admin_list_groups_for_user_rejects_tokens_of_a_deleted_user_of_the_same_name(
    cognito_idp: Any,
) -> None:
    client = cognito_idp
    with fresh_pool(client) as pool_id:
        create_users(client, pool_id, ["a"])
        create_groups(client, pool_id, ["A", "B", "C"])
        add_to_groups(client, pool_id, "a", ["A", "B", "C"])
        listing = groups_for_user(pool_id, "a")
        token = first_token(client, listing)
        client.admin_delete_user(UserPoolId=pool_id, Username="a")
        create_users(client, pool_id, ["a"])
        add_to_groups(client, pool_id, "a", ["A", "B", "C"])
        assert_rejected(lambda: listing.call(client, limit=1, token=token))


# 4. tokens are replayable, distinct, and never look like botocore's own ------------------


def test_list_users_in_group_replayed_token_returns_the_same_page(cognito_idp: Any) -> None:
    """botocore resumes a MaxItems cut by re-requesting a page: replays must agree."""
    client = cognito_idp
    with fresh_pool(client) as pool_id:
        names = sorted(NAMES[:14])
        create_users(client, pool_id, [*names, "subject"])
        create_groups(client, pool_id, [*names, "team"])
        add_to_group(client, pool_id, "team", names)
        add_to_groups(client, pool_id, "subject", names)
        for listing in (users_in_group(pool_id, "team"), groups_for_user(pool_id, "subject")):
            tokens: list[str] = []
            token: str | None = None
            seen: list[str] = []
            while True:
                first = listing.call(client, limit=3, token=token)
                again = listing.call(client, limit=3, token=token)
                assert again[listing.result_key] == first[listing.result_key]
                # The next token's text may differ (sealing is randomised); its position not.
                assert ("NextToken" in again) == ("NextToken" in first)
                if "NextToken" in again:
                    after_again = listing.page(client, limit=3, token=again["NextToken"])
                    after_first = listing.page(client, limit=3, token=first["NextToken"])
                    assert after_again[0] == after_first[0]
                page = listing.names(first)
                if token is not None:
                    # A smaller Limit with the same token starts at the same place.
                    assert listing.page(client, limit=1, token=token)[0] == page[:1]
                    # The raw service token also works as botocore's StartingToken.
                    rest = listing.paginate(client, PageSize=4, StartingToken=token)
                    assert listing.names(rest) == names[len(seen) :]
                seen.extend(page)
                token = first.get("NextToken")
                if token is None:
                    break
                assert token not in tokens, "a token was repeated within one chain"
                tokens.append(token)
            assert seen == names
            assert len(tokens) == 4  # 14 items, 3 a page


def assert_plain_token(token: str) -> None:
    """Standard base64 without padding, no ``___``, and not a botocore resume token."""
    assert re.fullmatch(r"[A-Za-z0-9+/]+", token), token
    assert len(token) % 4 != 1, token
    assert "___" not in token
    raw = base64.b64decode(token + "=" * (-len(token) % 4))
    with contextlib.suppress(UnicodeDecodeError, json.JSONDecodeError):
        assert not isinstance(json.loads(raw.decode()), dict), token
    # What botocore does with a StartingToken: it must fail to read it as its own.
    with pytest.raises((ValueError, TypeError, binascii.Error)):
        TokenDecoder().decode(token)


def test_list_operations_tokens_are_plain_base64_not_json(cognito_idp: Any) -> None:
    client = cognito_idp
    with fresh_pool(client) as pool_id:
        create_users(client, pool_id, NAMES)
        create_groups(client, pool_id, NAMES)
        client.create_group(UserPoolId=pool_id, GroupName="everyone")
        add_to_group(client, pool_id, "everyone", NAMES)
        add_to_groups(client, pool_id, NAMES[0], NAMES)
        chains = {
            "ListUsersInGroup": users_in_group(pool_id, "everyone").tokens(client, limit=1),
            "AdminListGroupsForUser": groups_for_user(pool_id, NAMES[0]).tokens(client, limit=2),
            "ListGroups": groups_of_pool(pool_id).tokens(client, limit=3),
            "ListUsers": users_of_pool(pool_id).tokens(client, limit=3),
        }
        assert [len(c) for c in chains.values()] == [39, 20, 13, 13]
        for tokens in chains.values():
            assert len(set(tokens)) == len(tokens)
            for token in tokens:
                assert_plain_token(token)


# 5. Limit ---------------------------------------------------------------------------------

LIMIT_61 = (
    "1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: "
    "Member must have value less than or equal to 60"
)


@pytest.mark.parametrize(
    "operation", ["list_users_in_group", "admin_list_groups_for_user", "list_groups", "list_users"]
)
def test_list_operations_reject_limit_61(cognito_idp: Any, operation: str) -> None:
    client = cognito_idp
    with fresh_pool(client) as pool_id:
        create_users(client, pool_id, ["a"])
        create_groups(client, pool_id, ["A"])
        add_to_group(client, pool_id, "A", ["a"])
        listing, only = {
            "list_users_in_group": (users_in_group(pool_id, "A"), "a"),
            "admin_list_groups_for_user": (groups_for_user(pool_id, "a"), "A"),
            "list_groups": (groups_of_pool(pool_id), "A"),
            "list_users": (users_of_pool(pool_id), "a"),
        }[operation]
        with pytest.raises(ClientError) as excinfo:
            listing.call(client, limit=61)
        assert error_of(excinfo) == (INVALID_PARAMETER, LIMIT_61)
        assert listing.page(client, limit=60) == ([only], None)


def first_page(client: Any, listing: Listing, limit: int | None = None) -> tuple[list[str], bool]:
    """The names on the first page, and whether a next page was announced."""
    names, token = listing.page(client, limit=limit)
    return names, token is not None


def test_list_users_in_group_default_page_size_is_25(cognito_idp: Any) -> None:
    client = cognito_idp
    with fresh_pool(client) as pool_id:
        names = sorted(f"user{i:02d}" for i in range(30))
        create_users(client, pool_id, names)
        client.create_group(UserPoolId=pool_id, GroupName="thirty")
        add_to_group(client, pool_id, "thirty", names)
        listing = users_in_group(pool_id, "thirty")
        first, token = listing.page(client)
        assert (first, token is not None) == (names[:25], True)
        assert first_page(client, listing, limit=0) == (names[:25], True)  # 0: the default
        assert listing.page(client, token=token) == (names[25:], None)
        assert listing.page(client, limit=0, token=token) == (names[25:], None)
        # ListUsers pages 60 by default: all 30 users at once.
        assert first_page(client, users_of_pool(pool_id)) == (names, False)
        assert first_page(client, users_of_pool(pool_id), limit=0) == (names, False)


def test_admin_list_groups_for_user_default_page_size_is_60(cognito_idp: Any) -> None:
    client = cognito_idp
    with fresh_pool(client) as pool_id:
        names = sorted(f"group{i:02d}" for i in range(61))
        create_users(client, pool_id, ["member"])
        create_groups(client, pool_id, names)
        add_to_groups(client, pool_id, "member", names)
        listing = groups_for_user(pool_id, "member")
        first, token = listing.page(client)
        assert (first, token is not None) == (names[:60], True)
        assert first_page(client, listing, limit=0) == (names[:60], True)  # 0: the default
        assert listing.page(client, token=token) == (names[60:], None)
        # ListGroups pages 25 by default.
        assert first_page(client, groups_of_pool(pool_id)) == (names[:25], True)
        assert first_page(client, groups_of_pool(pool_id), limit=0) == (names[:25], True)
