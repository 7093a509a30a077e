"""The real AWS CLI (v1, botocore's paginator) paging through userpools listings.

``aws`` runs as a subprocess against the session's server, with credentials and region
from the environment only (no config files). The CLI's ``--page-size``, ``--max-items``
and ``--starting-token`` are botocore's PaginationConfig; ``--no-paginate --limit N``
makes one service call and prints the service's own ``NextToken``. See cognito-spec.md
§3.4.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from userpools.testing import RunningServer

#: 23 members whose order is code-point order: digits, upper case, lower case, accents,
#: CJK, an astral emoji.
USERNAMES = sorted(
    [f"user{i:02d}" for i in range(16)] + ["007", "Bob", "alice", "émile", "Émile", "東京", "😀"]
)
GROUPS = sorted([f"group{i:02d}" for i in range(10)] + ["Admins", "équipe"])
LIMIT_61 = (
    "1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: "
    "Member must have value less than or equal to 60"
)


def aws_command() -> str:
    beside_python = Path(sys.executable).with_name("aws")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("aws")
    if found is None:
        pytest.skip("the AWS CLI is not installed")
    return found


class Aws:
    """Runs ``aws cognito-idp ...`` against one endpoint."""

    def __init__(self, endpoint_url: str) -> None:
        self.command = aws_command()
        self.endpoint_url = endpoint_url
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        self.env.update(
            AWS_ACCESS_KEY_ID="AKIAUSERPOOLSCLI",
            AWS_SECRET_ACCESS_KEY="userpools-cli-secret",
            AWS_DEFAULT_REGION="us-east-1",
            AWS_CONFIG_FILE="/dev/null",
            AWS_SHARED_CREDENTIALS_FILE="/dev/null",
            AWS_PAGER="",
            AWS_EC2_METADATA_DISABLED="true",
            PYTHONIOENCODING="utf-8",
        )

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                self.command,
                "cognito-idp",
                *args,
                "--endpoint-url",
                self.endpoint_url,
                "--output",
                "json",
            ],
            env=self.env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
            check=False,
        )

    def json(self, *args: str) -> Any:
        done = self.run(*args)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)


@pytest.fixture
def aws(userpools_server: RunningServer) -> Aws:
    return Aws(userpools_server.endpoint_url)


@contextlib.contextmanager
def seeded_pool(client: Any) -> Iterator[str]:
    """A case-sensitive pool: group "team" holds USERNAMES; "alice" is in every GROUPS."""
    pool_id: str = client.create_user_pool(
        PoolName="cli", UsernameConfiguration={"CaseSensitive": True}
    )["UserPool"]["Id"]
    try:
        client.create_group(UserPoolId=pool_id, GroupName="team")
        for name in USERNAMES:
            client.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")
            client.admin_add_user_to_group(UserPoolId=pool_id, GroupName="team", Username=name)
        for group in GROUPS:
            client.create_group(UserPoolId=pool_id, GroupName=group)
            client.admin_add_user_to_group(UserPoolId=pool_id, GroupName=group, Username="alice")
        yield pool_id
    finally:
        client.delete_user_pool(UserPoolId=pool_id)


def assert_paging(
    aws: Aws,
    args: list[str],
    result_key: str,
    name_key: str,
    expected: list[str],
    follow: Callable[[str], list[str]],
) -> None:
    """--page-size, --max-items, --starting-token and --no-paginate on one listing.

    ``follow(token)`` lists the next four items after a service token through boto3.
    """

    def names(output: Any) -> list[str]:
        return [item[name_key] for item in output[result_key]]

    everything = aws.json(*args, "--page-size", "5")
    assert names(everything) == expected
    assert "NextToken" not in everything

    # Seven items cut the second page of five: the resume token is botocore's own.
    head = aws.json(*args, "--page-size", "5", "--max-items", "7")
    assert names(head) == expected[:7]
    assert head["NextToken"]
    tail = aws.json(*args, "--page-size", "5", "--starting-token", head["NextToken"])
    assert names(tail) == expected[7:]
    assert "NextToken" not in tail

    # One service call: four items and the service's own NextToken, which boto3 follows.
    single = aws.json(*args, "--no-paginate", "--limit", "4")
    assert names(single) == expected[:4]
    assert follow(single["NextToken"]) == expected[4:8]


def test_list_users_in_group_pages_through_the_aws_cli(aws: Aws, cognito_idp: Any) -> None:
    with seeded_pool(cognito_idp) as pool_id:

        def follow(token: str) -> list[str]:
            page = cognito_idp.list_users_in_group(
                UserPoolId=pool_id, GroupName="team", Limit=4, NextToken=token
            )
            return [user["Username"] for user in page["Users"]]

        args = ["list-users-in-group", "--user-pool-id", pool_id, "--group-name", "team"]
        assert_paging(aws, args, "Users", "Username", USERNAMES, follow)


def test_admin_list_groups_for_user_pages_through_the_aws_cli(aws: Aws, cognito_idp: Any) -> None:
    with seeded_pool(cognito_idp) as pool_id:

        def follow(token: str) -> list[str]:
            page = cognito_idp.admin_list_groups_for_user(
                UserPoolId=pool_id, Username="alice", Limit=4, NextToken=token
            )
            return [group["GroupName"] for group in page["Groups"]]

        args = ["admin-list-groups-for-user", "--user-pool-id", pool_id, "--username", "alice"]
        # alice is also a member of "team"
        expected = sorted([*GROUPS, "team"])
        assert_paging(aws, args, "Groups", "GroupName", expected, follow)


def test_list_users_in_group_limit_61_fails_in_the_aws_cli(aws: Aws, cognito_idp: Any) -> None:
    pool_id: str = cognito_idp.create_user_pool(PoolName="cli")["UserPool"]["Id"]
    try:
        cognito_idp.create_group(UserPoolId=pool_id, GroupName="team")
        done = aws.run(
            "list-users-in-group",
            "--user-pool-id",
            pool_id,
            "--group-name",
            "team",
            "--limit",
            "61",
        )
        assert done.returncode != 0
        assert "InvalidParameterException" in done.stderr
        assert LIMIT_61 in done.stderr
    finally:
        cognito_idp.delete_user_pool(UserPoolId=pool_id)
