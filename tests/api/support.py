"""Small helpers shared by the end-to-end suites."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    """The error code and message of a boto3 ``ClientError``."""
    err = excinfo.value.response["Error"]
    return err["Code"], err["Message"]


def claims(token: str) -> dict[str, Any]:
    """A JWT's payload, read without checking it (test_tokens.py checks signatures)."""
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded
