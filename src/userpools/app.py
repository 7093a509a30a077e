"""The composition root: settings → store → services → dispatcher → ASGI app."""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.middleware import Middleware

from userpools.crypto.keys import KeySource, generate_signing_key
from userpools.crypto.passwords import PasswordHasher, cores
from userpools.crypto.sealing import Sealer, new_key
from userpools.delivery import Courier, transports
from userpools.domain.account_recovery import AccountRecoveryService
from userpools.domain.attribute_updates import AttributeUpdateService
from userpools.domain.auth_events import AuthEventService
from userpools.domain.clients import ClientService
from userpools.domain.domains import DomainService
from userpools.domain.errors import TooManyRequests
from userpools.domain.groups import GroupService
from userpools.domain.ids import Ids
from userpools.domain.keys import KeyService
from userpools.domain.login import LoginService
from userpools.domain.login_accounts import AccountPages
from userpools.domain.mfa import MfaService
from userpools.domain.models import UserPool
from userpools.domain.oauth import OAuthService
from userpools.domain.outbox import Delivery
from userpools.domain.pagination import Cursors
from userpools.domain.pools import PoolService
from userpools.domain.resource_servers import ResourceServerService
from userpools.domain.self_registration import SignUpService
from userpools.domain.self_service import SelfService
from userpools.domain.settings import SettingService
from userpools.domain.sign_out import SignOutService
from userpools.domain.signin.service import AuthService
from userpools.domain.store import Store
from userpools.domain.tokens import TokenIssuer
from userpools.domain.triggers import Triggers
from userpools.domain.user_creation import UserCreationService
from userpools.domain.users import UserService
from userpools.domain.verification_codes import VerificationCodes
from userpools.http.home import home_route
from userpools.http.login import login_routes
from userpools.http.messages import confirm_link_route, messages_route
from userpools.http.middleware import AccessLog, BodyCap, RequestId
from userpools.http.oauth import oauth_error_style, oauth_routes
from userpools.http.routes import routes
from userpools.http.triggers import triggers_route
from userpools.http.well_known import well_known_routes
from userpools.lambdas import Lambdas, load_targets, parse_credentials
from userpools.operations import READS, Services, handlers
from userpools.protocol.access import Gate, load_keys
from userpools.protocol.codec import encode_error
from userpools.protocol.dispatch import Dispatcher
from userpools.protocol.ratelimit import RateLimiter, parse_limits
from userpools.settings import LOG_FORMAT, PASSWORD_HASHING, Settings
from userpools.store import open_store

PAGINATION_SECRET = "pagination-v1"
#: Environment variable through which ``serve --workers`` hands settings to workers.
SETTINGS_ENV = "USERPOOLS_WORKER_SETTINGS"
#: The pid of the ``serve --workers`` process that started the worker.
SUPERVISOR_ENV = "USERPOOLS_SUPERVISOR_PID"


@dataclass
class Server:
    """Everything one process serves with. ``asgi`` is what uvicorn runs."""

    settings: Settings
    store: Store
    services: Services
    asgi: Starlette
    dispatcher: Dispatcher
    hasher: PasswordHasher
    reads: ThreadPoolExecutor | None = None
    #: Sends the outbox when ``--smtp-url`` or ``--sms-webhook`` is set.
    courier: Courier | None = None
    #: Where trigger functions run (``--lambda-endpoint``, ``--lambda-config``, in-process).
    lambdas: Lambdas = field(default_factory=Lambdas)
    triggers: Triggers | None = None

    def close(self) -> None:
        if self.courier is not None:
            self.courier.close()
        self.hasher.close()
        if self.reads is not None:
            self.reads.shutdown(wait=False)
        self.store.close()


