# The fixture frozen is web_support.py's, imported by name.
# ruff: noqa: F401, F811
"""The managed login page in a real browser: Debian's Chromium driven by Playwright for Python.

Playwright cannot download its own browser here, so it launches the system's
(``/usr/bin/chromium``, the Debian package ``chromium``; ``make test`` installs it). Without it
these tests skip, except under CI (``CI=true``), where they fail. Each page is saved as a
screenshot in the test's temporary directory; ``UPDATE_DOCS_SCREENSHOT=1`` also writes the
login page to ``docs/oauth-login.png``.

The app's callback is a small real HTTP server on a free loopback port, which records what
it was sent (Playwright's routes do not see the targets of redirects).
"""

from __future__ import annotations

import http.server
import os
import secrets
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
import requests
from web_support import PASSWORD, WebPool, frozen, pkce_pair, query_of

from userpools.testing import RunningServer

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DOCS_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "oauth-login.png"
SCRIPT = "<script>document.title='pwned'</script>"


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"a real browser is required under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} is missing (apt-get install chromium; make test does it as root)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


class App:
    """The app's callback: a real HTTP server that records the URLs it was sent."""

    def __init__(self) -> None:
        seen: list[str] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                seen.append(self.path)
                body = b"<!DOCTYPE html><title>app</title>"
                self.send_response(200)
                self.send_header("content-type", "text/html")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.callback = f"http://localhost:{self.server.server_address[1]}/callback"
        self.seen = seen
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def redirects(self) -> list[str]:
        origin = self.callback.rsplit("/callback", 1)[0]
        return [origin + path for path in self.seen if path.startswith("/callback")]

    def at_callback(self, url: str) -> bool:
        return url.startswith(self.callback)


@pytest.fixture
def app() -> Iterator[App]:
    running = App()
    yield running
    running.server.shutdown()
    running.server.server_close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 390, "height": 760})  # a phone
    yield context.new_page()
    context.close()


@pytest.fixture
def pool(userpools_server: RunningServer, cognito_idp: Any, user_pool_id: str) -> WebPool:
    web = WebPool(userpools_server, cognito_idp, user_pool_id)
    web.user()
    return web


def authorize_url(pool: WebPool, app: App, client_id: str, **extra: str) -> str:
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": app.callback,
        **extra,
    }
    return f"{pool.authorize_url}?{urllib.parse.urlencode(params)}"


def titled(page: Any, expected: str) -> str:
    """The page's ``<title>``, once the page whose heading is ``expected`` has loaded (a
    click's navigation may not have begun when ``click`` returns)."""
    page.get_by_role("heading", level=1, name=expected).wait_for()
    title: str = page.title()
    return title


