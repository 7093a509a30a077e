"""The authorization endpoint's pure rules: PKCE S256 (RFC 7636 §4.6) and where the answer
goes on the redirect URI (RFC 6749 §4.1.2, §4.2.2)."""

from __future__ import annotations

import base64
import hashlib
import urllib.parse

from hypothesis import given
from hypothesis import strategies as st

from userpools.domain.authorize import pkce_matches
from userpools.domain.login import redirect_url

UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
verifiers = st.text(alphabet=UNRESERVED, min_size=43, max_size=128)


def challenge_of(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@given(verifiers)
def test_a_verifier_matches_its_own_challenge(verifier: str) -> None:
    assert pkce_matches(challenge_of(verifier), verifier)


@given(verifiers, verifiers)
def test_a_verifier_does_not_match_anothers_challenge(verifier: str, other: str) -> None:
    if verifier != other:
        assert not pkce_matches(challenge_of(other), verifier)


@given(st.text(alphabet=UNRESERVED, max_size=42) | st.text(min_size=129, max_size=200))
def test_a_verifier_of_the_wrong_length_never_matches(verifier: str) -> None:
    """RFC 7636 §4.1: 43 to 128 characters."""
    assert not pkce_matches(challenge_of(verifier), verifier)


def test_no_challenge_takes_no_verifier() -> None:
    assert pkce_matches(None, None)
    assert not pkce_matches(None, "a" * 43)
    assert not pkce_matches(challenge_of("a" * 43), None)


@given(st.text(), st.text(), st.booleans())
def test_values_go_back_intact_in_the_query_or_the_fragment(
    state: str, code: str, implicit: bool
) -> None:
    uri = "https://app.example/cb?keep=1"
    url = redirect_url(uri, "token" if implicit else "code", {"code": code, "state": state})
    parts = urllib.parse.urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "app.example", "/cb")
    if implicit:
        assert parts.query == "keep=1"
        values = urllib.parse.parse_qs(parts.fragment, keep_blank_values=True)
    else:
        assert parts.fragment == ""
        values = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        assert values.pop("keep") == ["1"]
    assert values == {"code": [code], "state": [state]}
