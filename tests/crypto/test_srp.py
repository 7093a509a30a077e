"""Cognito SRP-6a, server side (``userpools.crypto.srp``), against pycognito's client.

pycognito's ``AWSSRP`` is the client here: it makes ``SRP_A`` and answers our challenge with its
own arithmetic, offline (its boto3 client is a stand-in that fails the test if called). Its clock
is frozen by replacing the ``datetime`` module it reads, so ``TIMESTAMP`` is known.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pycognito import aws_srp
from pycognito.aws_srp import AWSSRP

from userpools.crypto import srp
from userpools.crypto.srp import (
    MAX_SKEW_SECONDS,
    N,
    ServerSession,
    SrpError,
    Verifier,
    format_timestamp,
    make_verifier,
    parse_timestamp,
    pool_name_of,
    start,
    verify,
)

POOL_ID = "eu-west-1_Ab3dEfGh1"
POOL = "Ab3dEfGh1"
CLIENT_ID = "3n4b5urk1ft4fl3mg5e62d9ado"
USERNAME = "alice"
PASSWORD = "correct Horse battery staple 9!"
#: A Monday with a one-digit day: pycognito writes ``Mon Nov 2 07:05:09 UTC 2026``.
AT = datetime(2026, 11, 2, 7, 5, 9)
AT_POSIX = AT.replace(tzinfo=UTC).timestamp()


class _NoNetwork:
    """pycognito's boto3 client: any use of it fails the test."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"pycognito tried to call cognito-idp {name}")


def _client(username: str, password: str) -> AWSSRP:
    return AWSSRP(
        username=username,
        password=password,
        pool_id=POOL_ID,
        client_id=CLIENT_ID,
        client=_NoNetwork(),
    )


def _frozen_datetime(at: datetime) -> SimpleNamespace:
    """Stands in for the ``datetime`` module pycognito reads ``utcnow()`` from."""
    return SimpleNamespace(datetime=SimpleNamespace(utcnow=lambda: at))


def handshake(
    username: str = USERNAME,
    password: str = PASSWORD,
    *,
    client_password: str | None = None,
    user_id_for_srp: str | None = None,
    at: datetime = AT,
) -> tuple[ServerSession, dict[str, str]]:
    """One USER_SRP_AUTH exchange: our session and pycognito's ``ChallengeResponses``.

    The verifier is made for ``password``; the client signs in with ``client_password``
    (default: the same) as ``username``, and is told ``user_id_for_srp`` (default: ``username``).
    """
    user_id = username if user_id_for_srp is None else user_id_for_srp
    verifier = make_verifier(POOL, user_id, password)
    client = _client(username, password if client_password is None else client_password)
    auth_parameters = client.get_auth_params()
    session = start(verifier, auth_parameters["SRP_A"])
    with mock.patch.object(aws_srp, "datetime", _frozen_datetime(at)):
        answer = client.process_challenge(session.challenge_parameters(user_id), auth_parameters)
    return session, answer


def check(
    session: ServerSession,
    answer: dict[str, str],
    *,
    username: str = USERNAME,
    pool: str = POOL,
    now: float = AT_POSIX,
    **changed: str,
) -> bool:
    """:func:`verify` on a client's answer, with any of its parameters ``changed``."""
    values = {**answer, **changed}
    return verify(
        session,
        pool,
        username,
        values["PASSWORD_CLAIM_SECRET_BLOCK"],
        values["TIMESTAMP"],
        values["PASSWORD_CLAIM_SIGNATURE"],
        now=now,
    )


@pytest.fixture(scope="module")
def exchange() -> tuple[ServerSession, dict[str, str]]:
    return handshake()


# --- interoperability with pycognito ---------------------------------------------------------


def test_srp_group_matches_the_clients() -> None:
    client = _client(USERNAME, PASSWORD)
    assert (client.big_n, client.val_g, client.val_k) == (N, srp.G, srp.K)
    assert N.bit_length() == 3072


