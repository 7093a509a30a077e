"""``GET /``: a page for browsers, JSON for ``Accept: application/json``, over the socket."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import urllib.error
import urllib.request
from typing import Any

import pytest

import userpools
from userpools.http.home import describe, render_html

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def get(url: str, accept: str | None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"accept": accept} if accept else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()


@pytest.mark.parametrize("accept", [BROWSER_ACCEPT, "*/*", None])
def test_home_is_a_page_for_browsers(userpools_server: Any, accept: str | None) -> None:
    base = userpools_server.endpoint_url
    status, headers, body = get(f"{base}/", accept)
    page = body.decode()
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert f"<h1>userpools {userpools.__version__}</h1>" in page
    assert f"<code>{base}</code>" in page
    assert f'<a href="{base}/health">' in page
    assert f"<code>{base}/{{poolId}}/.well-known/jwks.json</code>" in page
    assert "docs/README.md" in page
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_home_page_style_is_the_only_thing_its_policy_allows(userpools_server: Any) -> None:
    _, headers, body = get(f"{userpools_server.endpoint_url}/", BROWSER_ACCEPT)
    (style,) = re.findall(r"<style>(.*?)</style>", body.decode(), flags=re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    policy = dict(
        part.strip().split(" ", 1) for part in headers["content-security-policy"].split(";")
    )
    assert policy["style-src"] == f"'sha256-{digest}'"
    assert policy["default-src"] == "'none'"
    assert "<script" not in body.decode()


def test_home_is_json_when_asked_and_its_links_answer(
    userpools_server: Any, user_pool_id: str
) -> None:
    base = userpools_server.endpoint_url
    status, headers, body = get(f"{base}/", "application/json")
    facts = json.loads(body)
    assert status == 200 and headers["content-type"] == "application/json"
    assert facts["name"] == "userpools" and facts["version"] == userpools.__version__
    assert facts["endpoint"] == base
    for name in ("jwks_uri", "openid_configuration", "health"):
        url = facts[name].replace("{poolId}", user_pool_id)
        assert get(url, None)[0] == 200, name
    assert facts["token_endpoint"] == f"{base}/oauth2/token"
    asked = urllib.request.Request(facts["token_endpoint"], data=b"", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(asked, timeout=10)
    assert (refused.value.code, json.loads(refused.value.read())) == (
        400,
        {"error": "invalid_request"},
    )
    created = userpools_server.client().describe_user_pool(UserPoolId=user_pool_id)
    assert created["UserPool"]["Id"] == user_pool_id  # POST / is still the API


def test_home_escapes_everything_it_shows() -> None:
    hostile = 'http://x"><script>alert(1)</script>&'
    page = render_html(describe(hostile))
    assert "<script>" not in page and 'x">' not in page
    assert "http://x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;" in page
