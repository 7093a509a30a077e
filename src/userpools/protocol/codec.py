"""AWS JSON 1.1 bodies: strict request decoding, success and error encoding."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any, NoReturn

import orjson
from botocore.model import Shape

from userpools.domain.errors import DomainError, SerializationError

CONTENT_TYPE = "application/x-amz-json-1.1"

MAX_DEPTH = 64
"""Deepest nesting of arrays and objects a request body may have."""

MAX_NUMBER_CHARS = 64
"""Longest numeric literal accepted; the model's widest integer (long) needs 20."""

MAX_HEADER_MESSAGE = 1024
"""Longest error message also sent in the ``x-amzn-ErrorMessage`` header."""

# A JSON string (skipped whole) or one bracket. Used only for the nesting pre-scan.
_STRUCTURE = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
# A \uXXXX escape in the surrogate range. Without one, a decoded string cannot hold a
# surrogate: strict UTF-8 decoding refuses encoded surrogates.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NUL_ESCAPE = re.compile(rb"\\u0000")
_NUL = re.compile("\x00")
_HEADER_SAFE = re.compile("[\x20-\x7e]*")


def decode_body(body: bytes) -> dict[str, Any]:
    """Decode a request body into a JSON object, or raise :class:`SerializationError`.

    An empty body is ``{}``. Members whose value is ``null`` are dropped, as the protocol
    treats them as absent.
    """
    if not body:
        return {}
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise SerializationError("Request body is not valid UTF-8") from None
    _check_depth(body)
    try:
        value = json.loads(
            text,
            object_pairs_hook=_object,
            parse_constant=_constant,
            parse_int=_int,
            parse_float=_float,
        )
    except json.JSONDecodeError as error:
        raise SerializationError(f"Request body is not valid JSON: {error.msg}") from None
    if not isinstance(value, dict):
        raise SerializationError("Request body must be a JSON object")
    if _SURROGATE_ESCAPE.search(body) is not None:
        _check_strings(value, _SURROGATE, "an unpaired surrogate")
    # U+0000 cannot be stored in PostgreSQL text, so no store takes it (same answer on both).
    if _NUL_ESCAPE.search(body) is not None:
        _check_strings(value, _NUL, "the character U+0000")
    return value


def _check_depth(body: bytes) -> None:
    if body.count(b"[") + body.count(b"{") <= MAX_DEPTH:
        return
    depth = 0
    for match in _STRUCTURE.finditer(body):
        token = match[0]
        if token in (b"[", b"{"):
            depth += 1
            if depth > MAX_DEPTH:
                raise SerializationError(f"Request body nests deeper than {MAX_DEPTH} levels")
        elif token in (b"]", b"}"):
            depth -= 1


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise SerializationError("Request body has a duplicate object key")
    if None in result.values():
        kept: dict[str, Any] = {}
        for key, value in pairs:
            if value is not None:
                kept[key] = value
            elif _SURROGATE.search(key) is not None:
                # The key of a dropped member is gone before the check for surrogates.
                raise SerializationError("Request body contains an unpaired surrogate")
        return kept
    return result


def _constant(name: str) -> NoReturn:
    raise SerializationError(f"Request body contains {name}, which is not valid JSON")


def _int(literal: str) -> int:
    if len(literal) > MAX_NUMBER_CHARS:
        raise SerializationError("Request body contains a number that is too long")
    return int(literal)


def _float(literal: str) -> float:
    if len(literal) > MAX_NUMBER_CHARS:
        raise SerializationError("Request body contains a number that is too long")
    value = float(literal)
    if math.isinf(value):
        raise SerializationError("Request body contains a number out of range")
    return value


def _check_strings(value: dict[str, Any], refused: re.Pattern[str], what: str) -> None:
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if refused.search(item) is not None:
                raise SerializationError(f"Request body contains {what}")
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def encode_result(output_shape: Shape | None, result: Mapping[str, Any] | None) -> bytes:
    """Render a success body; operations without an output shape answer ``{}``.

    Handlers return wire-ready values (``protocol/shapes.py``): members left out rather than
    ``None``, timestamps as :func:`wire_time` floats, blobs as base64 text. So the result is
    dumped as it is, with no walk over it: a page of 60 users is one ``orjson`` call. The
    test servers check each result against its shape (``protocol/outputs.py``).
    """
    if output_shape is None or result is None:
        return b"{}"
    return orjson.dumps(result)


def wire_time(epoch: float) -> float:
    """A stored timestamp as the wire carries it: epoch seconds, truncated to milliseconds.

    The same value as ``datetime.fromtimestamp(epoch, UTC)`` truncated to milliseconds (that
    rounds the fraction to microseconds, half to even), without making the datetime; a
    property test holds the two together.
    """
    fraction, whole = math.modf(epoch)
    micros = round(fraction * 1_000_000)
    return (int(whole) * 1000 + micros // 1000) / 1000


def encode_error(error: DomainError, request_id: str) -> tuple[int, dict[str, str], bytes]:
    """Render a wire error: status, headers and ``{"__type", "message"}`` body.

    ``x-amzn-ErrorMessage`` is sent only when the message is printable ASCII of at most
    :data:`MAX_HEADER_MESSAGE` characters; messages may quote client values, and those
    must never break header framing. The body always carries the full message.
    """
    headers = {
        "content-type": CONTENT_TYPE,
        "x-amzn-RequestId": request_id,
        "x-amzn-ErrorType": f"{error.code}:",
    }
    message = error.message
    if len(message) <= MAX_HEADER_MESSAGE and _HEADER_SAFE.fullmatch(message) is not None:
        headers["x-amzn-ErrorMessage"] = message
    try:
        body = orjson.dumps({"__type": error.code, "message": message})
    except orjson.JSONEncodeError:  # a lone surrogate in the message
        message = message.encode("utf-8", "replace").decode("utf-8")
        body = orjson.dumps({"__type": error.code, "message": message})
    return error.status, headers, body