def test_srp_pycognito_handshake_verifies(exchange: tuple[ServerSession, dict[str, str]]) -> None:
    session, answer = exchange
    assert answer["TIMESTAMP"] == "Mon Nov 2 07:05:09 UTC 2026"
    assert answer["USERNAME"] == USERNAME
    assert answer["PASSWORD_CLAIM_SECRET_BLOCK"] == session.secret_block_b64
    assert check(session, answer) is True


def test_srp_wrong_password_on_the_client_is_false() -> None:
    session, answer = handshake(client_password=PASSWORD + "x")
    assert check(session, answer) is False
    session, answer = handshake(client_password=PASSWORD.upper())
    assert check(session, answer) is False


def test_srp_other_pool_or_username_is_false(
    exchange: tuple[ServerSession, dict[str, str]],
) -> None:
    session, answer = exchange
    assert check(session, answer, username="bob") is False
    assert check(session, answer, username=USERNAME.upper()) is False
    assert check(session, answer, pool="Ab3dEfGh2") is False


def test_srp_verifier_made_for_another_pool_never_verifies() -> None:
    client = _client(USERNAME, PASSWORD)
    auth_parameters = client.get_auth_params()
    session = start(make_verifier("Other1", USERNAME, PASSWORD), auth_parameters["SRP_A"])
    with mock.patch.object(aws_srp, "datetime", _frozen_datetime(AT)):
        answer = client.process_challenge(session.challenge_parameters(USERNAME), auth_parameters)
    assert check(session, answer) is False


def test_srp_email_sign_in_uses_user_id_for_srp() -> None:
    """An email-as-username pool: the client types the email, signs with USER_ID_FOR_SRP."""
    sub = "7c1e9a52-31f0-4d6b-9a0e-2b4d6f8a1c3e"
    session, answer = handshake("alice@example.com", user_id_for_srp=sub)
    assert answer["USERNAME"] == sub
    assert check(session, answer, username=sub) is True
    assert check(session, answer, username="alice@example.com") is False


def test_srp_each_session_is_fresh() -> None:
    verifier = make_verifier(POOL, USERNAME, PASSWORD)
    srp_a = _client(USERNAME, PASSWORD).get_auth_params()["SRP_A"]
    first, second = start(verifier, srp_a), start(verifier, srp_a)
    assert first.srp_b_hex != second.srp_b_hex
    assert first.secret_block != second.secret_block
    assert len(first.secret_block) == srp.SECRET_BLOCK_BYTES


def test_srp_answer_for_one_session_fails_another() -> None:
    """A replayed answer is refused by a new session even with its own secret block."""
    session, answer = handshake()
    client = _client(USERNAME, PASSWORD)
    other = start(make_verifier(POOL, USERNAME, PASSWORD), client.get_auth_params()["SRP_A"])
    assert check(other, answer) is False
    assert check(other, answer, PASSWORD_CLAIM_SECRET_BLOCK=other.secret_block_b64) is False
    assert check(session, answer) is True


@settings(max_examples=20, deadline=None)
@given(
    username=st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=40),
    password=st.text(
        st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1, max_size=64
    ),
)
def test_srp_round_trip_with_pycognito_for_any_text(username: str, password: str) -> None:
    session, answer = handshake(username, password)
    assert check(session, answer, username=username) is True
    session, answer = handshake(username, password, client_password=password + "1")
    assert check(session, answer, username=username) is False


# --- SRP_A ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "srp_a",
    [
        "0",
        "00",
        f"{N:x}",
        f"{N:X}",
        f"{2 * N:x}",
        f"{5 * N:x}",
        f"{N + 1:x}",  # A ≢ 0 but unreduced: no honest client sends it
        "",
        "0x12",
        "-1f",
        " 1f",
        "1f ",
        "1_f",
        "xyz",
        "١٢",  # Arabic-Indic digits, which int() would accept
        "1" * 1025,
    ],
)
def test_srp_start_refuses_unusable_srp_a(srp_a: str) -> None:
    verifier = make_verifier(POOL, USERNAME, PASSWORD)
    with pytest.raises(SrpError) as raised:
        start(verifier, srp_a)
    assert PASSWORD not in str(raised.value)


