"""Hypothesis strategies for raw cognito-idp requests, built from the botocore shapes.

``fuzz_requests(world, operations)`` draws one :class:`FuzzRequest`: an operation, its
input drawn member by member from the model (real ids and names from the seeded world
most of the time, so requests reach the domain), then zero to three mutations at random
places of the input tree, each chosen for the shape found there:

- types: every wrong JSON type, ``null``, ``true`` for an integer, ``1.0``/``1.5`` for an
  integer, strings for numbers and booleans, arrays for objects;
- numbers: range boundaries, int32/int64 edges, huge integers (also past Python's
  4,300-digit limit), ``NaN``, ``Infinity``, ``1e400``;
- strings: lengths min-1/min/max/max+1, a character of each class the pattern excludes,
  enum values changed by one letter or in case, and a Unicode corpus (lone surrogates,
  ZWJ sequences, RTL marks, NFC/NFD pairs, new emoji, Kelvin sign, ...);
- structure: required members dropped, unknown members, duplicate keys, deep nesting
  (at and past the 64-level limit), lists and maps past their sizes, null list items;
- bytes and header: truncation, invalid UTF-8, a BOM, trailing garbage, missing or
  unknown ``X-Amz-Target``, operations the server does not implement.

Each request carries what the protocol makes certain of it (:class:`FuzzRequest.expect`),
worked out here independently of the server: a body the codec must refuse, or a member
of the wrong JSON type, is a ``SerializationException``; a well-typed body never is.
"""

from __future__ import annotations

import base64
import binascii
import json
import random
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fuzz_world import World, secret_hash
from hypothesis import strategies as st

from userpools.protocol.model import TARGET_PREFIX, service_model

MAX_DEPTH = 64  # docs/errors.md: "nesting deeper than 64"
MAX_NUMBER_CHARS = 64
MAX_BODY_BYTES = 1024 * 1024
INT_RANGES = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}
SERIALIZATION = "SerializationException"

#: How often a member with real values in the world (ids, names, tokens) gets one.
REAL_SHARE = 0.9
#: Members with real values that are still left out most of the time: with a token of
#: another listing in every request, listings would never succeed.
LISTING_TOKENS = frozenset({"NextToken", "PaginationToken"})
#: How many mutations a request gets: a third are sent as drawn.
MUTATION_COUNTS = (0, 0, 0, 1, 1, 1, 1, 2, 2, 3)
#: The share of mutations that break the JSON or a member's type (SerializationException).
BREAKING_SHARE = 0.3
#: The share of requests whose bytes, and whose X-Amz-Target header, are damaged.
BYTES_SHARE, TARGET_SHARE = 0.05, 0.03
SEED_BLOCK = st.binary(min_size=8, max_size=8)


class _CodecError:
    """The meaning of a literal the codec must refuse (NaN, 1e400, 65-digit numbers)."""

    def __repr__(self) -> str:
        return "CODEC_ERROR"


CODEC_ERROR = _CodecError()


@dataclass(frozen=True)
class Raw:
    """A JSON literal written as is; ``meaning`` is what a strict decoder reads."""

    text: str
    meaning: Any


@dataclass(frozen=True)
class Dup:
    """A JSON object written with these pairs, keys possibly repeated."""

    pairs: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class FuzzRequest:
    operation: str | None
    """The model operation the target names (``None`` when it names none)."""
    target: str | None
    body: bytes
    notes: tuple[str, ...] = field(default=())
    expect: str | None = None
    """The exact ``__type`` the protocol makes certain, if any."""
    not_expect: str | None = None
    """A ``__type`` that is certainly wrong, if any."""

    def describe(self, limit: int = 600) -> str:
        body = self.body if len(self.body) <= limit else self.body[:limit] + b"..."
        return (
            f"target={self.target!r} operation={self.operation} mutations={list(self.notes)}\n"
            f"body ({len(self.body)} bytes)={body!r}"
        )


# --- corpora --------------------------------------------------------------------------------

