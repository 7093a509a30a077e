"""A local certificate authority and a server certificate for ``localhost`` (``userpools
dev-cert``), for ``serve --tls-cert/--tls-key`` on a developer's machine.

Why a CA and not one self-signed certificate: a client trusts the CA once (``NODE_EXTRA_CA_CERTS``,
``AWS_CA_BUNDLE``, the system store) and every certificate it signs later, so a new server
certificate never needs trusting again. The CA is therefore kept and reused: its key is made
once and never leaves the directory.

The certificates follow what strict verifiers ask of them (Python's ``VERIFY_X509_STRICT``,
browsers, Node): X.509 v3, a subject alternative name for every address (the common name is
not read), basic constraints, key usage and extended key usage, and the key identifiers that
link a certificate to its issuer. The server certificate lives 397 days at most: Apple's
platforms refuse server certificates valid for longer than 398 days.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_CERT = "ca.pem"
CA_KEY = "ca-key.pem"
SERVER_CERT = "localhost.pem"
SERVER_KEY = "localhost-key.pem"
#: The names the server certificate covers.
DNS_NAMES = ("localhost",)
IP_ADDRESSES = ("127.0.0.1", "::1")
CA_DAYS = 10 * 365
SERVER_DAYS = 397
#: Backdating, so that a clock a little behind still accepts a fresh certificate.
BACKDATE = datetime.timedelta(minutes=5)


@dataclass(frozen=True)
class DevCertificates:
    """Where ``dev-cert`` put its files, and whether the CA is new."""

    ca_cert: Path
    ca_key: Path
    server_cert: Path
    server_key: Path
    ca_created: bool
    not_after: datetime.datetime


def _write(path: Path, data: bytes, private: bool) -> None:
    """Write ``data``; a private key is created readable by its owner only (0600)."""
    mode = 0o600 if private else 0o644
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "userpools development"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _new_ca(now: datetime.datetime) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(f"userpools development CA ({os.uname().nodename[:40]})")
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + datetime.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _load_ca(directory: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None:
    """The kept CA, or ``None`` when there is none yet (or it has expired)."""
    cert_path, key_path = directory / CA_CERT, directory / CA_KEY
    if not cert_path.exists() or not key_path.exists():
        return None
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{key_path} is not the EC key dev-cert makes")
    if cert.not_valid_after_utc <= datetime.datetime.now(datetime.UTC) + datetime.timedelta(
        days=SERVER_DAYS
    ):
        return None  # it would expire before the certificate it signs
    return cert, key


def _server_certificate(
    ca: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey, now: datetime.datetime
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key()
    names: list[x509.GeneralName] = [x509.DNSName(name) for name in DNS_NAMES]
    names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in IP_ADDRESSES]
    ca_ski = ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + datetime.timedelta(days=SERVER_DAYS))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return cert, key


def make_dev_certificates(directory: Path, now: datetime.datetime | None = None) -> DevCertificates:
    """Keep (or make) the CA in ``directory`` and sign a fresh server certificate with it."""
    now = now or datetime.datetime.now(datetime.UTC)
    directory.mkdir(parents=True, exist_ok=True)
    loaded = _load_ca(directory)
    if loaded is None:
        ca, ca_key = _new_ca(now)
        _write(directory / CA_KEY, _pem_key(ca_key), private=True)
        _write(directory / CA_CERT, ca.public_bytes(serialization.Encoding.PEM), private=False)
    else:
        ca, ca_key = loaded
    cert, key = _server_certificate(ca, ca_key, now)
    _write(directory / SERVER_KEY, _pem_key(key), private=True)
    _write(directory / SERVER_CERT, cert.public_bytes(serialization.Encoding.PEM), private=False)
    return DevCertificates(
        ca_cert=directory / CA_CERT,
        ca_key=directory / CA_KEY,
        server_cert=directory / SERVER_CERT,
        server_key=directory / SERVER_KEY,
        ca_created=loaded is None,
        not_after=cert.not_valid_after_utc,
    )
