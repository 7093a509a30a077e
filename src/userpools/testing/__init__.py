"""A pytest plugin that runs a real userpools server for your tests.

Installed with the package (entry point ``pytest11``), it provides (its boto3 clients need
the ``testing`` extra, ``pip install 'userpools[testing]'``, which brings boto3 and pytest):

- ``userpools_server``: a :class:`RunningServer` on a free loopback port with its own
  temporary SQLite database, started once per test session;
- ``cognito_idp``: a boto3 ``cognito-idp`` client pointed at it;
- ``user_pool_id``: a fresh user pool for one test, deleted afterwards.

The server is the real one (SQLite, Argon2id, the whole ASGI application), and it listens
at ``endpoint_url`` for any HTTP client. The boto3 clients of :meth:`RunningServer.client`
skip the socket: their requests go to the application in-process (``transport.py``), which
makes a call several times cheaper. Two things are made faster than in production: the
Argon2id cost is lowered, and pools' RSA keys come from a supply of test-only keys
(``keys.py``) instead of being generated.

The Argon2id cost is ``serve --password-hashing``'s ``fast`` (Argon2's minimum) unless the
ini option ``userpools_password_hashing`` says ``owasp`` (production's cost), e.g. in
``pyproject.toml``'s ``[tool.pytest.ini_options]``; :func:`start_server` takes it as
``password_hashing``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from userpools.app import Server
    from userpools.crypto.keys import KeySource
    from userpools.domain.models import Message
    from userpools.testing.transport import InProcess

REGION = "us-east-1"
#: Why a boto3 client cannot be made: userpools itself needs only botocore.
MISSING_BOTO3 = (
    "the userpools pytest plugin's boto3 clients (cognito_idp, user_pool_id, "
    "RunningServer.client) need boto3: pip install 'userpools[testing]'"
)


@dataclass
class RunningServer:
    endpoint_url: str
    db_path: Path
    server: Server
    #: Set: :meth:`client` calls the application in-process; ``None``: over ``endpoint_url``.
    transport: InProcess | None = None

    def client(self, region: str = REGION, **config: Any) -> Any:
        """A boto3 cognito-idp client for this server; ``config`` goes to botocore's ``Config``
        (no retries unless ``retries`` says otherwise)."""
        try:
            import boto3
        except ModuleNotFoundError:
            raise ModuleNotFoundError(MISSING_BOTO3, name="boto3") from None
        from botocore.config import Config

        client = boto3.client(
            "cognito-idp",
            endpoint_url=self.endpoint_url,
            region_name=region,
            aws_access_key_id="AKIAUSERPOOLSTEST",
            aws_secret_access_key="userpools-test-secret",
            config=Config(**{"retries": {"total_max_attempts": 1}, **config}),
        )
        return self.bind(client)

    def bind(self, client: Any) -> Any:
        """``client`` (a botocore client for :attr:`endpoint_url`), sending its requests to the
        application in-process unless this server was started with ``in_process=False``."""
        return self.transport.attach(client) if self.transport is not None else client

    def register_function(
        self, arn: str, handler: Callable[[dict[str, Any]], dict[str, Any]] | None
    ) -> None:
        """Run the Lambda function ``arn`` in-process: the trigger's event in, the event (with
        its ``response``) out; an exception it raises is the handler's error. ``None``
        removes it. A pool whose ``LambdaConfig`` names ``arn`` then gets its trigger."""
        self.server.lambdas.register(arn, handler)

    def outbox(self, pool_id: str | None = None) -> list[Message]:
        """The messages the server would have sent by email or SMS."""
        return self.server.services.users.outbox(pool_id)


def start_server(
    db_path: Path,
    *,
    database_url: str | None = None,
    password_hashing: str = "fast",
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], None] | None = None,
    aws_issuer: bool = False,
    credentials_file: str | None = None,
    rate_limits: tuple[str, ...] = (),
    key_source: KeySource | None = None,
    in_process: bool = True,
    smtp_url: str | None = None,
    sms_webhook: str | None = None,
    delivery_retry_seconds: float = 5.0,
    lambda_endpoint: str | None = None,
    lambda_config: str | None = None,
) -> Iterator[RunningServer]:
    """Run a server in a background thread until the generator is closed.

    It uses PostgreSQL at ``database_url`` when given, else SQLite at ``db_path``. ``clock``
    replaces the server's ``time.time`` (to test expiry and lock-out without waiting), and
    ``sleep`` its ``time.sleep`` where a password check waits for those in flight.
    Without ``credentials_file`` the server is in development mode (any signature or none).
    Every response is checked against its output shape: a mismatch fails its request with a
    500 and, when the server stops, raises :class:`OutputMismatch` listing them all.
    ``password_hashing`` is ``"fast"`` (Argon2's minimum cost, the default) or ``"owasp"``.
    ``key_source`` makes pools' signing keys (default: the test-only ``TEST_KEYS``), and
    ``in_process=False`` sends the boto3 clients of :meth:`RunningServer.client` over the socket.
    ``smtp_url``, ``sms_webhook`` and ``delivery_retry_seconds`` are ``serve``'s delivery
    settings (``--smtp-url``, ``--sms-webhook``); without them messages are only kept.
    ``lambda_endpoint`` and ``lambda_config`` are ``serve``'s ``--lambda-endpoint`` and
    ``--lambda-config`` (trigger functions; :meth:`RunningServer.register_function` adds
    in-process ones).
    """
    import uvicorn

    from userpools.app import build
    from userpools.http.listen import listening_socket
    from userpools.settings import Settings
    from userpools.testing.keys import TEST_KEYS
    from userpools.testing.transport import InProcess

    sock = listening_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    try:
        server = build(
            Settings(
                port=port,
                db_path=db_path,
                database_url=database_url,
                password_hashing=password_hashing,
                access_log=False,
                aws_issuer=aws_issuer,
                credentials_file=credentials_file,
                rate_limits=rate_limits,
                check_output=True,
                smtp_url=smtp_url,
                sms_webhook=sms_webhook,
                delivery_retry_seconds=delivery_retry_seconds,
                lambda_endpoint=lambda_endpoint,
                lambda_config=lambda_config,
            ),
            clock=clock if clock is not None else time.time,
            sleep=sleep if sleep is not None else time.sleep,
            key_source=key_source or TEST_KEYS,
        )
    except BaseException:
        sock.close()
        raise
    # loop="asyncio": uvloop would replace the event-loop policy of the whole test process.
    config = uvicorn.Config(
        server.asgi, log_level="warning", access_log=False, lifespan="off", loop="asyncio"
    )
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("userpools test server did not start")
        time.sleep(0.01)
    try:
        transport = InProcess(server.asgi) if in_process else None
        yield RunningServer(f"http://127.0.0.1:{port}", db_path, server, transport)
    finally:
        uv.should_exit = True
        thread.join(timeout=10)
        sock.close()
        server.close()
    mismatches = server.dispatcher.output_mismatches
    if mismatches:
        from userpools.protocol.outputs import OutputMismatch

        raise OutputMismatch(
            "responses that do not fit their output shape:\n" + "\n".join(mismatches)
        )


#: The ini option that sets the Argon2id cost of :func:`userpools_server`.
PASSWORD_HASHING_INI = "userpools_password_hashing"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        PASSWORD_HASHING_INI,
        "Argon2id cost of the userpools_server fixture: fast (Argon2's minimum, the default) "
        "or owasp (production's, about 100 ms a hash).",
        default="fast",
    )


@pytest.fixture(scope="session")
def userpools_server(
    tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> Iterator[RunningServer]:
    """A userpools server with a fresh database, shared by the whole session."""
    yield from start_server(
        tmp_path_factory.mktemp("userpools") / "userpools.db",
        password_hashing=str(pytestconfig.getini(PASSWORD_HASHING_INI)),
    )


@pytest.fixture
def cognito_idp(userpools_server: RunningServer) -> Any:
    """A boto3 cognito-idp client for :func:`userpools_server`."""
    return userpools_server.client()


@pytest.fixture
def user_pool_id(cognito_idp: Any) -> Iterator[str]:
    """A fresh user pool, deleted after the test (its domains first: a pool with a domain
    cannot be deleted)."""
    pool_id: str = cognito_idp.create_user_pool(PoolName="test")["UserPool"]["Id"]
    yield pool_id
    described = cognito_idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    for member in ("Domain", "CustomDomain"):
        if member in described:
            cognito_idp.delete_user_pool_domain(UserPoolId=pool_id, Domain=described[member])
    cognito_idp.delete_user_pool(UserPoolId=pool_id)