def test_srp_start_accepts_leading_zeros_and_upper_case() -> None:
    client = _client(USERNAME, PASSWORD)
    auth_parameters = client.get_auth_params()
    padded = "000" + auth_parameters["SRP_A"].upper()
    session = start(make_verifier(POOL, USERNAME, PASSWORD), padded)
    assert session.big_a == client.large_a_value
    with mock.patch.object(aws_srp, "datetime", _frozen_datetime(AT)):
        answer = client.process_challenge(session.challenge_parameters(USERNAME), auth_parameters)
    assert check(session, answer) is True


def test_srp_start_uses_the_given_random_source() -> None:
    verifier = make_verifier(POOL, USERNAME, PASSWORD, salt=bytes(range(16)))
    srp_a = _client(USERNAME, PASSWORD).get_auth_params()["SRP_A"]

    def counting(size: int) -> bytes:
        return bytes((i + 1) % 256 for i in range(size))

    first, second = start(verifier, srp_a, counting), start(verifier, srp_a, counting)
    assert first == second
    assert first.small_b == int.from_bytes(counting(srp.PRIVATE_BYTES), "big")
    assert first.secret_block == counting(srp.SECRET_BLOCK_BYTES)
    assert first.big_b == (srp.K * verifier.verifier + pow(2, first.small_b, N)) % N


def test_srp_start_gives_up_on_a_broken_random_source() -> None:
    verifier = make_verifier(POOL, USERNAME, PASSWORD)
    with pytest.raises(RuntimeError):
        start(verifier, "2", lambda size: bytes(size))


# --- tampering --------------------------------------------------------------------------------


def _flip_first_byte(b64: str) -> str:
    raw = bytearray(base64.b64decode(b64))
    raw[0] ^= 1
    return base64.b64encode(bytes(raw)).decode()


@pytest.mark.parametrize(
    "signature",
    ["", "AAAA", "not base64!", "é", "A" * 43 + "=", "=" * 44],
)
def test_srp_malformed_signature_is_false(
    exchange: tuple[ServerSession, dict[str, str]], signature: str
) -> None:
    session, answer = exchange
    assert check(session, answer, PASSWORD_CLAIM_SIGNATURE=signature) is False


def test_srp_tampered_signature_is_false(exchange: tuple[ServerSession, dict[str, str]]) -> None:
    session, answer = exchange
    signature = answer["PASSWORD_CLAIM_SIGNATURE"]
    assert check(session, answer, PASSWORD_CLAIM_SIGNATURE=_flip_first_byte(signature)) is False
    assert check(session, answer, PASSWORD_CLAIM_SIGNATURE=signature.rstrip("=")) is False
    assert check(session, answer, PASSWORD_CLAIM_SIGNATURE=signature + "AAAA") is False


def test_srp_tampered_secret_block_is_false(
    exchange: tuple[ServerSession, dict[str, str]],
) -> None:
    session, answer = exchange
    block = answer["PASSWORD_CLAIM_SECRET_BLOCK"]
    for changed in (_flip_first_byte(block), "", block + "AAAA", block[:-4], "%%%%", "ñ"):
        assert check(session, answer, PASSWORD_CLAIM_SECRET_BLOCK=changed) is False


