"""Small helpers shared by the end-to-end suites."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    """The error code and message of a boto3 ``ClientError``."""
    err = excinfo.value.response["Error"]
    return err["Code"], err["Message"]
