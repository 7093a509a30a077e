"""Lock-out after failed sign-ins, end to end on a server with a movable clock (cognito-spec
§9.2, reliability.md §1.4).

The server's clock is *frozen* for these tests (``frozen``): it reads a fixed moment plus the
offset the test moves, so "1.5 s into a 2 s lock" is exact whatever the machine's speed. Nothing
here looks at wall time.

The paths that check a password all share one counter: USER_PASSWORD_AUTH,
ADMIN_USER_PASSWORD_AUTH, USER_SRP_AUTH → PASSWORD_VERIFIER (pycognito's real SRP client) and
ChangePassword's PreviousPassword. A user without a password (AdminCreateUser with SUPPRESS
and no TemporaryPassword) fails every one of them as a wrong password, counted alike. Parallel
guesses, from threads and from two servers on one
database, never get more than the five free failures.
"""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP  # type: ignore[import-untyped]

from userpools.crypto.passwords import PasswordHasher
from userpools.domain.lockout import CHECK_SECONDS, MAX_WAIT_SECONDS
from userpools.domain.lookup import resolve, sign_in_keys
from userpools.domain.messages import CHECKS_IN_FLIGHT, PREVIOUS_PASSWORD_REQUIRED
from userpools.domain.store import Retryable, Transaction
from userpools.testing import RunningServer, start_server

PASSWORD = "Corr3ct-horse-battery!"
WRONG_PASSWORD = "Wr0ng-horse-battery!"
NEW_PASSWORD = "An0ther-horse-battery!"

OK = "signed in"
WRONG = "Incorrect username or password."
LOCKED = "Password attempts exceeded"

FLOWS = [
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
]


@pytest.fixture
def frozen(clock: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The clocked server's clock, stopped at the present: it moves only by ``advance``."""
    moment = time.time()
    monkeypatch.setattr(type(clock), "__call__", lambda self: moment + self.offset)
    return clock


@dataclass(frozen=True)
class App:
    server: RunningServer
    idp: Any
    pool_id: str
    client_id: str


@pytest.fixture(scope="module")
def app(clocked_server: RunningServer) -> Iterator[App]:
    """One pool and one client for the module (per store); each test has its own users."""
    idp = clocked_server.client()
    pool_id = idp.create_user_pool(PoolName="lockout")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]["ClientId"]
    yield App(clocked_server, idp, pool_id, client_id)
    idp.delete_user_pool(UserPoolId=pool_id)


@dataclass
class Account:
    """A user, and an access token of hers for ChangePassword."""

    app: App
    username: str
    access_token: str
    password: str = PASSWORD

    def attempt(self, path: str, right: bool, idp: Any = None) -> str:
        """One password attempt through ``path``: ``OK``, or the NotAuthorizedException message."""
        password = self.password if right else WRONG_PASSWORD
        try:
            PATHS[path](self, idp or self.app.idp, password)
        except ClientError as error:
            assert error.response["Error"]["Code"] == "NotAuthorizedException", error.response
            message: str = error.response["Error"]["Message"]
            return message
        return OK

    def counter(self) -> tuple[int, float | None]:
        """``failed_attempts`` and ``locked_until`` as stored."""
        with self.app.server.server.store.transaction(write=False) as tx:
            pool = tx.get_pool(self.app.pool_id)
            assert pool is not None
            user = resolve(tx, pool, self.username)
            assert user is not None
            return user.failed_attempts, user.locked_until


def _user_password(account: Account, idp: Any, password: str) -> None:
    idp.initiate_auth(
        ClientId=account.app.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": account.username, "PASSWORD": password},
    )


def _admin_password(account: Account, idp: Any, password: str) -> None:
    idp.admin_initiate_auth(
        UserPoolId=account.app.pool_id,
        ClientId=account.app.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": account.username, "PASSWORD": password},
    )


def _srp(account: Account, idp: Any, password: str) -> None:
    AWSSRP(
        username=account.username,
        password=password,
        pool_id=account.app.pool_id,
        client_id=account.app.client_id,
        client=idp,
    ).authenticate_user()