@pytest.mark.parametrize(
    "timestamp",
    [
        "Mon Nov 2 07:05:10 UTC 2026",  # well-formed, one second later: the signature breaks
        "Mon Nov 02 07:05:09 UTC 2026",  # zero-padded day, which Cognito refuses
        "Tue Nov 2 07:05:09 UTC 2026",  # wrong weekday
        "Mon Nov  2 07:05:09 UTC 2026",
        "mon nov 2 07:05:09 UTC 2026",
        "Mon Nov 2 7:05:09 UTC 2026",
        "Mon Nov 2 07:05:09 GMT 2026",
        "Mon Nov 2 07:05:09 UTC 2026 ",
        "Mon, 02 Nov 2026 07:05:09 GMT",
        "2026-11-02T07:05:09Z",
        "Mon Nov 2 07:05:09 UTC ٢٠٢٦",
        "",
    ],
)
def test_srp_tampered_timestamp_is_false(
    exchange: tuple[ServerSession, dict[str, str]], timestamp: str
) -> None:
    session, answer = exchange
    assert check(session, answer, TIMESTAMP=timestamp) is False


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [
        (0.0, True),
        (MAX_SKEW_SECONDS, True),
        (-MAX_SKEW_SECONDS, True),
        (MAX_SKEW_SECONDS + 1, False),
        (-MAX_SKEW_SECONDS - 1, False),
        (86_400.0, False),
    ],
)
def test_srp_timestamp_skew(
    exchange: tuple[ServerSession, dict[str, str]], offset: float, accepted: bool
) -> None:
    session, answer = exchange
    assert check(session, answer, now=AT_POSIX + offset) is accepted


def test_srp_skew_check_can_be_turned_off(exchange: tuple[ServerSession, dict[str, str]]) -> None:
    session, answer = exchange
    args = (
        answer["PASSWORD_CLAIM_SECRET_BLOCK"],
        answer["TIMESTAMP"],
        answer["PASSWORD_CLAIM_SIGNATURE"],
    )
    later = AT_POSIX + 86_400
    assert verify(session, POOL, USERNAME, *args, now=later, max_skew=None) is True
    padded_day = (args[0], "Mon Nov 02 07:05:09 UTC 2026", args[2])
    assert verify(session, POOL, USERNAME, *padded_day, now=later, max_skew=None) is False


def test_srp_two_digit_days_and_month_ends() -> None:
    for at in (datetime(2026, 11, 21, 21, 49, 4), datetime(2028, 2, 29, 23, 59, 59)):
        session, answer = handshake(at=at)
        assert answer["TIMESTAMP"] == format_timestamp(at.replace(tzinfo=UTC).timestamp())
        assert check(session, answer, now=at.replace(tzinfo=UTC).timestamp()) is True


# --- TIMESTAMP format -------------------------------------------------------------------------


@settings(max_examples=200)
@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(9999, 12, 30)))
def test_srp_timestamp_format_matches_pycognito(at: datetime) -> None:
    at = at.replace(microsecond=0)
    posix = at.replace(tzinfo=UTC).timestamp()
    written = AWSSRP.get_cognito_formatted_timestamp(at)
    assert format_timestamp(posix) == written
    assert parse_timestamp(written) == posix


@pytest.mark.parametrize(
    "text",
    [
        "Sun Feb 29 00:00:00 UTC 2026",  # 2026 is not a leap year
        "Thu Apr 31 00:00:00 UTC 2026",
        "Sat Nov 32 00:00:00 UTC 2026",
        "Sat Nov 0 00:00:00 UTC 2026",
        "Sat Nov 21 24:00:00 UTC 2026",
        "Sat Nov 21 21:60:00 UTC 2026",
        "Sat Nov 21 21:49:60 UTC 2026",
        "Sat Nvo 21 21:49:04 UTC 2026",
        "Sat Nov 21 21:49:04 UTC 0000",
        "Sat Nov 21 21:49:04 UTC 12026",
        "Sat Nov 21 21:49:04 UTC 2026\n",
    ],
)
def test_srp_parse_timestamp_refuses(text: str) -> None:
    assert parse_timestamp(text) is None