#: Curated strings for name-like members (reliability.md §4.4, goal 3).
UNICODE_CORPUS = (
    "\ud800",  # lone high surrogate
    "\udfff",  # lone low surrogate
    "a\udc00b",  # low surrogate inside text
    "\ude00\ud83d",  # a pair in the wrong order
    "\U0001f600",  # a valid pair, sent as an escaped pair
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # ZWJ family
    "a\u200db",  # ZWJ
    "a\u200bb",  # zero-width space
    "\u202eevil",  # right-to-left override
    "abc\u200f",  # right-to-left mark
    "\u200eabc",  # left-to-right mark
    "\u0645\u0631\u062d\u0628\u0627",  # Arabic
    "\u05e9\u05dc\u05d5\u05dd",  # Hebrew
    "\u00e9",  # é, NFC
    "e\u0301",  # é, NFD
    "\u00c5ngstr\u00f6m",  # NFC
    "A\u030angstro\u0308m",  # NFD
    "\u212b",  # Angstrom sign (NFC folds it to Å)
    "\ud55c",  # Hangul syllable
    "\u1112\u1161\u11ab",  # the same syllable as jamo
    "\u212a",  # Kelvin sign
    "\u00df",  # ß
    "\u1e9e",  # capital ẞ
    "\u0130",  # Turkish dotted capital I
    "\u0131",  # dotless i
    "\uff21\uff22",  # full-width letters
    "\U0001d49c",  # mathematical script A
    "\u3164",  # Hangul filler (invisible, a letter)
    "\u2800",  # Braille blank (invisible, a symbol)
    "\U0001fae8",  # shaking face, Unicode 15
    "\U0001fae0",  # melting face, Unicode 14
    "\U0001f6dc",  # wireless, Unicode 15
    "\U0001fabf",  # goose, Unicode 15
    "\u2764\ufe0f",  # heart with variation selector
    "\U0001f1fa\U0001f1f8",  # flag: regional indicators
    "\U0001f44d\U0001f3fd",  # skin tone modifier
    "Z\u0337\u0327\u031b\u0334\u0360\u0361\u035c",  # stacked combining marks
    "\u0301",  # a lone combining mark
    "a\u00a0b",  # no-break space
    "a b",  # space
    " lead",
    "trail ",
    "\x00",  # NUL
    "a\x00b",
    "\x1f\x7f",  # controls
    "\u0085",  # next line
    "\u2028\u2029",  # line and paragraph separators
    "\ufeff",  # BOM / zero-width no-break space
    "\u00ad",  # soft hyphen
    "\ue000",  # private use
    "\U000f0000",  # supplementary private use
    "\u0378",  # unassigned
    "\ufffe\uffff",  # non-characters
    "\U00020000",  # astral CJK
    "\u6771\u4eac",  # CJK
    "\u0928\u092e\u0938\u094d\u0924\u0947",  # Devanagari
    "\\",
    '"',
    "'; DROP TABLE users; --",
    "%00%2e%2e/",
    "../../etc/passwd",
    "${jndi:ldap://x}",
    "<script>alert(1)</script>",
    "{####}",
    "{##link##}",
)

#: One character of each class the model's patterns exclude somewhere.
BAD_CHARS = (
    " ",
    "\t",
    "\n",
    "\u00a0",
    "\u200b",
    "\u200d",
    "\u202e",
    "\x00",
    "\x7f",
    "\ue000",
    "\u0378",
    "\ufeff",
    "\ud800",
    "\u00e9",
    "\u20ac",
    "@",
    "_",
    ":",
    "/",
    "{",
)

ATTRIBUTE_NAMES = (
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "email_verified",
    "phone_number_verified",
    "custom:team",
    "custom:nope",
    "sub",
    "address",
    "birthdate",
    "locale",
    "updated_at",
    "zoneinfo",
    "website",
    "nickname",
    "gender",
    "cognito:username",
    "dev:custom:team",
    "Email",
)
ATTRIBUTE_VALUES: dict[str, tuple[str, ...]] = {
    "email": ("alice@example.com", "new@example.com", "ALICE@EXAMPLE.COM", "not-an-email", ""),
    "phone_number": ("+15555550100", "+1555", "5555550100", "+1 555 555 0100"),
    "email_verified": ("true", "false", "True", "yes", ""),
    "phone_number_verified": ("true", "false", "1"),
    "preferred_username": ("ally", "alice", "bob", "alice@example.com"),
    "updated_at": ("1700000000", "-1", "abc", "99999999999999999999"),
    "birthdate": ("2000-01-01", "2000-13-45", "0000-00-00"),
}
FILTERS = (
    'username = "alice"',
    'username ^= "a"',
    'email = "alice@example.com"',
    'email ^= "ALICE"',
    'status = "Enabled"',
    'status = "Disabled"',
    'cognito:user_status = "CONFIRMED"',
    'cognito:user_status = "FORCE_CHANGE_PASSWORD"',
    'sub = "x"',
    'given_name ^= ""',
    'preferred_username = "ally"',
    'phone_number ^= "+1"',
    'name = "\\"quoted\\""',
    'username = "\u00e9mile"',
    'custom:team = "x"',
    'address = "x"',
    "username = alice",
    'username != "alice"',
    'username ^= "a" and email ^= "a"',
    'username = "',
    "",
    " ",
    "=",
    '"',
    'username  =  "alice"',
    'USERNAME = "alice"',
)
AUTH_KEYS = ("USERNAME", "PASSWORD", "SECRET_HASH", "SRP_A", "REFRESH_TOKEN", "DEVICE_KEY")
CHALLENGE_KEYS = (
    "USERNAME",
    "NEW_PASSWORD",
    "PASSWORD_CLAIM_SIGNATURE",
    "PASSWORD_CLAIM_SECRET_BLOCK",
    "TIMESTAMP",
    "SECRET_HASH",
    "userAttributes.name",
    "userAttributes.email",
    "ANSWER",
)
SRP_A_VALUES = ("0", "1", "ff" * 384, "f" * 767, "zz", "-1", "0" * 768)

