"""Optional per-category rate limits, end to end (docs/security.md "Rate limits").

A rate of 0.001 per second gives a bucket of one call that does not refill during a test, so
nothing here depends on timing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import error_of

from userpools.testing import RunningServer, start_server


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    db = tmp_path_factory.mktemp("limited") / "db.sqlite"
    yield from start_server(db, rate_limits=("UserPoolRead=0.001", "UserList=0.001"))


def test_an_exhausted_category_answers_too_many_requests(limited: RunningServer) -> None:
    client = limited.client()
    pool_id = client.create_user_pool(PoolName="limited")["UserPool"]["Id"]
    client.describe_user_pool(UserPoolId=pool_id)  # the one call the bucket holds
    with pytest.raises(ClientError) as excinfo:
        client.list_user_pools(MaxResults=10)  # the same category: UserPoolRead
    assert error_of(excinfo) == ("TooManyRequestsException", "Rate exceeded")
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    # Other categories are untouched; each limited category has its own bucket.
    client.create_group(UserPoolId=pool_id, GroupName="g")
    client.list_users(UserPoolId=pool_id)
    with pytest.raises(ClientError) as excinfo:
        client.list_users_in_group(UserPoolId=pool_id, GroupName="g")
    assert error_of(excinfo)[0] == "TooManyRequestsException"


def test_boto3_standard_retries_treat_it_as_throttling(limited: RunningServer) -> None:
    """botocore's standard mode retries TooManyRequestsException (cognito-spec §1.4); with a
    bucket that stays empty, every attempt is refused and the last error surfaces."""
    client: Any = limited.client(retries={"mode": "standard", "total_max_attempts": 2})
    with pytest.raises(ClientError) as excinfo:
        client.list_user_pools(MaxResults=1)
    assert error_of(excinfo)[0] == "TooManyRequestsException"
    assert excinfo.value.response["ResponseMetadata"]["RetryAttempts"] == 1


def test_no_limits_by_default(tmp_path: Path) -> None:
    for server in start_server(tmp_path / "db.sqlite"):
        client = server.client()
        for _ in range(30):
            client.list_user_pools(MaxResults=1)


def test_a_bad_limit_stops_the_server_at_start(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="UserAuthentication"):
        next(start_server(tmp_path / "db.sqlite", rate_limits=("NoSuchCategory=1",)))