def build(
    settings: Settings,
    clock: Callable[[], float] = time.time,
    key_source: KeySource = generate_signing_key,
    sleep: Callable[[float], None] = time.sleep,
) -> Server:
    """Wire one server; ``clock`` and ``sleep`` are replaceable so tests can move time, and
    ``key_source`` (where pools' signing keys come from) so tests need not wait for RSA key
    generation."""
    if settings.password_hashing not in PASSWORD_HASHING:
        raise ValueError(
            f"unknown password hashing {settings.password_hashing!r}: "
            f"choose one of {', '.join(PASSWORD_HASHING)}"
        )
    routes_by_medium = transports(settings.smtp_url, settings.sms_webhook)  # checked first
    lambdas = Lambdas(
        settings.lambda_endpoint,
        load_targets(settings.lambda_config) if settings.lambda_config else None,
        parse_credentials(settings.lambda_credentials) if settings.lambda_credentials else None,
    )
    store = open_store(settings.store_url, sqlite_synchronous=settings.sqlite_synchronous)
    key = store.write(lambda tx: tx.secret(PAGINATION_SECRET, new_key, time.time()))
    cursors = Cursors(Sealer(key))
    hasher = (
        PasswordHasher.fast_for_tests(busy=TooManyRequests)
        if settings.password_hashing == "fast"
        else PasswordHasher(busy=TooManyRequests)
    )
    ids = Ids()
    delivery = Delivery(frozenset(routes_by_medium), settings.base_url)
    triggers = Triggers(store, lambdas, clock)
    users = UserService(store, cursors, hasher, clock, delivery=delivery, triggers=triggers)
    creation = UserCreationService(store, ids, hasher, clock, delivery=delivery, triggers=triggers)

    def issuer(pool: UserPool) -> str:
        return settings.issuer_for(pool.id)

    tokens = TokenIssuer(issuer, triggers)
    codes = VerificationCodes(store, users, clock)
    services = Services(
        pools=PoolService(store, cursors, ids, clock, key_source),
        clients=ClientService(store, cursors, ids, clock),
        users=users,
        user_creation=creation,
        groups=GroupService(store, cursors, clock),
        auth=AuthService(
            store,
            tokens,
            hasher,
            clock,
            sleep=sleep,
            delivery=delivery,
            triggers=triggers,
            migrate=creation.migrate,
        ),
        sign_up=SignUpService(store, users, creation, codes, clock),
        recovery=AccountRecoveryService(store, users, creation, codes, hasher, clock),
        attribute_updates=AttributeUpdateService(store, users, codes, tokens, clock),
        self_service=SelfService(store, users, tokens, hasher, clock, sleep=sleep),
        sign_out=SignOutService(store, tokens, clock),
        settings=SettingService(store, clock, key_source),
        events=AuthEventService(store, cursors, clock),
        mfa=MfaService(store, tokens, clock),
        domains=DomainService(store, clock),
        resource_servers=ResourceServerService(store, cursors, clock),
    )
    keys = load_keys(settings.credentials_file) if settings.credentials_file else None
    limits = parse_limits(settings.rate_limits) if settings.rate_limits else None
    gate = Gate(keys)
    dispatcher = Dispatcher(
        handlers(services),
        gate,
        RateLimiter(limits) if limits else None,
        check_output=settings.check_output,
        reads=READS,
    )
    reads = None if store.local_reads else ThreadPoolExecutor(cores(), "reads")
    signing_keys = KeyService(store, clock, key_source)
    # Outermost first. Limits on every connection (counts, header sizes, timeouts) are the
    # HTTP edge's (http/edge.py), before a request is parsed.
    api_middleware = [
        Middleware(RequestId),
        *([Middleware(AccessLog)] if settings.access_log else []),
        Middleware(BodyCap, limit=settings.max_body_bytes, errors=encode_error),
    ]
    oauth_middleware = [
        *api_middleware[:-1],
        Middleware(BodyCap, limit=settings.max_body_bytes, errors=oauth_error_style),
    ]
    login = LoginService(store, services.auth, tokens, clock)
    app = Starlette(
        routes=[
            *routes(dispatcher, api_middleware, reads),
            home_route(settings),
            *well_known_routes(settings, signing_keys.jwks),
            *oauth_routes(
                OAuthService(store, tokens, clock, triggers),
                services.sign_out.revoke_token,
                oauth_middleware,
            ),
            *login_routes(
                login, AccountPages(login, services.sign_up, services.recovery), oauth_middleware
            ),
            messages_route(gate, users.recent_messages),
            triggers_route(gate, triggers.recent),
            confirm_link_route(
                lambda client_id, username, code: services.sign_up.confirm_sign_up(
                    client_id, username, code, None, False, from_link=True
                )
            ),
        ]
    )
    courier = None
    if routes_by_medium:
        courier = Courier(
            store, routes_by_medium, clock, retry_base=settings.delivery_retry_seconds
        )
        courier.start()
    return Server(
        settings, store, services, app, dispatcher, hasher, reads, courier, lambdas, triggers
    )


def app_from_environment() -> Starlette:
    """The ASGI app of one ``serve --workers`` worker process (a uvicorn factory)."""
    settings = Settings.from_json(os.environ[SETTINGS_ENV])
    exit_with_supervisor(int(os.environ[SUPERVISOR_ENV]))
    logging.basicConfig(level=settings.log_level.upper(), format=LOG_FORMAT)
    return build(settings).asgi


def exit_with_supervisor(supervisor_pid: int) -> None:
    """Have this worker stopped (SIGTERM: it finishes its requests) when the supervisor dies.

    A supervisor killed with SIGKILL cannot stop its workers itself; left alone they would
    go on serving the port, and a restart would fail with "Address already in use". On
    Linux the kernel sends the signal (``PR_SET_PDEATHSIG``); elsewhere a thread watches
    for the worker being handed to another parent. A supervisor already gone before either
    was in place is caught by comparing the parent's pid.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    else:
        threading.Thread(
            target=_watch_parent, args=(supervisor_pid,), name="supervisor-watch", daemon=True
        ).start()
    if os.getppid() != supervisor_pid:
        os.kill(os.getpid(), signal.SIGTERM)


_PR_SET_PDEATHSIG = 1


def _watch_parent(supervisor_pid: int) -> None:
    while os.getppid() == supervisor_pid:
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)