#: Literals in the place of a number, with what a strict JSON reader makes of them.
RAW_NUMBERS = (
    Raw("NaN", CODEC_ERROR),
    Raw("Infinity", CODEC_ERROR),
    Raw("-Infinity", CODEC_ERROR),
    Raw("1e400", CODEC_ERROR),
    Raw("-1e400", CODEC_ERROR),
    Raw("1" * 65, CODEC_ERROR),
    Raw("9" * 5000, CODEC_ERROR),
    Raw("1e-400", 0.0),
    Raw("-0", 0),
    Raw("-0.0", -0.0),
    Raw("1.0", 1.0),
    Raw("1E2", 100.0),
    Raw("1.5", 1.5),
    Raw("1" * 64, int("1" * 64)),
)
#: Text that is not JSON where a value belongs; the whole body is then not JSON.
RAW_GARBAGE = (
    Raw("True", CODEC_ERROR),
    Raw("undefined", CODEC_ERROR),
    Raw("'single'", CODEC_ERROR),
    Raw("0x10", CODEC_ERROR),
    Raw("01", CODEC_ERROR),
    Raw("+1", CODEC_ERROR),
    Raw(".5", CODEC_ERROR),
    Raw('"\\x41"', CODEC_ERROR),
    Raw('"tab\there"', CODEC_ERROR),
)
WRONG_TYPES: tuple[Any, ...] = (
    0,
    -1,
    1.5,
    "",
    "x",
    "5",
    "true",
    True,
    False,
    [],
    ["x"],
    {},
    {"x": 1},
    2**31,
    2**63,
)


# --- valid-ish values from the model ----------------------------------------------------------