def shot(page: Any, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def test_sign_in_redirects_with_a_code(pool: WebPool, app: App, page: Any, tmp_path: Path) -> None:
    client_id, _ = pool.client(CallbackURLs=[app.callback])
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(8)
    page.goto(
        authorize_url(
            pool,
            app,
            client_id,
            state=state,
            code_challenge=challenge,
            code_challenge_method="S256",
        )
    )
    assert titled(page, "Sign in") == "Sign in"
    # Focus order: the username first (autofocus), then the password, then the button.
    assert page.evaluate("document.activeElement.id") == "username"
    page.keyboard.type("ann")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    shot(page, tmp_path, "login")
    if os.environ.get("UPDATE_DOCS_SCREENSHOT") == "1":
        page.screenshot(path=str(DOCS_SCREENSHOT))
    assert page.get_by_label("Username").is_visible()  # labels name the fields
    page.keyboard.press("Enter")
    page.wait_for_url(app.at_callback)
    assert len(app.redirects()) == 1
    values = query_of(app.redirects()[0])
    assert values["state"] == state
    answer = requests.post(
        pool.token_url,
        data={
            "grant_type": "authorization_code",
            "client_id": client_id,
            "code": values["code"],
            "redirect_uri": app.callback,
            "code_verifier": verifier,
        },
        timeout=10,
    )
    assert answer.status_code == 200 and "id_token" in answer.json()
    cookie = next(c for c in page.context.cookies() if c["name"] == "userpools-login")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and not cookie["secure"]


def test_a_wrong_password_then_new_password_required(
    pool: WebPool, app: App, page: Any, tmp_path: Path
) -> None:
    pool.user("bob", permanent=False)
    client_id, _ = pool.client(CallbackURLs=[app.callback])
    page.goto(authorize_url(pool, app, client_id))
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text() == "Incorrect username or password."
    shot(page, tmp_path, "wrong-password")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert titled(page, "Set a new password") == "Set a new password"
    shot(page, tmp_path, "new-password")
    page.get_by_label("New password").fill("N3w-passw0rd!")
    page.get_by_role("button", name="Set password and sign in").click()
    page.wait_for_url(app.at_callback)
    assert "code" in query_of(app.redirects()[0])


def test_the_csrf_refusal(pool: WebPool, app: App, page: Any, tmp_path: Path) -> None:
    client_id, _ = pool.client(CallbackURLs=[app.callback])
    page.goto(authorize_url(pool, app, client_id))
    page.locator("input[name=csrf]").evaluate("(e, v) => e.value = v", "forged" * 8)
    page.get_by_label("Username").fill("ann")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert titled(page, "Sign-in error") == "Sign-in error"
    assert "not sent from this sign-in page" in page.get_by_role("alert").inner_text()
    assert app.redirects() == []
    shot(page, tmp_path, "csrf-refused")


def test_a_script_in_a_username_or_state_is_shown_escaped(
    pool: WebPool, app: App, page: Any, tmp_path: Path
) -> None:
    client_id, _ = pool.client(CallbackURLs=[app.callback])
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(authorize_url(pool, app, client_id, state=SCRIPT))
    page.get_by_label("Username").fill(SCRIPT)
    page.get_by_label("Password").fill("x")
    page.get_by_role("button", name="Sign in").click()
    assert titled(page, "Sign in") == "Sign in"  # not "pwned": the script did not run
    assert page.get_by_label("Username").input_value() == SCRIPT  # shown as text
    assert page.locator("script").count() == 0
    shot(page, tmp_path, "escaped")
    page.get_by_label("Username").fill("ann")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(app.at_callback)
    assert query_of(app.redirects()[0])["state"] == SCRIPT
    assert dialogs == []


def test_an_unknown_redirect_uri_is_an_error_page(
    pool: WebPool, app: App, page: Any, tmp_path: Path
) -> None:
    client_id, _ = pool.client(CallbackURLs=[app.callback])
    page.goto(authorize_url(pool, app, client_id, redirect_uri="https://evil.example/cb"))
    assert titled(page, "Sign-in error") == "Sign-in error"
    assert page.locator("code").inner_text() == "redirect_mismatch"
    shot(page, tmp_path, "redirect-mismatch")


def test_logout(pool: WebPool, app: App, page: Any, tmp_path: Path) -> None:
    client_id, _ = pool.client(CallbackURLs=[app.callback])
    page.goto(authorize_url(pool, app, client_id))
    page.get_by_label("Username").fill("ann")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(app.at_callback)
    page.goto(authorize_url(pool, app, client_id, state="again"))  # signed in: straight back
    page.wait_for_url(app.at_callback)
    assert query_of(app.redirects()[-1])["state"] == "again"
    logout = f"{pool.base}/logout?" + urllib.parse.urlencode(
        {"client_id": client_id, "redirect_uri": app.callback, "response_type": "code"}
    )
    page.goto(logout)
    assert titled(page, "Sign in") == "Sign in"  # signed out, asked again
    shot(page, tmp_path, "after-logout")


def test_sign_up_with_the_delivered_code(
    pool: WebPool, app: App, page: Any, tmp_path: Path
) -> None:
    pool.api.update_user_pool(UserPoolId=pool.pool_id, AutoVerifiedAttributes=["email"])
    client_id, _ = pool.client(CallbackURLs=[app.callback])
    page.goto(authorize_url(pool, app, client_id))
    page.get_by_role("link", name="Create an account").click()
    assert titled(page, "Sign up") == "Sign up"
    page.get_by_label("Username").fill("cy")
    page.get_by_label("Email").fill("cy@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    shot(page, tmp_path, "sign-up")
    page.get_by_role("button", name="Sign up").click()
    assert titled(page, "Confirm your account") == "Confirm your account"
    assert "c***@e***" in page.get_by_role("status").inner_text()
    shot(page, tmp_path, "confirm")
    page.get_by_label("Code").fill(pool.delivered_code("cy@example.com"))
    page.get_by_role("button", name="Confirm account").click()
    assert page.get_by_role("status").inner_text() == "Your account is confirmed. Sign in."
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(app.at_callback)
    assert "code" in query_of(app.redirects()[0])


def test_forgot_password(pool: WebPool, app: App, page: Any, tmp_path: Path) -> None:
    client_id, _ = pool.client(CallbackURLs=[app.callback])
    page.goto(authorize_url(pool, app, client_id))
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Username").fill("ann")
    page.get_by_role("button", name="Send a code").click()
    assert titled(page, "Reset your password") == "Reset your password"
    shot(page, tmp_path, "reset")
    page.get_by_label("Code").fill(pool.delivered_code("ann@example.com"))
    page.get_by_label("New password").fill("N3w-passw0rd!")
    page.get_by_role("button", name="Change password").click()
    assert page.get_by_role("status").inner_text() == "Your password has been reset. Sign in."
    page.get_by_label("Password").fill("N3w-passw0rd!")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(app.at_callback)
    assert "code" in query_of(app.redirects()[0])


def test_the_totp_challenge(
    clocked_server: RunningServer, frozen: Any, app: App, page: Any, tmp_path: Path
) -> None:
    """Set up an authenticator from the key on the page, then sign in with its code."""
    api = clocked_server.client()
    pool_id = api.create_user_pool(PoolName="totp-page")["UserPool"]["Id"]
    api.set_user_pool_mfa_config(
        UserPoolId=pool_id, MfaConfiguration="ON", SoftwareTokenMfaConfiguration={"Enabled": True}
    )
    pool = WebPool(clocked_server, api, pool_id)
    pool.user()
    client_id, _ = pool.client(CallbackURLs=[app.callback])
    page.goto(authorize_url(pool, app, client_id))
    page.get_by_label("Username").fill("ann")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert titled(page, "Set up an authenticator app") == "Set up an authenticator app"
    shot(page, tmp_path, "mfa-setup")
    authenticator = pyotp.TOTP(page.locator("#secret").inner_text())
    assert page.locator("#otpauth").get_attribute("href").startswith("otpauth://totp/")
    page.get_by_label("Code").fill(authenticator.at(frozen()))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(app.at_callback)
    frozen.advance(30)
    page.context.clear_cookies()  # a new visit: sign in again, now with the TOTP challenge
    page.goto(authorize_url(pool, app, client_id))
    page.get_by_label("Username").fill("ann")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert titled(page, "Enter your code") == "Enter your code"
    shot(page, tmp_path, "totp")
    page.get_by_label("Code").fill(authenticator.at(frozen()))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(app.at_callback)
    assert len(app.redirects()) == 2
    assert all("code" in query_of(url) for url in app.redirects())
