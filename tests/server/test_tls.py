"""`serve --tls-cert/--tls-key` and `userpools dev-cert`: a real server over TLS, reached by
boto3 and by Python's own ``ssl`` client trusting only the development CA."""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import re
import shutil
import socket
import ssl
import stat
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID

from userpools.cli import main
from userpools.crypto.devcert import SERVER_DAYS

USERPOOLS = Path(sys.executable).with_name("userpools")


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("tls")
    result = CliRunner().invoke(main, ["dev-cert", "--dir", str(directory)])
    assert result.exit_code == 0, result.output
    return directory


class TlsServer:
    def __init__(self, db: Path, certs: Path, *options: str) -> None:
        self.process = subprocess.Popen(
            [
                *(str(USERPOOLS), "serve", "--port", "0", "--db", str(db)),
                *("--password-hashing", "fast"),
                *("--tls-cert", str(certs / "localhost.pem")),
                *("--tls-key", str(certs / "localhost-key.pem")),
                *options,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert self.process.stdout is not None
        self.banner = []
        for line in self.process.stdout:
            self.banner.append(line)
            if line.startswith("try:"):
                break
        match = re.search(r"serving cognito-idp at (https://127\.0\.0\.1:(\d+))\n", self.banner[0])
        assert match, self.banner
        self.endpoint_url = match.group(1)
        self.port = int(match.group(2))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)
        assert self.process.stdout is not None
        self.process.stdout.close()


@pytest.fixture
def tls_server(tmp_path: Path, certs: Path) -> Iterator[Any]:
    started: list[TlsServer] = []

    def start(*options: str) -> TlsServer:
        server = TlsServer(tmp_path / f"tls{len(started)}.db", certs, *options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def _client(endpoint_url: str, verify: str | bool) -> Any:
    return boto3.client(
        "cognito-idp",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        verify=verify,
    )


def test_dev_cert_names_localhost_and_loopback_and_is_signed_by_its_ca(certs: Path) -> None:
    ca = x509.load_pem_x509_certificate((certs / "ca.pem").read_bytes())
    leaf = x509.load_pem_x509_certificate((certs / "localhost.pem").read_bytes())
    san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["localhost"]
    assert san.get_values_for_type(x509.IPAddress) == [
        ipaddress.ip_address("127.0.0.1"),
        ipaddress.ip_address("::1"),
    ]
    leaf.verify_directly_issued_by(ca)  # raises if the CA did not sign it
    assert leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    usage = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usage) == [ExtendedKeyUsageOID.SERVER_AUTH]
    now = datetime.datetime.now(datetime.UTC)
    assert leaf.not_valid_before_utc <= now < leaf.not_valid_after_utc
    lifetime = leaf.not_valid_after_utc - leaf.not_valid_before_utc
    assert lifetime <= datetime.timedelta(days=398)  # Apple's cap for server certificates
    assert leaf.not_valid_after_utc - now > datetime.timedelta(days=SERVER_DAYS - 1)
    assert ca.not_valid_after_utc > leaf.not_valid_after_utc
    for key in ("ca-key.pem", "localhost-key.pem"):
        assert stat.S_IMODE((certs / key).stat().st_mode) == 0o600


def test_dev_cert_keeps_its_ca_and_signs_a_new_certificate(tmp_path: Path) -> None:
    first = CliRunner().invoke(main, ["dev-cert", "--dir", str(tmp_path)])
    assert first.exit_code == 0 and f"CA (new): {tmp_path / 'ca.pem'}" in first.output
    ca_before = (tmp_path / "ca.pem").read_bytes()
    ca_key_before = (tmp_path / "ca-key.pem").read_bytes()
    leaf_before = (tmp_path / "localhost.pem").read_bytes()
    second = CliRunner().invoke(main, ["dev-cert", "--dir", str(tmp_path)])
    assert second.exit_code == 0 and f"CA (kept): {tmp_path / 'ca.pem'}" in second.output
    assert (tmp_path / "ca.pem").read_bytes() == ca_before
    assert (tmp_path / "ca-key.pem").read_bytes() == ca_key_before
    assert (tmp_path / "localhost.pem").read_bytes() != leaf_before
    ca = x509.load_pem_x509_certificate(ca_before)
    new_leaf = x509.load_pem_x509_certificate((tmp_path / "localhost.pem").read_bytes())
    new_leaf.verify_directly_issued_by(ca)
    assert isinstance(new_leaf.public_key(), ec.EllipticCurvePublicKey)


def test_dev_cert_says_how_to_trust_the_ca(tmp_path: Path) -> None:
    output = CliRunner().invoke(main, ["dev-cert", "--dir", str(tmp_path)]).output
    ca = tmp_path / "ca.pem"
    for line in (
        f"export NODE_EXTRA_CA_CERTS={ca}",
        f"export AWS_CA_BUNDLE={ca}",
        f"export REQUESTS_CA_BUNDLE={ca}",
        "update-ca-certificates",
        f"userpools serve --tls-cert {tmp_path / 'localhost.pem'} "
        f"--tls-key {tmp_path / 'localhost-key.pem'}",
    ):
        assert line in output


def test_boto3_reaches_the_tls_server_trusting_the_dev_ca(tls_server: Any, certs: Path) -> None:
    server = tls_server()
    assert any(line.startswith("tls: certificate") for line in server.banner)
    (issuers,) = [line for line in server.banner if line.startswith("token issuers:")]
    assert issuers.strip() == f"token issuers: {server.endpoint_url}/<poolId>"
    for endpoint in (server.endpoint_url, f"https://localhost:{server.port}"):
        client = _client(endpoint, str(certs / "ca.pem"))
        pool = client.create_user_pool(PoolName="over-tls")["UserPool"]
        assert client.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]["Name"] == "over-tls"
    # The discovery document names the https issuer the tokens carry.
    context = ssl.create_default_context(cafile=str(certs / "ca.pem"))
    url = f"{server.endpoint_url}/{pool['Id']}/.well-known/openid-configuration"
    with urllib.request.urlopen(url, context=context, timeout=10) as response:
        assert json.loads(response.read())["issuer"] == f"{server.endpoint_url}/{pool['Id']}"


