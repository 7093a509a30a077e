"""Fixtures of the trigger suites (``test_triggers*.py``): a Lambda Invoke API and a server that
calls it.

Each module that asks for them gets its own pair (module scope), on each store in turn (the
root ``conftest.py``'s ``store_kind``): one ``invoke_api.py`` server on loopback, and one
userpools server started with ``--lambda-endpoint`` pointing at it. A test asks for ``api``,
which forgets the handlers, calls, throttles and delays of the tests before it and fails the
test if a call broke the wire contract, and for ``client``, a boto3 client of the server.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from invoke_api import InvokeApi, running

from userpools.testing import RunningServer, start_server


@pytest.fixture(scope="module")
def invoke_api() -> Iterator[InvokeApi]:
    """The module's Lambda Invoke API, as the tests before left it (prefer :func:`api`)."""
    with running() as api:
        yield api


@pytest.fixture(scope="module")
def server(
    store_kind: str,
    invoke_api: InvokeApi,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Iterator[RunningServer]:
    """The module's server on the current store, its triggers run by :func:`invoke_api`."""
    db_path = tmp_path_factory.mktemp("triggers") / "userpools.db"
    database_url = request.getfixturevalue("postgres_url") if store_kind == "postgres" else None
    yield from start_server(db_path, database_url=database_url, lambda_endpoint=invoke_api.url)


@pytest.fixture
def api(invoke_api: InvokeApi) -> Iterator[InvokeApi]:
    """:func:`invoke_api` with no handler yet; every call must keep the wire contract."""
    invoke_api.reset()
    yield invoke_api
    assert invoke_api.problems == []


@pytest.fixture
def client(server: RunningServer) -> Any:
    """A boto3 cognito-idp client of :func:`server`."""
    return server.client()
