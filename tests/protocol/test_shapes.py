"""Typed wire shapes: handlers are annotated with them, and results are checked against them."""

from __future__ import annotations

import typing
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from userpools import operations
from userpools.operations import (
    accounts,
    auth,
    clients,
    groups,
    mfa,
    oauth,
    settings,
    user_pools,
    users,
)
from userpools.protocol import shapes
from userpools.protocol.dispatch import Dispatcher, RequestContext
from userpools.protocol.model import TARGET_PREFIX, service_model
from userpools.protocol.outputs import OutputMismatch, check_output
from userpools.protocol.sigv4 import HttpRequest
from userpools.testing import start_server

FAMILIES = (accounts, auth, clients, groups, mfa, oauth, settings, user_pools, users)
WHEN = 1704164645.0
NOW = datetime.now(UTC)  # a datetime is not a wire timestamp: those are epoch seconds


def registry() -> dict[str, Any]:
    return {name: op for family in FAMILIES for name, op in family.OPERATIONS.items()}


def keys(typed_dict: Any) -> frozenset[str]:
    return frozenset(typed_dict.__required_keys__ | typed_dict.__optional_keys__)


def test_every_handler_family_is_in_the_registry() -> None:
    assert set(registry()) == operations.implemented()


@pytest.mark.parametrize("name", sorted(operations.implemented()))
def test_handler_annotations_are_the_operations_generated_shapes(name: str) -> None:
    operation = service_model().operation_model(name)
    hints = typing.get_type_hints(registry()[name])
    assert hints["p"] is getattr(shapes, operation.input_shape.name)
    output = operation.output_shape
    expected = type(None) if output is None else getattr(shapes, output.name)
    assert hints["return"] is expected


def test_shapes_cover_every_operation_input_and_output() -> None:
    model = service_model()
    for name in model.operation_names:
        operation = model.operation_model(name)
        for shape in (operation.input_shape, operation.output_shape):
            if shape is not None:
                generated = getattr(shapes, shape.name)
                assert keys(generated) == set(shape.members)
                assert generated.__required_keys__ == set(shape.required_members)


@pytest.mark.parametrize("name", sorted(shapes.PAGINATORS))
def test_paginator_members_are_members_of_the_operations_shapes(name: str) -> None:
    """The token, limit and result members of paginators-1.json exist in the shapes; mypy
    then holds every handler to its own shape's members, so a paginated handler can read
    and write no other token name (tests/api/test_paginators.py runs botocore's paginators)."""
    operation = service_model().operation_model(name)
    paginator = shapes.PAGINATORS[name]
    assert {paginator.input_token, paginator.limit_key} <= keys(
        getattr(shapes, operation.input_shape.name)
    )
    assert {paginator.output_token, paginator.result_key} <= keys(
        getattr(shapes, operation.output_shape.name)
    )


# --- the output check ----------------------------------------------------------------------


def check(operation: str, result: Mapping[str, Any] | None) -> None:
    check_output(service_model().operation_model(operation), result)


def test_check_output_accepts_a_well_formed_result() -> None:
    group = {"GroupName": "g", "UserPoolId": "p", "Precedence": 1, "CreationDate": WHEN}
    check("GetGroup", {"Group": group})
    user = {
        "Username": "u",
        "Attributes": [{"Name": "email", "Value": "a@b"}],
        "Enabled": True,
        "UserStatus": "CONFIRMED",
    }
    check("ListUsersInGroup", {"Users": [user], "NextToken": "t"})
    check("DeleteGroup", None)
    check("UpdateUserPool", {})


@pytest.mark.parametrize(
    ("operation", "result", "complaint"),
    [
        ("CreateUserPool", {"UserPol": {"Id": "p"}}, "unknown member 'UserPol'"),
        ("GetGroup", {"Group": {"GroupNam": "g"}}, "unknown member 'GroupNam'"),
        ("GetGroup", {"Group": {"Precedence": "1"}}, "Group.Precedence: expected integer"),
        ("GetGroup", {"Group": {"Precedence": True}}, "expected integer, got bool"),
        ("GetGroup", {"Group": {"CreationDate": NOW}}, "expected timestamp, got datetime"),
        ("GetGroup", {"Group": ["g"]}, "GetGroup.Group: expected structure, got list"),
        ("GetUser", {"Username": "u"}, "required member 'UserAttributes' is missing"),
        ("GetUser", {"UserAttributes": []}, "required member 'Username' is missing"),
        ("ListUsers", {"Users": [{"UserStatus": "SLEEPING"}]}, "Users[0].UserStatus: 'SLEEPING'"),
        ("ListUsers", {"Users": ({"Username": "u"},)}, "expected list, got tuple"),
        ("ListUsers", {"Users": [{"Attributes": [{"Value": "v"}]}]}, "'Name' is missing"),
        ("ListGroups", {"NextToken": None}, "NextToken: None (leave the member out)"),
        ("InitiateAuth", {"ChallengeParameters": {"a": 1}}, "ChallengeParameters['a']"),
        ("DeleteGroup", {"Group": {}}, "has no output shape"),
    ],
)
def test_check_output_refuses(operation: str, result: dict[str, Any], complaint: str) -> None:
    with pytest.raises(OutputMismatch) as caught:
        check(operation, result)
    assert complaint in str(caught.value)


def _call(dispatcher: Dispatcher, operation: str, params: Mapping[str, Any]) -> Any:
    headers = {"host": "localhost", "x-amz-target": TARGET_PREFIX + operation}
    request = HttpRequest("POST", "/", "", headers, orjson.dumps(params))
    return dispatcher.handle(request, "req-1")


def _misspelt(params: dict[str, Any], ctx: RequestContext) -> Mapping[str, Any]:
    return {"UserPol": {"Id": params["UserPoolId"]}}


def test_dispatcher_in_check_mode_lets_a_mismatch_through_and_records_it() -> None:
    """In check mode a bad result is not an ordinary 500 that a test could expect."""
    dispatcher = Dispatcher({"DescribeUserPool": _misspelt}, check_output=True)
    with pytest.raises(OutputMismatch, match="unknown member 'UserPol'"):
        _call(dispatcher, "DescribeUserPool", {"UserPoolId": "us-east-1_abc"})
    assert len(dispatcher.output_mismatches) == 1


def test_dispatcher_without_check_mode_sends_what_the_handler_returned() -> None:
    dispatcher = Dispatcher({"DescribeUserPool": _misspelt})
    reply = _call(dispatcher, "DescribeUserPool", {"UserPoolId": "us-east-1_abc"})
    assert reply.status == 200
    assert orjson.loads(reply.body) == {"UserPol": {"Id": "us-east-1_abc"}}
    assert dispatcher.output_mismatches == []


def test_test_server_fails_its_request_and_its_teardown_on_a_mismatch(tmp_path: Path) -> None:
    """``userpools.testing`` servers check every response: the call fails with a 500 and
    stopping the server raises, so even a test that expected an error is caught."""
    from botocore.exceptions import ClientError

    servers = start_server(tmp_path / "db.sqlite")
    running = next(servers)
    running.server.dispatcher._handlers["DescribeUserPool"] = _misspelt
    client = running.client()
    with pytest.raises(ClientError) as caught:
        client.describe_user_pool(UserPoolId="us-east-1_abc")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    with pytest.raises(OutputMismatch, match="DescribeUserPool output: DescribeUserPool: unknown"):
        next(servers)
