"""``GET /``: what this server is, for someone who opens its URL in a browser.

The API is ``POST /``; a bare 405 for ``GET`` tells a newcomer nothing. The answer is a small
HTML page (or JSON for ``Accept: application/json``): the name and version, the endpoint for
SDKs, and where the keys, discovery, health and docs are. Every value is escaped (the public
URL comes from ``--public-url``), and the page allows itself nothing but its own style.
"""

from __future__ import annotations

import base64
import hashlib
import html

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from userpools import __version__
from userpools.settings import Settings

#: Where the documentation is: Markdown in the source, no site of its own.
DOCS = "docs/README.md in the userpools source; userpools serve --help lists every option"

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.5}code{background:#f2f2f2;padding:0 .2em}dt{font-weight:600;margin-top:1em}"
)
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
_HEADERS = {
    "content-security-policy": (
        f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "vary": "accept",
}


def describe(base_url: str) -> dict[str, str]:
    """The facts the page shows, as the JSON answer has them."""
    pool = f"{base_url}/{{poolId}}"
    return {
        "name": "userpools",
        "version": __version__,
        "description": "A self-hosted server for the Amazon Cognito User Pools API (cognito-idp)",
        "endpoint": base_url,
        "jwks_uri": f"{pool}/.well-known/jwks.json",
        "openid_configuration": f"{pool}/.well-known/openid-configuration",
        "token_endpoint": f"{base_url}/oauth2/token",
        "health": f"{base_url}/health",
        "docs": DOCS,
    }


def render_html(facts: dict[str, str]) -> str:
    e = {name: html.escape(value, quote=True) for name, value in facts.items()}
    endpoint = e["endpoint"]
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e["name"]} {e["version"]}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{e["name"]} {e["version"]}</h1>
<p>{e["description"]}. Its API is <code>POST /</code> (AWS JSON 1.1): point an AWS SDK
or the AWS CLI at it; there is nothing to click here.</p>
<dl>
<dt>Endpoint for SDKs</dt>
<dd><code>{endpoint}</code>, e.g. <code>boto3.client("cognito-idp",
endpoint_url="{endpoint}", region_name="us-east-1")</code> or
<code>aws --endpoint-url {endpoint} cognito-idp list-user-pools --max-results 10</code></dd>
<dt>A pool's JWKS</dt>
<dd><code>{e["jwks_uri"]}</code></dd>
<dt>A pool's OIDC discovery</dt>
<dd><code>{e["openid_configuration"]}</code></dd>
<dt>OAuth 2.0 token endpoint (client credentials, refresh)</dt>
<dd><code>{e["token_endpoint"]}</code></dd>
<dt>Health</dt>
<dd><a href="{e["health"]}">{e["health"]}</a></dd>
<dt>Docs</dt>
<dd>{e["docs"]}</dd>
</dl>
</body>
</html>
"""


def wants_json(accept: str) -> bool:
    """``Accept`` names JSON and not HTML (a browser names HTML; ``*/*`` gets the page)."""
    types = {part.split(";", 1)[0].strip().lower() for part in accept.split(",")}
    return "application/json" in types and "text/html" not in types


def home_route(settings: Settings) -> Route:
    async def home(request: Request) -> Response:
        facts = describe(settings.base_url)
        if wants_json(request.headers.get("accept", "")):
            return JSONResponse(facts, headers=_HEADERS)
        return HTMLResponse(render_html(facts), headers=_HEADERS)

    return Route("/", home, methods=["GET"])