def test_srp_parse_timestamp_examples() -> None:
    example = datetime(2026, 11, 21, 21, 49, 4, tzinfo=UTC).timestamp()
    assert parse_timestamp("Sat Nov 21 21:49:04 UTC 2026") == example
    assert parse_timestamp("Mon Nov 2 07:05:09 UTC 2026") == AT_POSIX
    assert format_timestamp(AT_POSIX) == "Mon Nov 2 07:05:09 UTC 2026"
    assert parse_timestamp(format_timestamp(AT_POSIX + 1)) == AT_POSIX + 1


# --- storage ----------------------------------------------------------------------------------


def test_srp_session_survives_serialisation(
    exchange: tuple[ServerSession, dict[str, str]],
) -> None:
    session, answer = exchange
    stored = session.to_json()
    restored = ServerSession.from_json(stored)
    assert restored == session
    assert ServerSession.from_json(stored.encode()) == session
    assert check(restored, answer) is True
    forged = _flip_first_byte(answer["PASSWORD_CLAIM_SIGNATURE"])
    assert check(restored, answer, PASSWORD_CLAIM_SIGNATURE=forged) is False


def test_srp_verifier_survives_serialisation() -> None:
    verifier = make_verifier(POOL, USERNAME, PASSWORD)
    assert Verifier.from_json(verifier.to_json()) == verifier
    client = _client(USERNAME, PASSWORD)
    auth_parameters = client.get_auth_params()
    session = start(Verifier.from_json(verifier.to_json()), auth_parameters["SRP_A"])
    with mock.patch.object(aws_srp, "datetime", _frozen_datetime(AT)):
        answer = client.process_challenge(session.challenge_parameters(USERNAME), auth_parameters)
    assert check(session, answer) is True


def _session_fields(session: ServerSession) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(session.to_json())
    return data


@pytest.mark.parametrize(
    "change",
    [
        {"v": 2},
        {"v": None},
        {"A": "0"},
        {"A": f"{N:x}"},
        {"b": "0"},
        {"B": "-1"},
        {"B": 5},
        {"verifier": "0"},
        {"salt": ""},
        {"salt": "abc"},
        {"salt": "zz"},
        {"secret_block": ""},
        {"secret_block": None},
    ],
)
def test_srp_session_from_json_refuses_malformed(
    exchange: tuple[ServerSession, dict[str, str]], change: dict[str, Any]
) -> None:
    data = {**_session_fields(exchange[0]), **change}
    with pytest.raises(SrpError):
        ServerSession.from_json(json.dumps(data))


@pytest.mark.parametrize("text", ["", "[]", "null", "{", b"\xff", '{"v": 1}'])
def test_srp_from_json_refuses_garbage(text: str | bytes) -> None:
    with pytest.raises(SrpError):
        ServerSession.from_json(text)
    with pytest.raises(SrpError):
        Verifier.from_json(text)


def test_srp_missing_session_field_is_refused(
    exchange: tuple[ServerSession, dict[str, str]],
) -> None:
    for name in ("salt", "verifier", "A", "b", "B", "secret_block"):
        data = _session_fields(exchange[0])
        del data[name]
        with pytest.raises(SrpError):
            ServerSession.from_json(json.dumps(data))


# --- the verifier -----------------------------------------------------------------------------


def test_srp_verifier_is_g_to_the_clients_x() -> None:
    """Our verifier equals g^x for the x pycognito derives (through its private key helper)."""
    salt = bytes.fromhex("9f" + "01" * 15)
    verifier = make_verifier(POOL, USERNAME, PASSWORD, salt=salt)
    assert verifier.salt_hex == salt.hex()
    client_hash = aws_srp.hash_sha256(f"{POOL}{USERNAME}:{PASSWORD}".encode())
    x = aws_srp.hex_to_long(aws_srp.hex_hash(aws_srp.pad_hex(verifier.salt_hex) + client_hash))
    assert verifier.verifier == pow(2, x, N)