def test_a_client_without_the_ca_refuses_the_certificate(tls_server: Any) -> None:
    server = tls_server()
    with pytest.raises(Exception, match="CERTIFICATE_VERIFY_FAILED"):
        _client(server.endpoint_url, True).list_user_pools(MaxResults=1)
    # Plain HTTP on the TLS port is not served.
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as plain:
        plain.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert b'{"status":"ok"}' not in plain.recv(4096)


def test_plain_ssl_client_checks_the_hostname_and_speaks_http(tls_server: Any, certs: Path) -> None:
    server = tls_server()
    context = ssl.create_default_context(cafile=str(certs / "ca.pem"))
    for name in ("localhost", "127.0.0.1"):
        with (
            socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw,
            context.wrap_socket(raw, server_hostname=name) as tls,
        ):
            assert tls.version() in ("TLSv1.2", "TLSv1.3")
            tls.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            reply = b""
            while chunk := tls.recv(4096):
                reply += chunk
        assert reply.startswith(b"HTTP/1.1 200") and reply.endswith(b'{"status":"ok"}')
    with (
        socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw,
        pytest.raises(ssl.SSLCertVerificationError, match="Hostname mismatch"),
    ):
        context.wrap_socket(raw, server_hostname="example.com")


def test_workers_serve_tls_too(tls_server: Any, certs: Path) -> None:
    server = tls_server("--workers", "2")
    for _ in range(6):  # spread over connections, so both workers answer
        client = _client(server.endpoint_url, str(certs / "ca.pem"))
        assert client.list_user_pools(MaxResults=1)["UserPools"] == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--tls-cert", "localhost.pem"], "--tls-cert and --tls-key go together"),
        (["--tls-key", "localhost-key.pem"], "--tls-cert and --tls-key go together"),
        (["--tls-cert", "localhost.pem", "--tls-key", "ca-key.pem"], "cannot use --tls-cert"),
        (["--tls-cert", "localhost-key.pem", "--tls-key", "localhost-key.pem"], "cannot use"),
    ],
)
def test_serve_refuses_an_incomplete_or_mismatched_pair(
    certs: Path, tmp_path: Path, options: list[str], message: str
) -> None:
    args = [opt if opt.startswith("--") else str(certs / opt) for opt in options]
    done = subprocess.run(
        [str(USERPOOLS), "serve", "--port", "0", "--db", str(tmp_path / "x.db"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert message in done.stderr
    assert "PRIVATE KEY" not in done.stderr


def test_serve_help_names_the_tls_options() -> None:
    text = CliRunner().invoke(main, ["serve", "--help"]).output
    assert "--tls-cert" in text and "--tls-key" in text and "dev-cert" in text
    top = CliRunner().invoke(main, ["--help"]).output
    assert "dev-cert" in top


NODE_GET = """
require("https").get(process.argv[1], (r) => {
  let body = "";
  r.on("data", (d) => (body += d));
  r.on("end", () => console.log(r.statusCode, body));
}).on("error", (e) => { console.log(e.code); process.exit(3); });
"""


def test_node_trusts_the_server_through_node_extra_ca_certs(tls_server: Any, certs: Path) -> None:
    """What `dev-cert` tells Node users to do works, and is needed."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js (20+) is not on PATH")
    server = tls_server()
    url = f"https://localhost:{server.port}/health"
    env = {k: v for k, v in os.environ.items() if k != "NODE_EXTRA_CA_CERTS"}

    def get(extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [node, "-e", NODE_GET, url],
            capture_output=True,
            text=True,
            timeout=60,
            env={**env, **extra},
            check=False,
        )

    trusted = get({"NODE_EXTRA_CA_CERTS": str(certs / "ca.pem")})
    assert (trusted.returncode, trusted.stdout) == (0, '200 {"status":"ok"}\n'), trusted.stderr
    untrusted = get({})
    assert untrusted.returncode == 3
    assert untrusted.stdout.strip() in (
        "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
        "SELF_SIGNED_CERT_IN_CHAIN",
    )
