"""The managed login page over plain HTTP: its headers and cookie, the CSRF refusal, HTML
escaping, NEW_PASSWORD_REQUIRED on the page, the session that spares a second sign-in, and
``/logout``."""

from __future__ import annotations

import urllib.parse
from typing import Any

import pytest
from web_support import (
    CALLBACK,
    LOGOUT,
    PASSWORD,
    Browser,
    WebPool,
    query_of,
    read_form,
)

from userpools.testing import RunningServer

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def pool(userpools_server: RunningServer, cognito_idp: Any, user_pool_id: str) -> WebPool:
    web = WebPool(userpools_server, cognito_idp, user_pool_id)
    web.user()
    return web


def authorize_url(pool: WebPool, client_id: str, **extra: str) -> str:
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": CALLBACK,
        "state": "s-1",
        **extra,
    }
    return f"{pool.authorize_url}?{urllib.parse.urlencode(params)}"


def login_page(pool: WebPool, browser: Browser, client_id: str, **extra: str) -> Any:
    first = browser.get(authorize_url(pool, client_id, **extra))
    assert first.status_code == 302 and first.headers["location"].startswith("/login?")
    return browser.get(pool.base + first.headers["location"])


def test_the_page_is_locked_down(pool: WebPool) -> None:
    client_id, _ = pool.client()
    page = login_page(pool, Browser(), client_id)
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "script-src" not in policy
    assert "form-action 'self' http://localhost:8000" in policy
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    assert "<script" not in page.text
    assert '<html lang="en">' in page.text and 'name="viewport"' in page.text
    assert '<label for="username">' in page.text and '<label for="password">' in page.text
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    css = Browser().get(pool.base + "/static/login.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


def test_csrf_token_must_match_the_session(pool: WebPool) -> None:
    client_id, _ = pool.client()
    browser = Browser()
    form = read_form(login_page(pool, browser, client_id).text)
    assert len(form.fields["csrf"]) >= 32
    refused = browser.post_form(pool.base, form, csrf="x" * 64, username="ann", password=PASSWORD)
    assert refused.status_code == 403 and "not sent from this sign-in page" in refused.text
    # Another browser (no cookie) posting a valid token is refused too.
    other = Browser().post_form(pool.base, form, username="ann", password=PASSWORD)
    assert other.status_code == 403
    # Without the token at all.
    fields = {k: v for k, v in form.fields.items() if k != "csrf"}
    form.fields = fields
    assert browser.post_form(pool.base, form, username="ann", password=PASSWORD).status_code == 403


def test_a_new_csrf_token_after_a_failed_attempt(pool: WebPool) -> None:
    client_id, _ = pool.client()
    browser = Browser()
    form = read_form(login_page(pool, browser, client_id).text)
    wrong = browser.post_form(pool.base, form, username="ann", password="nope")
    assert wrong.status_code == 400
    again = read_form(wrong.text)
    assert again.fields["csrf"] != form.fields["csrf"]
    assert browser.post_form(pool.base, form, username="ann", password=PASSWORD).status_code == 403
    ok = browser.post_form(pool.base, again, username="ann", password=PASSWORD)
    assert ok.status_code == 302 and "code" in query_of(ok.headers["location"])


def test_a_script_in_a_username_or_state_is_escaped(pool: WebPool) -> None:
    client_id, _ = pool.client()
    browser = Browser()
    page = login_page(pool, browser, client_id, state=SCRIPT)
    assert SCRIPT not in page.text and "&lt;script&gt;" not in page.text  # state: in the URL
    assert "state=%3Cscript%3Ealert%281%29%3C%2Fscript%3E" in page.text
    answer = browser.post_form(pool.base, read_form(page.text), username=SCRIPT, password="x")
    assert answer.status_code == 400
    assert SCRIPT not in answer.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in answer.text  # the username, kept
    assert read_form(answer.text).fields["username"] == SCRIPT
    ok = browser.post_form(pool.base, read_form(answer.text), username="ann", password=PASSWORD)
    assert query_of(ok.headers["location"])["state"] == SCRIPT


def test_new_password_required_continues_on_the_page(pool: WebPool) -> None:
    pool.user("bob", permanent=False)
    client_id, _ = pool.client()
    browser = Browser()
    form = read_form(login_page(pool, browser, client_id).text)
    challenge = browser.post_form(pool.base, form, username="bob", password=PASSWORD)
    assert challenge.status_code == 200 and "Set a new password" in challenge.text
    assert "new_password" in read_form(challenge.text).fields
    done = browser.post_form(pool.base, read_form(challenge.text), new_password="N3w-passw0rd!")
    assert done.status_code == 302, done.text
    assert "code" in query_of(done.headers["location"])
    user = pool.api.admin_get_user(UserPoolId=pool.pool_id, Username="bob")
    assert user["UserStatus"] == "CONFIRMED"


def test_a_signed_in_browser_is_not_asked_again_unless_prompt_login(pool: WebPool) -> None:
    client_id, _ = pool.client()
    browser = Browser()
    first = browser.sign_in(pool.base, authorize_url(pool, client_id))
    assert first.status_code == 302
    again = browser.get(authorize_url(pool, client_id, state="s-2"))
    assert again.headers["location"].startswith(CALLBACK + "?")
    assert query_of(again.headers["location"])["state"] == "s-2"
    silent = browser.get(authorize_url(pool, client_id, prompt="none"))
    assert "code" in query_of(silent.headers["location"])
    forced = browser.get(authorize_url(pool, client_id, prompt="login"))
    assert forced.headers["location"].startswith("/login?")
    # A disabled user's session no longer signs in.
    pool.api.admin_disable_user(UserPoolId=pool.pool_id, Username="ann")
    denied = browser.get(authorize_url(pool, client_id))
    assert query_of(denied.headers["location"])["error"] == "access_denied"


def test_logout_ends_the_session(pool: WebPool) -> None:
    client_id, _ = pool.client()
    browser = Browser()
    browser.sign_in(pool.base, authorize_url(pool, client_id))
    wrong = browser.get(f"{pool.base}/logout", client_id=client_id, logout_uri=CALLBACK)
    assert wrong.status_code == 400 and "<code>redirect_mismatch</code>" in wrong.text
    out = browser.get(f"{pool.base}/logout", client_id=client_id, logout_uri=LOGOUT)
    assert out.status_code == 302 and out.headers["location"] == LOGOUT
    assert "Max-Age=0" in out.headers["set-cookie"]
    after = browser.get(authorize_url(pool, client_id))
    assert after.headers["location"].startswith("/login?")


def test_logout_with_redirect_uri_signs_in_again(pool: WebPool) -> None:
    client_id, _ = pool.client()
    browser = Browser()
    browser.sign_in(pool.base, authorize_url(pool, client_id))
    out = browser.get(
        f"{pool.base}/logout",
        client_id=client_id,
        redirect_uri=CALLBACK,
        response_type="code",
        state="s-3",
    )
    assert out.status_code == 302 and out.headers["location"].startswith("/login?")
    assert query_of(out.headers["location"])["state"] == "s-3"
    page = browser.get(pool.base + out.headers["location"])
    assert page.status_code == 200 and "Sign in" in page.text
