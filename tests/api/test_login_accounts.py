"""The managed login's account pages over plain HTTP: sign-up with the delivered code, the
forgotten password's reset, each form's CSRF token, and the API's refusals on the page."""

from __future__ import annotations

import urllib.parse
from typing import Any

import pytest
from web_support import CALLBACK, PASSWORD, Browser, WebPool, query_of, read_form

from userpools.testing import RunningServer

NEW_PASSWORD = "N3w-passw0rd!"


@pytest.fixture
def pool(userpools_server: RunningServer, cognito_idp: Any, user_pool_id: str) -> WebPool:
    cognito_idp.update_user_pool(UserPoolId=user_pool_id, AutoVerifiedAttributes=["email"])
    web = WebPool(userpools_server, cognito_idp, user_pool_id)
    web.user()
    return web


def page_of(pool: WebPool, browser: Browser, path: str, client_id: str) -> Any:
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": CALLBACK}
    page = browser.get(f"{pool.base}{path}?{urllib.parse.urlencode(params)}")
    assert page.status_code == 200, page.text
    return page


def test_sign_up_with_the_delivered_code_then_sign_in(pool: WebPool) -> None:
    client_id, _ = pool.client()
    browser = Browser()
    login = page_of(pool, browser, "/login", client_id)
    assert 'href="/signup?' in login.text and 'href="/forgotPassword?' in login.text
    signup = page_of(pool, browser, "/signup", client_id)
    assert "<h1>Sign up</h1>" in signup.text
    confirm = browser.post_form(
        pool.base, read_form(signup.text), username="cy", email="cy@example.com", password=PASSWORD
    )
    assert confirm.status_code == 200, confirm.text
    assert "We have sent a code by email to c***@e***." in confirm.text
    assert read_form(confirm.text).action.startswith("/confirmUser?")
    wrong = browser.post_form(pool.base, read_form(confirm.text), code="000000")
    assert wrong.status_code == 400
    assert "Invalid verification code provided, please try again." in wrong.text
    code = pool.delivered_code("cy@example.com")
    done = browser.post_form(pool.base, read_form(wrong.text), code=code)
    assert done.status_code == 200 and "Your account is confirmed. Sign in." in done.text
    assert read_form(done.text).fields["username"] == "cy"
    user = pool.api.admin_get_user(UserPoolId=pool.pool_id, Username="cy")
    assert user["UserStatus"] == "CONFIRMED"
    signed_in = browser.post_form(pool.base, read_form(done.text), password=PASSWORD)
    assert signed_in.status_code == 302 and "code" in query_of(signed_in.headers["location"])


def test_sign_up_refusals_are_the_apis(pool: WebPool) -> None:
    client_id, _ = pool.client()
    browser = Browser()
    signup = page_of(pool, browser, "/signup", client_id)
    taken = browser.post_form(
        pool.base, read_form(signup.text), username="ann", email="a@example.com", password=PASSWORD
    )
    assert taken.status_code == 400 and "User account already exists" in taken.text
    weak = browser.post_form(
        pool.base, read_form(taken.text), username="dee", email="d@example.com", password="short"
    )
    assert (
        weak.status_code == 400
        and "Password did not conform with password policy: Password not long enough" in weak.text
    )


def test_forgot_password_with_the_delivered_code(pool: WebPool) -> None:
    client_id, _ = pool.client()
    browser = Browser()
    forgot = page_of(pool, browser, "/forgotPassword", client_id)
    reset = browser.post_form(pool.base, read_form(forgot.text), username="ann")
    assert reset.status_code == 200, reset.text
    assert "We have sent a code by email to a***@e***." in reset.text
    code = pool.delivered_code("ann@example.com")
    done = browser.post_form(pool.base, read_form(reset.text), code=code, new_password=NEW_PASSWORD)
    assert done.status_code == 200 and "Your password has been reset. Sign in." in done.text
    signed_in = browser.post_form(pool.base, read_form(done.text), password=NEW_PASSWORD)
    assert signed_in.status_code == 302 and "code" in query_of(signed_in.headers["location"])


def test_each_account_form_checks_the_csrf_token(pool: WebPool) -> None:
    client_id, _ = pool.client()
    browser = Browser()
    for path, fields in (
        ("/signup", {"username": "eve", "email": "e@example.com", "password": PASSWORD}),
        ("/forgotPassword", {"username": "ann"}),
    ):
        form = read_form(page_of(pool, browser, path, client_id).text)
        refused = browser.post_form(pool.base, form, csrf="forged", **fields)
        assert refused.status_code == 403, path
    forgot = read_form(page_of(pool, browser, "/forgotPassword", client_id).text)
    reset = read_form(browser.post_form(pool.base, forgot, username="ann").text)
    stranger = Browser().post_form(pool.base, reset, code="123456", new_password=NEW_PASSWORD)
    assert stranger.status_code == 403  # another browser: no session
    # Nothing was created or changed.
    users = pool.api.list_users(UserPoolId=pool.pool_id)["Users"]
    assert [u["Username"] for u in users] == ["ann"]