def test_srp_salt_with_leading_zero_bytes_round_trips() -> None:
    """SALT is read as an integer: a salt starting with zero bytes is sent without them."""
    salt = bytes(2) + b"\x7f" + bytes(range(13))
    verifier = make_verifier(POOL, USERNAME, PASSWORD, salt=salt)
    assert verifier.salt_hex == "7f" + bytes(range(13)).hex()
    client = _client(USERNAME, PASSWORD)
    auth_parameters = client.get_auth_params()
    session = start(verifier, auth_parameters["SRP_A"])
    with mock.patch.object(aws_srp, "datetime", _frozen_datetime(AT)):
        answer = client.process_challenge(session.challenge_parameters(USERNAME), auth_parameters)
    assert check(session, answer) is True


def test_srp_verifier_is_salted() -> None:
    first = make_verifier(POOL, USERNAME, PASSWORD)
    second = make_verifier(POOL, USERNAME, PASSWORD)
    assert len(first.salt) == srp.SALT_BYTES
    assert first.salt != second.salt
    assert first.verifier != second.verifier
    same_salt = make_verifier(POOL, USERNAME, PASSWORD, salt=first.salt)
    assert same_salt == first


def test_srp_empty_salt_is_refused() -> None:
    with pytest.raises(SrpError):
        make_verifier(POOL, USERNAME, PASSWORD, salt=b"")


def test_srp_lone_surrogate_does_not_raise() -> None:
    verifier = make_verifier(POOL, "user\ud800", "pass\udfff")
    assert 0 < verifier.verifier < N


def test_srp_pool_name_is_what_clients_hash() -> None:
    assert pool_name_of(POOL_ID) == POOL == POOL_ID.split("_")[1]
    assert pool_name_of("us-east-1_abc_def") == "abc"  # as the clients split it
    for bad in ("nounderscore", "us-east-1_", ""):
        with pytest.raises(SrpError):
            pool_name_of(bad)


# --- secrets stay out of sight ----------------------------------------------------------------


def test_srp_reprs_hide_secrets(exchange: tuple[ServerSession, dict[str, str]]) -> None:
    session, _ = exchange
    verifier = make_verifier(POOL, USERNAME, PASSWORD)
    for text in (repr(verifier), str(verifier)):
        assert PASSWORD not in text
        assert str(verifier.verifier) not in text
        assert f"{verifier.verifier:x}" not in text
    for text in (repr(session), str(session)):
        for secret in (session.small_b, session.verifier, session.big_b, session.big_a):
            assert str(secret) not in text
            assert f"{secret:x}" not in text
        assert session.secret_block.hex() not in text
        assert session.secret_block_b64 not in text
    assert {f.name for f in dataclasses.fields(session) if f.repr} == {"salt"}
    assert {f.name for f in dataclasses.fields(verifier) if f.repr} == {"salt"}


def test_srp_values_are_frozen(exchange: tuple[ServerSession, dict[str, str]]) -> None:
    session, _ = exchange
    with pytest.raises(dataclasses.FrozenInstanceError):
        session.small_b = 1  # type: ignore[misc]


def test_srp_challenge_parameters_are_what_cognito_sends(
    exchange: tuple[ServerSession, dict[str, str]],
) -> None:
    session, _ = exchange
    parameters = session.challenge_parameters("0b8e4f5a-uuid")
    assert set(parameters) == {"SALT", "SECRET_BLOCK", "SRP_B", "USERNAME", "USER_ID_FOR_SRP"}
    assert parameters["USERNAME"] == parameters["USER_ID_FOR_SRP"] == "0b8e4f5a-uuid"
    assert int(parameters["SRP_B"], 16) == session.big_b
    assert int(parameters["SALT"], 16) == int.from_bytes(session.salt, "big")
    assert base64.b64decode(parameters["SECRET_BLOCK"], validate=True) == session.secret_block
    assert 0 < session.big_b < N


def test_srp_skew_window_is_five_minutes() -> None:
    assert timedelta(seconds=MAX_SKEW_SECONDS) == timedelta(minutes=5)
