"""Lambda triggers through the Lambda Invoke API: the configuration, the invocation's errors,
the record, and the other ways to run a function (a webhook, in-process, the CLI's record).

A server of its own per store (``--lambda-endpoint`` pointing at ``invoke_api.py``'s real HTTP
server, ``conftest.py``) is driven with boto3. Each error kind gives its exception and message,
with nothing half-written. Each trigger family's events and effects have their own file:
``test_triggers_sign_up.py``, ``test_triggers_authentication.py``, ``test_triggers_migration.py``,
``test_triggers_custom_auth.py``, ``test_triggers_messages.py`` and the other
``test_triggers_*.py``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from invoke_api import Garbage, InvokeApi
from lambda_triggers import (
    ACCOUNT,
    PASSWORD,
    POST_CONFIRMATION,
    PRE_SIGN_UP,
    arn,
    invocations,
    make_pool,
    passthrough,
)
from support import error_of

from userpools.testing import RunningServer, start_server

# configuration ------------------------------------------------------------------------------


def test_lambda_config_is_stored_as_aws_stores_it(client: Any) -> None:
    config = {
        "PreSignUp": PRE_SIGN_UP,
        "PostConfirmation": POST_CONFIRMATION,
        "PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": arn("tokens")},
        "CustomEmailSender": {"LambdaVersion": "V1_0", "LambdaArn": arn("email")},
        "CustomSMSSender": {"LambdaVersion": "V1_0", "LambdaArn": arn("sms")},
        "KMSKeyID": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    }
    pool_id, _ = make_pool(client, LambdaConfig=config)
    described = client.describe_user_pool(UserPoolId=pool_id)["UserPool"]["LambdaConfig"]
    assert described == config


# the four errors, nothing half-written -----------------------------------------------------


def sign_up_error(client: Any, pool_id: str, client_id: str) -> tuple[str, str]:
    before = client.list_users(UserPoolId=pool_id)["Users"]
    with pytest.raises(ClientError) as excinfo:
        client.sign_up(ClientId=client_id, Username="fay", Password=PASSWORD)
    assert client.list_users(UserPoolId=pool_id)["Users"] == before
    return error_of(excinfo)


def test_a_handler_error_is_user_lambda_validation(client: Any, api: InvokeApi) -> None:
    pool_id, client_id = make_pool(client, LambdaConfig={"PreSignUp": PRE_SIGN_UP})

    def refuse(event: dict[str, Any]) -> dict[str, Any]:
        raise ValueError("Registration from this domain is not allowed.")

    api.handlers[PRE_SIGN_UP] = refuse
    assert sign_up_error(client, pool_id, client_id) == (
        "UserLambdaValidationException",
        "PreSignUp failed with error Registration from this domain is not allowed..",
    )


def test_unreadable_output_is_invalid_lambda_response(client: Any, api: InvokeApi) -> None:
    pool_id, client_id = make_pool(client, LambdaConfig={"PreSignUp": PRE_SIGN_UP})
    api.handlers[PRE_SIGN_UP] = lambda event: Garbage(b"<html>not json</html>")
    assert sign_up_error(client, pool_id, client_id) == (
        "InvalidLambdaResponseException",
        "Unrecognizable lambda output",
    )


def test_a_missing_function_is_unexpected_lambda(
    client: Any, api: InvokeApi, caplog: pytest.LogCaptureFixture
) -> None:
    pool_id, client_id = make_pool(client, LambdaConfig={"PreSignUp": PRE_SIGN_UP})
    assert sign_up_error(client, pool_id, client_id) == (
        "UnexpectedLambdaException",
        "PreSignUp invocation failed due to error ResourceNotFoundException.",
    )


def test_throttling_is_retried_up_to_three_attempts(client: Any, api: InvokeApi) -> None:
    pool_id, client_id = make_pool(client, LambdaConfig={"PreSignUp": PRE_SIGN_UP})
    api.handlers[PRE_SIGN_UP] = passthrough
    api.throttle[PRE_SIGN_UP] = 2
    client.sign_up(ClientId=client_id, Username="gus", Password=PASSWORD)
    assert len(api.events(PRE_SIGN_UP)) == 3
    api.throttle[PRE_SIGN_UP] = 3
    assert sign_up_error(client, pool_id, client_id)[0] == "UnexpectedLambdaException"
    assert len(api.events(PRE_SIGN_UP)) == 6


def test_a_timeout_is_unexpected_lambda(client: Any, api: InvokeApi) -> None:
    pool_id, client_id = make_pool(client, LambdaConfig={"PreSignUp": PRE_SIGN_UP})
    api.handlers[PRE_SIGN_UP] = passthrough
    api.delay[PRE_SIGN_UP] = 5.5
    assert sign_up_error(client, pool_id, client_id) == (
        "UnexpectedLambdaException",
        "PreSignUp invocation failed due to error TimeoutException.",
    )


def test_a_server_without_an_endpoint_refuses_at_invocation(
    fresh_database: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    for own in start_server(**fresh_database):
        client = own.client()
        pool_id, client_id = make_pool(client, LambdaConfig={"PreSignUp": PRE_SIGN_UP})
        with caplog.at_level("ERROR", logger="userpools.triggers"):
            code, message = sign_up_error(client, pool_id, client_id)
        assert code == "UnexpectedLambdaException"
        assert message == "PreSignUp invocation failed due to error ResourceNotFoundException."
        (line,) = [r.getMessage() for r in caplog.records if r.name == "userpools.triggers"]
        assert "PreSignUp" in line and PRE_SIGN_UP in line and pool_id in line


# the record ---------------------------------------------------------------------------------


def test_every_invocation_is_recorded(server: RunningServer, client: Any, api: InvokeApi) -> None:
    pool_id, client_id = make_pool(client, LambdaConfig={"PreSignUp": PRE_SIGN_UP})
    api.handlers[PRE_SIGN_UP] = passthrough
    client.sign_up(ClientId=client_id, Username="hal", Password=PASSWORD)
    api.handlers[PRE_SIGN_UP] = lambda event: Garbage(b"?")
    with pytest.raises(ClientError):
        client.sign_up(ClientId=client_id, Username="ida", Password=PASSWORD)
    found = invocations(server, pool_id)
    assert [(i["username"], i["outcome"]) for i in found] == [
        ("ida", "InvalidLambdaResponseException"),
        ("hal", "ok"),
    ]
    assert found[1]["trigger"] == "PreSignUp"
    assert found[1]["source"] == "PreSignUp_SignUp"
    assert found[1]["arn"] == PRE_SIGN_UP
    assert found[1]["event"]["userPoolId"] == pool_id
    assert isinstance(found[1]["duration_ms"], float)  # recorded; speed is benchmarks' job
    assert found[0]["error"] == "Unrecognizable lambda output"


# webhooks and in-process functions ------------------------------------------------------------

WEBHOOK_SECRET = "webhook-test-secret"


def test_a_webhook_gets_the_event_signed_with_hmac(
    tmp_path: Any, fresh_database: dict[str, Any]
) -> None:
    import hashlib
    import hmac
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: list[tuple[dict[str, str], bytes]] = []

    class Hook(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen.append(({k.lower(): v for k, v in self.headers.items()}, body))
            event = json.loads(body)
            if event["userName"] == "refused":
                status, answer = 400, {"errorMessage": "Not on the list."}
            else:
                event["response"]["autoConfirmUser"] = True
                status, answer = 200, event
            raw = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    config = tmp_path / "lambdas.toml"
    config.write_text(
        f'[functions."{PRE_SIGN_UP}"]\n'
        f'webhook = "http://127.0.0.1:{httpd.server_address[1]}/hook"\n'
        f'secret = "{WEBHOOK_SECRET}"\n'
    )
    try:
        for own in start_server(**fresh_database, lambda_config=str(config)):
            client = own.client()
            _, client_id = make_pool(client, LambdaConfig={"PreSignUp": PRE_SIGN_UP})
            answer = client.sign_up(ClientId=client_id, Username="jo", Password=PASSWORD)
            assert answer["UserConfirmed"] is True
            with pytest.raises(ClientError) as excinfo:
                client.sign_up(ClientId=client_id, Username="refused", Password=PASSWORD)
            assert error_of(excinfo) == (
                "UserLambdaValidationException",
                "PreSignUp failed with error Not on the list..",
            )
    finally:
        httpd.shutdown()
        httpd.server_close()
    headers, body = seen[0]
    assert headers["x-userpools-function"] == PRE_SIGN_UP
    fields = dict(part.split("=", 1) for part in headers["x-userpools-signature"].split(","))
    mac = hmac.new(WEBHOOK_SECRET.encode(), fields["t"].encode() + b"." + body, hashlib.sha256)
    assert hmac.compare_digest(mac.hexdigest(), fields["v1"])
    assert json.loads(body)["triggerSource"] == "PreSignUp_SignUp"


def test_the_pytest_plugin_runs_a_function_in_process(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    name = arn("in-process")
    _, client_id = make_pool(client, LambdaConfig={"PreSignUp": name})
    events: list[dict[str, Any]] = []

    def handler(event: dict[str, Any]) -> dict[str, Any]:
        events.append(event)
        if event["userName"] == "no":
            raise ValueError("Refused in process.")
        event["response"]["autoConfirmUser"] = True
        return event

    server.register_function(name, handler)
    try:
        assert client.sign_up(ClientId=client_id, Username="yes", Password=PASSWORD)[
            "UserConfirmed"
        ]
        with pytest.raises(ClientError) as excinfo:
            client.sign_up(ClientId=client_id, Username="no", Password=PASSWORD)
        assert error_of(excinfo)[1] == "PreSignUp failed with error Refused in process.."
    finally:
        server.register_function(name, None)
    assert [e["userName"] for e in events] == ["yes", "no"]
    assert api.calls == []


def test_the_triggers_command_prints_the_record(fresh_database: dict[str, Any]) -> None:
    from click.testing import CliRunner

    from userpools.cli import main

    url = fresh_database["database_url"]
    args = ["--database-url", url] if url else ["--db", str(fresh_database["db_path"])]
    for own in start_server(**fresh_database):
        client = own.client()
        pool_id, client_id = make_pool(client, LambdaConfig={"PreSignUp": PRE_SIGN_UP})
        with pytest.raises(ClientError):
            client.sign_up(ClientId=client_id, Username="quinn", Password=PASSWORD)
    result = CliRunner().invoke(main, ["triggers", *args, "--pool", pool_id])
    assert result.exit_code == 0, result.output
    (line,) = result.output.splitlines()
    printed = json.loads(line)
    assert printed["username"] == "quinn"
    assert printed["outcome"] == "UnexpectedLambdaException"
    assert printed["event"]["triggerSource"] == "PreSignUp_SignUp"