def _pattern_samples(pattern: str, low: int) -> st.SearchStrategy[str]:
    """Values for a model pattern, mostly matching it (Java semantics, patterns.py)."""
    name_chars = st.characters(categories=["L", "M", "S", "N", "P"])
    if pattern.startswith(r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+@"):
        local = st.text(name_chars, min_size=1, max_size=8)
        return st.tuples(local, local).map("@".join)
    if "{####}" in pattern:
        text = st.text(name_chars, max_size=10)
        return st.tuples(text, text).map(lambda t: t[0] + " {####} " + t[1])
    if "{##" in pattern:
        return st.just("Click {##here##} now")
    if pattern.startswith(r"[\p{L}"):
        extra = " \t\n" if ("\\s" in pattern or "\\t" in pattern or "\\p{Z}" in pattern) else ""
        chars = st.characters(categories=["L", "M", "S", "N", "P"], include_characters=extra)
        return st.text(chars, min_size=max(low, 1), max_size=max(low, 1) + 12)
    if pattern.startswith("[\\S]+"):
        chars = st.characters(exclude_categories=["Cs", "Zs", "Cc"])
        return st.text(chars, min_size=max(low, 1), max_size=max(low, 1) + 12)
    if pattern.startswith("arn:"):
        return st.from_regex(
            r"arn:aws:iam::[0-9]{12}:role/[A-Za-z0-9_+=,.@-]{1,16}", fullmatch=True
        )
    if pattern == r"[\w-]+_[0-9a-zA-Z]+":
        return st.from_regex(r"[a-z]{2}-[a-z]{4}-[1-9]_[0-9a-zA-Z]{1,12}", fullmatch=True)
    alphabets = {
        r"[\w+]+": "abcXYZ019_+",
        r"[\w+=/]+": "abcXYZ019_+=/",
        "[A-Za-z0-9-_=.]+": "abcXYZ019-_=.",
        r"[\w\s+=,.@-]+": "abc XYZ019_+=,.@-",
        "^[a-zA-Z0-9_-]+$": "abcXYZ019_-",
        "^[0-9a-fA-F]+$": "0123456789abcdefABCDEF",
        r"[\x21\x23-\x5B\x5D-\x7E]+": "!#$%&()*+,-./09:;<=>?@AZ[]^_`az{|}~",
    }
    if pattern in alphabets:
        return st.text(
            st.sampled_from(alphabets[pattern]), min_size=max(low, 1), max_size=max(low, 1) + 12
        )
    # Patterns this table does not know yet (new operations): plain text still exercises
    # the rest of the request.
    return st.text(
        st.characters(categories=["L", "N"]), min_size=max(low, 1), max_size=max(low, 1) + 12
    )


def _attribute(g: Generator) -> dict[str, Any]:
    name = g.pick(ATTRIBUTE_NAMES)
    values = ATTRIBUTE_VALUES.get(name)
    if values is not None and g.chance(0.75):
        value = g.pick(values)
    elif g.coin():
        value = g.pick(UNICODE_CORPUS)
    else:
        value = g.draw(st.text(max_size=12))
    return {"Name": name, "Value": value}


def _string_map(g: Generator, keys: Sequence[str]) -> dict[str, str]:
    # The first two keys (USERNAME and PASSWORD / NEW_PASSWORD) are there most of the time.
    chosen = [key for key in keys[:2] if g.chance(0.85)]
    chosen += [key for key in keys[2:] if g.chance(0.15)]
    result: dict[str, str] = {}
    for key in chosen:
        real = g.world.values(key)
        if key == "SRP_A":
            result[key] = g.pick(SRP_A_VALUES)
        elif key == "TIMESTAMP":
            result[key] = g.pick(["Mon Jan 1 00:00:00 UTC 2024", "yesterday", ""])
        elif real and g.chance(0.8):
            result[key] = g.pick(real)
        else:
            result[key] = g.draw(st.text(max_size=16))
    return result


class Generator:
    """Draws requests against one world; ``draw`` is Hypothesis's."""

    def __init__(self, draw: Any, rng: random.Random, world: World) -> None:
        self.draw = draw
        self.rng = rng
        self.world = world
        self.notes: list[str] = []

    # One call of random() per choice, whatever the sizes: the world's values (whose
    # lengths vary between runs) must not shift the choices, or the draws, after them.

    def pick(self, items: Sequence[Any]) -> Any:
        return items[int(self.rng.random() * len(items))]

    def between(self, low: int, high: int) -> int:
        return low + int(self.rng.random() * (high - low + 1))

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def coin(self) -> bool:
        return self.rng.random() < 0.5

    def random(self) -> float:
        return self.rng.random()

    # valid-ish values

    def value(self, shape: Any, member: str | None, depth: int = 0) -> Any:
        draw, pick, between, coin = self.draw, self.pick, self.between, self.coin
        real = self.world.values(member) if member else []
        if real and self.chance(REAL_SHARE):
            return pick(real)
        name, kind, meta = shape.name, shape.type_name, shape.metadata
        if name == "AttributeType":
            return _attribute(self)
        if name == "AttributeNameType":
            return pick(ATTRIBUTE_NAMES)
        if name == "AuthParametersType":
            return _string_map(self, AUTH_KEYS)
        if name == "ChallengeResponsesType":
            return _string_map(self, CHALLENGE_KEYS)
        if name == "UserFilterType":
            return pick(FILTERS)
        if kind == "structure":
            return self.structure(shape, depth)
        if kind == "list":
            low = meta.get("min", 0)
            high = max(low, min(meta.get("max", 3), 3))
            size = between(low, high)
            return [self.value(shape.member, None, depth + 1) for _ in range(size)]
        if kind == "map":
            size = between(0, 2)
            return {
                self.value(shape.key, None, depth + 1): self.value(shape.value, None, depth + 1)
                for _ in range(size)
            }
        if kind == "string":
            if "enum" in meta:
                return pick(meta["enum"])
            low = meta.get("min", 0)
            if "pattern" in meta:
                return draw(_pattern_samples(meta["pattern"], low))
            high = max(low, min(meta.get("max", 16), 16))
            return draw(
                st.text(st.characters(exclude_categories=["Cs"]), min_size=low, max_size=high)
            )
        if kind in INT_RANGES:
            low = meta.get("min", 0)
            high = meta.get("max", 1000)
            edges = [low, high, (low + high) // 2]
            return pick(edges) if coin() else between(low, high)
        if kind == "boolean":
            return coin()
        if kind == "timestamp":
            return between(0, 4_102_444_800)
        if kind in ("float", "double"):
            return draw(st.floats(allow_nan=False, allow_infinity=False))
        if kind == "blob":
            return base64.b64encode(draw(st.binary(max_size=16))).decode()
        return draw(st.text(max_size=8))

    def structure(self, shape: Any, depth: int) -> dict[str, Any]:
        between = self.between
        required = set(shape.required_members)
        members = shape.members
        # Large structures (CreateUserPool) get a few members, small ones most of theirs.
        percent = 0 if depth > 3 else max(8, min(60, 240 // max(1, len(members))))
        result: dict[str, Any] = {}
        for name, member in members.items():
            if (
                name in required
                or between(0, 99) < percent
                or (name not in LISTING_TOKENS and self.world.values(name) and self.chance(0.6))
            ):
                result[name] = self.value(member, name, depth + 1)
        return result

    def sign(self, params: dict[str, Any]) -> None:
        """Most of the time, the right ``SECRET_HASH`` for the secret client, none for others."""
        client_id = params.get("ClientId")
        secret = self.world.client_secrets[0] if self.world.client_secrets else None
        auth = params.get("AuthParameters") or params.get("ChallengeResponses")
        nested = isinstance(auth, dict)
        username = auth.get("USERNAME") if nested else params.get("Username")
        if not isinstance(username, str) or not self.chance(0.8):
            return
        if client_id == self.world.secret_client and secret is not None:
            value = secret_hash(secret, username, client_id)
            if nested:
                auth["SECRET_HASH"] = value
            else:
                params["SecretHash"] = value
        elif nested:
            auth.pop("SECRET_HASH", None)
        else:
            params.pop("SecretHash", None)

    # mutations

    def mutate(self, params: Any, shape: Any) -> Any:
        """``params`` with one mutation at a random place, chosen for the shape there."""
        pick = self.pick
        slots = list(_slots(params, shape, ()))
        path, slot_shape, present = pick(slots)
        breaking, keeping = _mutations_for(slot_shape, present, path)
        kind = pick(breaking if self.chance(BREAKING_SHARE) else keeping)
        self.notes.append(f"{kind}@{'.'.join(map(str, path)) or '<body>'}")
        current = _get(params, path) if present else None
        replacement = self.mutated_value(kind, current, slot_shape, path)
        if kind == "drop":
            return _delete(params, path)
        return _set(params, path, replacement)

    def mutated_value(self, kind: str, current: Any, shape: Any, path: tuple[Any, ...]) -> Any:
        pick, between, coin = self.pick, self.between, self.coin
        meta = shape.metadata if shape is not None else {}
        if kind == "wrong_type":
            return pick(WRONG_TYPES)
        if kind in ("null", "drop"):
            return None
        if kind == "raw_number":
            return pick(RAW_NUMBERS)
        if kind == "raw_garbage":
            return pick(RAW_GARBAGE)
        if kind == "nest":
            depth = pick([1, 2, 10, MAX_DEPTH - 2, MAX_DEPTH - 1, MAX_DEPTH, 65, 200])
            inner = current if current is not None else "x"
            if coin():
                for _ in range(depth):
                    inner = [inner]
            else:
                for _ in range(depth):
                    inner = {"a": inner}
            return inner
        if kind == "unicode":
            word = pick(UNICODE_CORPUS)
            if isinstance(current, str) and current and coin():
                at = between(0, len(current))
                return current[:at] + word + current[at:]
            return word
        if kind == "bad_char":
            char = pick(BAD_CHARS)
            base = current if isinstance(current, str) and current else "abc"
            at = between(0, len(base))
            return base[:at] + char + base[at:]
        if kind == "normalize":
            form = pick(["NFC", "NFD", "NFKC", "NFKD"])
            base = current if isinstance(current, str) else "\u00e9mile"
            return unicodedata.normalize(form, base)
        if kind == "case":
            base = current if isinstance(current, str) else "alice"
            return pick([base.upper(), base.lower(), base.swapcase(), base.title()])
        if kind == "length":
            return self.length_boundary(current, shape)
        if kind == "enum":
            values = meta.get("enum", ["X"])
            value = pick(values)
            return pick([value.lower(), value + "_", value[:-1], " " + value, "", value.title()])
        if kind == "int_edge":
            low, high = meta.get("min"), meta.get("max")
            edges = [
                0,
                -1,
                2**31 - 1,
                2**31,
                -(2**31),
                -(2**31) - 1,
                2**63 - 1,
                2**63,
                -(2**63) - 1,
            ]
            edges += [b + d for b in (low, high) if b is not None for d in (-1, 0, 1)]
            return pick(edges)
        if kind == "bool_for_int":
            return coin()
        if kind == "float_for_int":
            return pick([1.0, 1.5, -0.0, 60.0, 1e2, 2.5e9])
        if kind == "huge_int":
            return pick([10**30, -(10**30), 10**63, Raw("1" * 4400, CODEC_ERROR)])
        if kind == "bool_twist":
            return pick(["true", "false", 1, 0, None, Raw("True", CODEC_ERROR)])
        if kind == "list_long":
            item = current[0] if isinstance(current, list) and current else "x"
            size = meta.get("max", 100) + 1 if "max" in meta else pick([101, 1000])
            return [item] * size
        if kind == "list_empty":
            return []
        if kind == "list_null_item":
            items = list(current) if isinstance(current, list) else []
            at = between(0, len(items))
            return [*items[:at], None, *items[at:]]
        if kind == "map_bad_key":
            items = dict(current) if isinstance(current, dict) else {}
            key = pick(["", "x" * 129, "a b", "\x00", "\ud800", "k" * 131073])
            items[key] = "v"
            return items
        if kind == "map_many":
            return {f"k{i}": "v" for i in range(pick([51, 300]))}
        if kind == "unknown_member":
            items = dict(current) if isinstance(current, dict) else {}
            name = pick(["Unknown", "__type", "userPoolId", "", "\ud83d\ude00", "a.b"])
            items[name] = pick([*WRONG_TYPES, None, {"deep": [[[{}]]]}])
            return items
        if kind == "duplicate_key":
            items = list(current.items()) if isinstance(current, dict) else [("a", 1)]
            if not items:
                items = [("Unknown", 1)]
            key, value = pick(items)
            other = pick([value, "other", 1, None])
            at = between(0, len(items))
            return Dup(tuple([*items[:at], (key, other), *items[at:]]))
        if kind == "array_for_object":
            return [current] if current is not None else []
        if kind == "top_level":
            return pick([[], [{}], "x", 1, None, True, Raw("1.5", 1.5)])
        raise AssertionError(kind)

    def length_boundary(self, current: Any, shape: Any) -> str:
        """A string of length min-1, min, max, max+1 (or huge), from a valid-looking one."""
        pick = self.pick
        meta = shape.metadata
        low, high = meta.get("min", 0), meta.get("max")
        sizes = [max(low - 1, 0), low, low + 1]
        sizes += [high - 1, high, high + 1] if high is not None else [4096, 100_000]
        size = pick(sizes)
        base = current if isinstance(current, str) and current else "a"
        if size <= len(base):
            return base[:size]
        if self.coin():
            filler = pick(["a", "\u00e9", "\U0001f600"]) if size <= 4096 else "a"
            return base + filler * (size - len(base))
        # Text that does not compress, in one or several bytes a character: past PostgreSQL's
        # B-tree entry limit (about 2.7 KB) in an indexed attribute (test_fuzz_wire.py).
        rng = self.rng
        low_char, high_char = pick([(0x21, 0x7F), (0x4E00, 0x9FFF), (0x1F300, 0x1F5FF)])
        tail = (chr(rng.randrange(low_char, high_char)) for _ in range(size - len(base)))
        return base + "".join(tail)


# --- paths into the input tree ----------------------------------------------------------------


def _slots(value: Any, shape: Any, path: tuple[Any, ...]) -> Any:
    """(path, shape, present) for every value in the tree and every absent member."""
    yield path, shape, True
    kind = shape.type_name if shape is not None else None
    if kind == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value:
                yield from _slots(value[name], member, (*path, name))
            else:
                yield (*path, name), member, False
    elif kind == "list" and isinstance(value, list):
        for index, item in enumerate(value):
            yield from _slots(item, shape.member, (*path, index))
    elif kind == "map" and isinstance(value, dict):
        for key, item in value.items():
            yield from _slots(item, shape.value, (*path, key))


def _mutations_for(shape: Any, present: bool, path: tuple[Any, ...]) -> tuple[list[str], list[str]]:
    """Mutations for a place: those that break the JSON or its types, and the others."""
    if not path:
        return ["top_level", "duplicate_key", "nest"], ["unknown_member", "unknown_member"]
    breaking = ["wrong_type", "wrong_type", "raw_garbage", "nest"]
    keeping = ["null", "drop"] if present else ["null"]
    kind = shape.type_name
    if kind == "string":
        keeping += ["length", "length", "bad_char", "unicode", "unicode", "normalize", "case"]
        if "enum" in shape.metadata:
            keeping += ["enum", "enum"]
    elif kind in INT_RANGES:
        breaking += ["bool_for_int", "float_for_int", "huge_int", "raw_number"]
        keeping += ["int_edge", "int_edge"]
    elif kind == "boolean":
        breaking += ["bool_twist"]
    elif kind == "list":
        breaking += ["list_null_item"]
        keeping += ["list_long", "list_empty"]
    elif kind == "map":
        breaking += ["duplicate_key"]
        keeping += ["map_bad_key", "map_bad_key", "map_many"]
    elif kind == "structure":
        breaking += ["duplicate_key", "array_for_object"]
        keeping += ["unknown_member", "unknown_member"]
    return breaking, keeping


def _get(tree: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        tree = tree[step]
    return tree


def _parent(tree: Any, path: tuple[Any, ...]) -> Any:
    try:
        parent = _get(tree, path[:-1])
    except (KeyError, IndexError, TypeError):
        return None
    return parent if isinstance(parent, dict | list) else None


def _set(tree: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = _parent(tree, path)
    if isinstance(parent, dict) or (
        isinstance(parent, list) and isinstance(path[-1], int) and path[-1] < len(parent)
    ):
        parent[path[-1]] = value
    return tree


def _delete(tree: Any, path: tuple[Any, ...]) -> Any:
    parent = _parent(tree, path)
    if isinstance(parent, dict):
        parent.pop(path[-1], None)
    elif isinstance(parent, list) and isinstance(path[-1], int) and path[-1] < len(parent):
        del parent[path[-1]]
    return tree


# --- encoding -------------------------------------------------------------------------------


def encode(value: Any, ascii_only: bool) -> str:
    """JSON text of ``value``; :class:`Raw` and :class:`Dup` are written as they are."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, Dup):
        return (
            "{"
            + ",".join(f"{_string(k, ascii_only)}:{encode(v, ascii_only)}" for k, v in value.pairs)
            + "}"
        )
    if isinstance(value, dict):
        return (
            "{"
            + ",".join(
                f"{_string(k, ascii_only)}:{encode(v, ascii_only)}" for k, v in value.items()
            )
            + "}"
        )
    if isinstance(value, list):
        return "[" + ",".join(encode(v, ascii_only) for v in value) + "]"
    if isinstance(value, str):
        return _string(value, ascii_only)
    return json.dumps(value)


def _string(text: str, ascii_only: bool) -> str:
    # A lone surrogate can only travel as a \uXXXX escape (as UTF-8 it is not valid).
    return json.dumps(text, ensure_ascii=ascii_only or _has_surrogate(text))


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= char <= "\udfff" for char in text)


# --- what the protocol makes certain -----------------------------------------------------------


def serialization_certain(tree: Any, shape: Any) -> bool:
    """Whether a strict AWS JSON 1.1 reader must refuse this body with SerializationException.

    Written from docs/errors.md, not from the server: not JSON, not an object, duplicate
    keys, NaN/Infinity, numbers past 64 characters, nesting deeper than 64, a lone
    surrogate, or a modelled member of the wrong JSON type (``null`` members are absent).
    """
    if _codec_hazard(tree) or _depth(tree) > MAX_DEPTH:
        return True
    if not isinstance(tree, dict):
        return True
    return _type_error(tree, shape)


def _codec_hazard(value: Any) -> bool:
    if isinstance(value, Raw):
        return value.meaning is CODEC_ERROR
    if isinstance(value, Dup):
        return True
    if isinstance(value, str):
        # U+0000 is refused like a lone surrogate (no store can keep it: PostgreSQL text
        # cannot). Escaped as \\uXXXX, a high surrogate then a low one is one character.
        if "\x00" in value:
            return True
        return _has_surrogate(value) and _has_surrogate(json.loads(json.dumps(value)))
    if isinstance(value, dict):
        return any(_codec_hazard(k) or _codec_hazard(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_codec_hazard(v) for v in value)
    if isinstance(value, int) and not isinstance(value, bool):
        return len(str(value)) > MAX_NUMBER_CHARS
    return False


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, Dup):
        return 1 + max((_depth(v) for _, v in value.pairs), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _meaning(value: Any) -> Any:
    return value.meaning if isinstance(value, Raw) else value


def _type_error(value: Any, shape: Any) -> bool:
    value = _meaning(value)
    kind = shape.type_name
    if shape.metadata.get("document"):
        return False
    if kind == "structure":
        if not isinstance(value, dict):
            return True
        return any(
            _type_error(value[name], member)
            for name, member in shape.members.items()
            if _meaning(value.get(name)) is not None
        )
    if kind == "list":
        if not isinstance(value, list):
            return True
        return any(_meaning(item) is None or _type_error(item, shape.member) for item in value)
    if kind == "map":
        if not isinstance(value, dict):
            return True
        return any(
            _type_error(item, shape.value) for item in value.values() if _meaning(item) is not None
        )
    if kind == "string":
        return type(value) is not str
    if kind in INT_RANGES:
        low, high = INT_RANGES[kind]
        return type(value) is not int or not low <= value <= high
    if kind == "boolean":
        return type(value) is not bool
    if kind in ("timestamp", "float", "double"):
        return type(value) not in (int, float)
    if kind == "blob":
        if type(value) is not str:
            return True
        try:
            binascii.a2b_base64(value, strict_mode=True)
        except (binascii.Error, ValueError):
            return True
        return False
    return False


# --- the strategy ---------------------------------------------------------------------------

BYTE_MUTATIONS = ("truncate", "invalid_utf8", "bom", "trailing_garbage", "trailing_space", "flip")
INVALID_UTF8 = (b"\xff", b"\xc3\x28", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf5\x80\x80\x80", b"\x80")


@st.composite
def fuzz_requests(
    draw: Any,
    world: Callable[[], World],
    operations: Sequence[str],
    unimplemented: Sequence[str],
) -> FuzzRequest:
    """One raw request against ``world()``.

    Choices of operation, member and mutation use a ``random.Random`` seeded from
    Hypothesis (so that their weights hold as written); values come from Hypothesis's
    strategies.
    """
    model = service_model()
    # The seed comes from four drawn blocks: Hypothesis keeps early draws of an example
    # to vary later ones, so one block would repeat a structure several times over.
    seed = int.from_bytes(b"".join(draw(SEED_BLOCK) for _ in range(4)), "big")
    g = Generator(draw, random.Random(seed), world())
    operation: str | None = g.pick(operations)
    assert operation is not None
    shape = model.operation_model(operation).input_shape
    params: Any = g.structure(shape, 0)
    g.sign(params)
    for _ in range(g.pick(MUTATION_COUNTS)):
        params = g.mutate(params, shape)
    body = encode(params, ascii_only=g.coin()).encode("utf-8")
    notes = g.notes
    certain: bool | None = serialization_certain(params, shape)

    choice = g.random()
    if choice < BYTES_SHARE:
        kind = g.pick(BYTE_MUTATIONS)
        notes.append(f"bytes:{kind}")
        at = g.between(0, max(len(body) - 1, 0))
        if kind == "truncate" and len(body) > 1:
            body = body[: max(at, 1)]
            certain = True  # a proper prefix of an object never closes it
        elif kind == "invalid_utf8":
            body = body[:at] + g.pick(INVALID_UTF8) + body[at:]
            certain = True
        elif kind == "bom":
            body = b"\xef\xbb\xbf" + body
            certain = True
        elif kind == "trailing_garbage":
            body = body + g.pick([b"x", b"}", b",", b"{}", b"\x00"])
            certain = True
        elif kind == "trailing_space":
            body = body + b" \r\n\t"
        elif kind == "flip" and body:
            body = body[:at] + bytes([g.between(0, 255)]) + body[at + 1 :]
            certain = None
    target: str | None = TARGET_PREFIX + operation
    expect: str | None = None
    if BYTES_SHARE <= choice < BYTES_SHARE + TARGET_SHARE:
        kind = g.pick(["missing", "case", "prefix", "long", "unimplemented"])
        notes.append(f"target:{kind}")
        if kind == "unimplemented":
            operation = g.pick(unimplemented)
            target, expect = TARGET_PREFIX + operation, "UnsupportedOperationException"
        else:
            target = {
                "missing": None,
                "case": TARGET_PREFIX + operation.lower(),
                "prefix": "AWSCognitoIdentityService." + operation,
                "long": TARGET_PREFIX + operation + "x" * 5000,
            }[kind]
            operation, expect = None, "UnknownOperationException"
    if len(body) > MAX_BODY_BYTES:
        expect = SERIALIZATION  # 413, before the target is looked at
    not_expect = None
    if expect is None and certain is True:
        expect = SERIALIZATION
    elif expect is None and certain is False:
        not_expect = SERIALIZATION
    return FuzzRequest(operation, target, body, tuple(notes), expect, not_expect)