def _change_password(account: Account, idp: Any, password: str) -> None:
    """A right PreviousPassword changes the password; the account follows it."""
    idp.change_password(
        AccessToken=account.access_token, PreviousPassword=password, ProposedPassword=NEW_PASSWORD
    )
    account.password = NEW_PASSWORD


PATHS: dict[str, Callable[[Account, Any, str], None]] = {
    "user-password": _user_password,
    "admin-password": _admin_password,
    "srp": _srp,
    "change-password": _change_password,
}


@pytest.fixture
def account(app: App, frozen: Any) -> Account:
    username = f"user-{uuid.uuid4().hex[:10]}"
    app.idp.admin_create_user(UserPoolId=app.pool_id, Username=username, MessageAction="SUPPRESS")
    app.idp.admin_set_user_password(
        UserPoolId=app.pool_id, Username=username, Password=PASSWORD, Permanent=True
    )
    result = app.idp.initiate_auth(
        ClientId=app.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    return Account(app, username, result["AccessToken"])


def fail(account: Account, times: int, path: str = "user-password") -> None:
    for _ in range(times):
        assert account.attempt(path, right=False) == WRONG


# --- the schedule ---------------------------------------------------------------------------------


def test_lock_schedule(account: Account, frozen: Any) -> None:
    fail(account, 5)
    assert account.counter() == (5, frozen() + 1)
    assert account.attempt("user-password", right=True) == LOCKED  # even the right password
    frozen.advance(0.999)
    assert account.attempt("user-password", right=True) == LOCKED
    frozen.advance(0.002)
    for failures, lock in [(6, 2.0), (7, 4.0), (8, 8.0), (9, 16.0)]:
        assert account.attempt("user-password", right=False) == WRONG  # allowed again
        assert account.counter() == (failures, frozen() + lock)
        assert account.attempt("user-password", right=False) == LOCKED
        frozen.advance(lock * 0.75)
        assert account.attempt("user-password", right=True) == LOCKED
        frozen.advance(lock * 0.25 + 0.1)
    assert account.attempt("user-password", right=True) == OK
    assert account.counter() == (0, None)


def seventh_failure(account: Account, frozen: Any) -> None:
    """Five failures, then one after each lock: the seventh locks for 4 s."""
    fail(account, 5)
    frozen.advance(1.01)
    fail(account, 1)
    frozen.advance(2.01)
    fail(account, 1)
    assert account.counter() == (7, frozen() + 4)


def test_attempts_during_a_lock_do_not_extend_it(account: Account, frozen: Any) -> None:
    seventh_failure(account, frozen)
    locked = account.counter()
    for path in PATHS:
        for right in (False, True):
            assert account.attempt(path, right) == LOCKED
            frozen.advance(0.45)
    assert account.counter() == locked  # nothing recorded, nothing lengthened
    frozen.advance(4 - 8 * 0.45 + 0.01)
    assert account.attempt("user-password", right=True) == OK


def test_right_password_after_the_lock_clears_the_count(account: Account, frozen: Any) -> None:
    fail(account, 5)
    frozen.advance(1.01)
    assert account.attempt("user-password", right=True) == OK
    assert account.counter() == (0, None)
    fail(account, 4)  # had the count survived, the first of these would lock for 2 s
    assert account.attempt("user-password", right=True) == OK
    fail(account, 5)
    assert account.attempt("user-password", right=True) == LOCKED


def test_fifteen_quiet_minutes_reset_the_count(account: Account, frozen: Any) -> None:
    fail(account, 4)
    frozen.advance(900)
    fail(account, 4)  # counted from one again
    assert account.counter()[0] == 4
    assert account.attempt("user-password", right=True) == OK


def test_a_second_short_of_fifteen_quiet_minutes_does_not(account: Account, frozen: Any) -> None:
    fail(account, 4)
    frozen.advance(899)
    fail(account, 1)
    assert account.attempt("user-password", right=True) == LOCKED


def test_fifteen_quiet_minutes_after_a_lock_reset_the_count(account: Account, frozen: Any) -> None:
    seventh_failure(account, frozen)
    frozen.advance(900)
    fail(account, 4)
    assert account.counter()[0] == 4
    assert account.attempt("user-password", right=True) == OK


# --- one counter for every path -------------------------------------------------------------------

MIXED = ["user-password", "admin-password", "srp", "change-password", "user-password"]


@pytest.mark.parametrize("failing", [*([path] * 5 for path in PATHS), MIXED], ids=[*PATHS, "mixed"])
def test_failures_on_any_path_lock_every_path(
    account: Account, frozen: Any, failing: list[str]
) -> None:
    for path in failing:
        assert account.attempt(path, right=False) == WRONG
    assert account.counter() == (5, frozen() + 1)
    for path in PATHS:
        assert account.attempt(path, right=True) == LOCKED
    assert account.counter() == (5, frozen() + 1)
    frozen.advance(1.01)
    assert account.attempt("srp", right=True) == OK
    assert account.counter() == (0, None)


def test_change_password_success_clears_the_count(account: Account, frozen: Any) -> None:
    fail(account, 4)
    assert account.attempt("change-password", right=True) == OK
    assert account.counter() == (0, None)
    fail(account, 4, "srp")  # the new password is in force, for SRP too
    assert account.attempt("srp", right=True) == OK


# --- users without a password --------------------------------------------------------------------


@pytest.fixture
def dummy_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The passwords checked against no hash at all (a spy on ``PasswordHasher.dummy_verify``,
    the Argon2id work spent where there is nothing to check)."""
    checked: list[str] = []
    real = PasswordHasher.dummy_verify

    def spy(self: PasswordHasher, password: str) -> None:
        checked.append(password)
        real(self, password)

    monkeypatch.setattr(PasswordHasher, "dummy_verify", spy)
    return checked


@pytest.fixture
def passwordless(app: App, frozen: Any) -> Account:
    """A user made by AdminCreateUser with SUPPRESS and no TemporaryPassword: no password at
    all. ``password`` is a password it might have had; no access token."""
    username = f"bare-{uuid.uuid4().hex[:10]}"
    app.idp.admin_create_user(UserPoolId=app.pool_id, Username=username, MessageAction="SUPPRESS")
    return Account(app, username, access_token="")


SIGN_IN_PATHS = ["user-password", "admin-password", "srp"]


def test_a_user_without_a_password_fails_every_sign_in_as_a_wrong_password(
    passwordless: Account, frozen: Any, dummy_checks: list[str]
) -> None:
    """Same error, same count, same lock as wrong passwords; the password flows spend a
    dummy Argon2id check, as for an unknown user."""
    tries = [*SIGN_IN_PATHS, "user-password", "srp"]
    for number, path in enumerate(tries):
        assert passwordless.attempt(path, right=number % 2 == 0) == WRONG
        assert passwordless.counter()[0] == number + 1
    assert passwordless.counter() == (5, frozen() + 1)
    assert len(dummy_checks) == sum(path != "srp" for path in tries)
    for path in SIGN_IN_PATHS:
        assert passwordless.attempt(path, right=True) == LOCKED
    frozen.advance(1.01)
    assert passwordless.attempt("admin-password", right=True) == WRONG
    assert passwordless.counter() == (6, frozen() + 2)


def test_a_user_without_a_password_gets_an_srp_challenge_like_a_real_one(
    passwordless: Account, frozen: Any
) -> None:
    """USER_SRP_AUTH answers with the user's own username and a stable salt, as for a user
    with a password; the proof is checked, refused and counted."""
    idp, app = passwordless.app.idp, passwordless.app
    replies = []
    for _ in range(2):
        srp = AWSSRP(
            username=passwordless.username,
            password=PASSWORD,
            pool_id=app.pool_id,
            client_id=app.client_id,
            client=idp,
        )
        reply = idp.initiate_auth(
            ClientId=app.client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=srp.get_auth_params()
        )
        replies.append(reply)
    one, two = (r["ChallengeParameters"] for r in replies)
    assert replies[0]["ChallengeName"] == "PASSWORD_VERIFIER"
    assert one["USER_ID_FOR_SRP"] == one["USERNAME"] == passwordless.username
    assert one["SALT"] == two["SALT"] and one["SRP_B"] != two["SRP_B"]
    answer = srp.process_challenge(two, srp.get_auth_params())
    with pytest.raises(ClientError) as refused:
        idp.respond_to_auth_challenge(
            ClientId=app.client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer
        )
    assert refused.value.response["Error"] == {
        "Code": "NotAuthorizedException",
        "Message": WRONG,
    }
    assert passwordless.counter() == (1, None)


@pytest.mark.parametrize("permanent", [True, False], ids=["permanent", "temporary"])
def test_a_user_without_a_password_signs_in_once_an_admin_sets_one(
    passwordless: Account, frozen: Any, permanent: bool
) -> None:
    app = passwordless.app
    fail(passwordless, 1)  # with the three below, one short of the lock
    app.idp.admin_set_user_password(
        UserPoolId=app.pool_id,
        Username=passwordless.username,
        Password=PASSWORD,
        Permanent=permanent,
    )
    for path in SIGN_IN_PATHS:
        assert passwordless.attempt(path, right=False) == WRONG
    auth = app.idp.admin_initiate_auth(
        UserPoolId=app.pool_id,
        ClientId=app.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": passwordless.username, "PASSWORD": PASSWORD},
    )
    if permanent:
        assert auth["AuthenticationResult"]["AccessToken"]
        assert passwordless.attempt("srp", right=True) == OK
    else:
        assert auth["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert passwordless.counter() == (0, None)


def remove_password(account: Account) -> None:
    """Leave ``account`` without a password, as AdminCreateUser with SUPPRESS does; through
    the store, since no API call takes the password of a signed-in user without also making
    it RESET_REQUIRED (which ChangePassword refuses first)."""
    app = account.app

    def strip(tx: Transaction) -> None:
        pool = tx.get_pool(app.pool_id)
        assert pool is not None
        user = resolve(tx, pool, account.username)
        assert user is not None
        bare = dataclasses.replace(user, password_hash=None, srp_verifier=None)
        tx.update_user(pool, bare, sign_in_keys(pool, bare.attributes))

    app.server.server.store.write(strip)


def test_change_password_without_a_password_is_a_wrong_previous_password(
    account: Account, frozen: Any, dummy_checks: list[str]
) -> None:
    """ChangePassword checks PreviousPassword even when there is no password to match: it
    is refused as a wrong one, after a dummy check, and counted; leaving it out is refused
    as it is for any user."""
    remove_password(account)
    assert account.attempt("change-password", right=True) == WRONG
    assert dummy_checks == [PASSWORD]
    assert account.counter() == (1, None)
    with pytest.raises(ClientError) as missing:
        account.app.idp.change_password(
            AccessToken=account.access_token, ProposedPassword=NEW_PASSWORD
        )
    assert missing.value.response["Error"] == {
        "Code": "InvalidParameterException",
        "Message": PREVIOUS_PASSWORD_REQUIRED,
    }
    fail(account, 4, "change-password")
    assert account.counter() == (5, frozen() + 1)
    assert account.attempt("change-password", right=True) == LOCKED


# --- parallel guesses -----------------------------------------------------------------------------

GUESSES = 20


def in_parallel(account: Account, clients: list[Any], rights: list[bool]) -> list[str]:
    """One USER_PASSWORD_AUTH per client, right or wrong as ``rights`` say, all released at
    once; the answers in the same order."""
    barrier = threading.Barrier(len(clients))

    def sign_in(idp: Any, right: bool) -> str:
        barrier.wait(timeout=30)
        return account.attempt("user-password", right=right, idp=idp)

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        return list(pool.map(sign_in, clients, rights))


def guess_in_parallel(account: Account, clients: list[Any]) -> list[str]:
    """One wrong USER_PASSWORD_AUTH per client, all released at once."""
    return in_parallel(account, clients, [False] * len(clients))


@pytest.fixture
def slow_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Password checks as slow as production's Argon2id (tens of milliseconds), not the test
    hasher's microseconds, so parallel guesses really overlap the check, on every store."""
    verify = PasswordHasher.verify

    def slow_verify(self: PasswordHasher, stored: str, password: str) -> bool:
        time.sleep(0.05)
        return verify(self, stored, password)

    monkeypatch.setattr(PasswordHasher, "verify", slow_verify)


@pytest.mark.usefixtures("slow_hashing")
def test_parallel_wrong_passwords_do_not_beat_the_lockout(account: Account, frozen: Any) -> None:
    clients = [account.app.server.client() for _ in range(GUESSES)]
    answers = guess_in_parallel(account, clients)
    assert sorted(answers) == sorted([WRONG] * 5 + [LOCKED] * (GUESSES - 5))
    assert account.counter() == (5, frozen() + 1)
    assert account.attempt("user-password", right=True) == LOCKED


@pytest.fixture
def second_node(clocked_server: RunningServer, frozen: Any) -> Iterator[RunningServer]:
    """Another server on the clocked server's database, with the same (frozen) clock."""
    settings = clocked_server.server.settings
    yield from start_server(
        clocked_server.db_path, database_url=settings.database_url, clock=frozen
    )


@pytest.mark.usefixtures("slow_hashing")
def test_parallel_wrong_passwords_on_two_servers_do_not_beat_the_lockout(
    account: Account, frozen: Any, second_node: RunningServer
) -> None:
    servers = [account.app.server, second_node]
    clients = [servers[i % 2].client() for i in range(GUESSES)]
    answers = guess_in_parallel(account, clients)
    assert sorted(answers) == sorted([WRONG] * 5 + [LOCKED] * (GUESSES - 5))
    assert account.counter() == (5, frozen() + 1)
    for server in servers:
        assert account.attempt("admin-password", right=True, idp=server.client()) == LOCKED


SIGN_INS = 8


@pytest.mark.usefixtures("slow_hashing")
def test_parallel_right_passwords_all_sign_in(account: Account, frozen: Any) -> None:
    """Issue 10, item 3: eight parallel sign-ins with the right password (several tabs or
    devices) used to give 5 successes and 3 "Password attempts exceeded"."""
    clients = [account.app.server.client() for _ in range(SIGN_INS)]
    assert in_parallel(account, clients, [True] * SIGN_INS) == [OK] * SIGN_INS
    assert account.counter() == (0, None)


@pytest.mark.usefixtures("slow_hashing")
def test_parallel_right_passwords_on_two_servers_all_sign_in(
    account: Account, frozen: Any, second_node: RunningServer
) -> None:
    servers = [account.app.server, second_node]
    clients = [servers[i % 2].client() for i in range(SIGN_INS)]
    assert in_parallel(account, clients, [True] * SIGN_INS) == [OK] * SIGN_INS
    assert account.counter() == (0, None)


@pytest.mark.usefixtures("slow_hashing")
def test_parallel_right_and_wrong_passwords_are_each_answered_on_their_merits(
    account: Account, frozen: Any, second_node: RunningServer
) -> None:
    """Four wrong guesses among eight right passwords, on two servers: too few to lock, so
    every right one signs in and every wrong one is counted as wrong; what stays counted is
    the wrong ones that came after the last success."""
    rights = [True, False] * 4 + [True] * 4
    servers = [account.app.server, second_node]
    clients = [servers[i % 2].client() for i in range(len(rights))]
    answers = in_parallel(account, clients, rights)
    assert answers == [OK if right else WRONG for right in rights]
    failures, locked_until = account.counter()
    assert failures <= 4 and locked_until is None
    fail(account, 4 - failures)  # the count is exact: four in a row do not lock ...
    assert account.attempt("user-password", right=True) == OK
    fail(account, 5)  # ... and five do
    assert account.attempt("user-password", right=True) == LOCKED


@pytest.mark.usefixtures("slow_hashing")
def test_parallel_right_and_wrong_passwords_never_count_past_the_lock(
    account: Account, frozen: Any, second_node: RunningServer
) -> None:
    """Twenty wrong guesses and ten right passwords at once, on two servers. Right passwords
    clear the count, so how many guesses are counted depends on the order; but a right
    password is refused only by a lock, and a lock once reached holds at exactly five
    failures: no check was still running to count past it or clear it."""
    rights = [i % 3 == 0 for i in range(30)]
    servers = [account.app.server, second_node]
    clients = [servers[i % 2].client() for i in range(len(rights))]
    answers = in_parallel(account, clients, rights)
    for right, answer in zip(rights, answers, strict=True):
        assert answer in ((OK, LOCKED) if right else (WRONG, LOCKED))
    failures, locked_until = account.counter()
    if locked_until is None:
        assert failures < 5 and LOCKED not in answers
    else:
        assert (failures, locked_until) == (5, frozen() + 1)


# --- checks whose node died -----------------------------------------------------------------------


def abandon_checks(account: Account, count: int, now: float) -> None:
    """``count`` password checks in flight, as a node that died during them leaves them."""
    store = account.app.server.server.store
    with store.transaction(write=True) as tx:
        pool = tx.get_pool(account.app.pool_id)
        assert pool is not None
        user = resolve(tx, pool, account.username)
        assert user is not None
        for _ in range(count):
            tx.insert_password_check(pool, user, now, now + CHECK_SECONDS)


@pytest.fixture
def pauses(
    clocked_server: RunningServer, frozen: Any
) -> Iterator[tuple[RunningServer, list[float]]]:
    """Another server on the clocked server's database whose waits are recorded, not slept."""
    slept: list[float] = []
    settings = clocked_server.server.settings
    for server in start_server(
        clocked_server.db_path, database_url=settings.database_url, clock=frozen, sleep=slept.append
    ):
        yield server, slept


def test_checks_of_a_dead_node_hold_the_user_until_they_expire_then_lock_nothing(
    account: Account, frozen: Any, pauses: tuple[RunningServer, list[float]]
) -> None:
    """Five checks left in flight fill the five free failures: a right password waits for
    them, as long as it may, then is told to try again; nothing is counted. Once they expire
    the user signs in, and they never count as failures."""
    server, slept = pauses
    abandon_checks(account, 5, frozen())
    with pytest.raises(ClientError) as refused:
        _user_password(account, server.client(), PASSWORD)
    assert refused.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert refused.value.response["Error"]["Message"] == CHECKS_IN_FLIGHT
    assert slept and sum(slept) <= MAX_WAIT_SECONDS
    assert account.counter() == (0, None)
    frozen.advance(CHECK_SECONDS)
    assert account.attempt("user-password", right=True, idp=server.client()) == OK
    fail(account, 4)  # the dead checks never counted: four failures do not lock
    assert account.attempt("srp", right=True) == OK


def test_a_check_left_in_flight_leaves_the_other_failures_free(
    account: Account, frozen: Any, pauses: tuple[RunningServer, list[float]]
) -> None:
    """One check in flight takes one of the five free failures: four more guesses are
    counted at once, and then a check waits for the place (here it never frees, so the call
    is refused) until the dead check expires."""
    server, slept = pauses
    abandon_checks(account, 1, frozen())
    fail(account, 4)
    with pytest.raises(ClientError) as refused:
        _user_password(account, server.client(), PASSWORD)
    assert refused.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert slept
    assert account.counter() == (4, None)
    frozen.advance(CHECK_SECONDS)
    assert account.attempt("user-password", right=True, idp=server.client()) == OK
    assert account.counter() == (0, None)


# --- transactions run again -----------------------------------------------------------------------


@pytest.fixture
def lost_races(app: App, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Every write transaction loses a race once: its function runs, then, instead of
    committing, the transaction fails as a lost race would (``Retryable``) and is rolled back;
    the store runs it again. The list records each write transaction's outcome (``False``: lost).
    """
    store = app.server.server.store
    real = store.transaction
    outcomes: list[bool] = []

    @contextmanager
    def losing_once(*, write: bool) -> Iterator[Any]:
        with real(write=write) as tx:
            yield tx
            if write:
                lose = not outcomes or outcomes[-1]
                outcomes.append(not lose)
                if lose:
                    raise Retryable("forced by the test")

    monkeypatch.setattr(store, "transaction", losing_once)
    return outcomes


@pytest.mark.parametrize("path", ["user-password", "admin-password", "srp", "change-password"])
def test_a_failed_attempt_is_counted_once_when_its_transaction_runs_again(
    account: Account, lost_races: list[bool], path: str
) -> None:
    """The store runs a transaction that lost a race again, never the whole call: a sign-in
    whose counting transaction is retried still counts its failure exactly once."""
    assert account.attempt(path, right=False) == WRONG
    assert False in lost_races and True in lost_races  # the transaction did run twice
    lost_races.clear()
    assert account.counter() == (1, None)
    assert account.attempt(path, right=True) == OK
    assert lost_races.count(False) >= 1
    assert account.counter() == (0, None)
