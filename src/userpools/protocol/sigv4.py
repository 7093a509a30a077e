"""AWS Signature Version 4 on incoming requests: parsing the ``Authorization`` header, and
checking a signature with botocore's own signer.

The canonical request, string to sign and signing key are botocore's (``SigV4Auth``); the one
thing changed is which headers go into the canonical request: exactly the ones the client
listed in ``SignedHeaders``, not the ones botocore would pick for an outgoing request. The
payload hash is always the SHA-256 of the body received; an ``X-Amz-Content-SHA256`` header
that says otherwise fails the check. Signatures are compared in constant time.

Nothing here logs or returns a secret key, a signature or a string to sign.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials

from userpools.domain.errors import (
    IncompleteSignature,
    InvalidSignature,
    UnrecognizedClient,
)

SERVICE = "cognito-idp"
#: How far ``X-Amz-Date`` may be from the server's clock, as on AWS.
MAX_SKEW = timedelta(minutes=5)
#: ``x-amz-target`` names the operation: unsigned, one signed request could be replayed as
#: another operation with the same body (every AWS SDK signs it).
REQUIRED_SIGNED_HEADERS = ("host", "x-amz-date", "x-amz-target")
#: The server's own ``GET /_userpools/…`` routes name what they do in the path and query,
#: which the signature always covers.
ROUTE_SIGNED_HEADERS = ("host", "x-amz-date")

_ALGORITHM = "AWS4-HMAC-SHA256"
_REGION = re.compile(r"[a-z0-9-]{1,32}")
_AMZ_DATE = re.compile(r"\d{8}T\d{6}Z")
_HEADER_NAME = re.compile(r"[a-z0-9!#$%&'*+.^_`|~-]+")
_SIGNATURE = re.compile(r"[0-9a-f]{64}")
# Longer headers are not well-formed SigV4 and are not parsed.
_MAX_HEADER = 8192

SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)
UNKNOWN_KEY = "The security token included in the request is invalid."


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """What a signature covers. Header names are lower case."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class Authorization:
    """A parsed ``Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…``."""

    access_key_id: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str


def parse_authorization(header: str) -> Authorization:
    """The parts of a SigV4 header; ``IncompleteSignature`` if it is not one."""
    if len(header) > _MAX_HEADER or not header.startswith(_ALGORITHM + " "):
        raise IncompleteSignature(_incomplete("Authorization header must use AWS4-HMAC-SHA256"))
    fields: dict[str, str] = {}
    for part in header[len(_ALGORITHM) + 1 :].split(","):
        name, _, value = part.strip().partition("=")
        fields[name] = value
    missing = [n for n in ("Credential", "SignedHeaders", "Signature") if not fields.get(n)]
    if missing:
        raise IncompleteSignature(_incomplete(f"Authorization header requires {missing[0]}"))
    scope = fields["Credential"].split("/")
    if len(scope) != 5 or scope[4] != "aws4_request" or not scope[0]:
        raise IncompleteSignature(
            _incomplete("Credential must have the form KEY/DATE/REGION/SERVICE/aws4_request")
        )
    key, date, region, service, _ = scope
    signed = tuple(fields["SignedHeaders"].split(";"))
    if not all(_HEADER_NAME.fullmatch(h) for h in signed) or list(signed) != sorted(set(signed)):
        raise IncompleteSignature(_incomplete("SignedHeaders must be sorted lower-case names"))
    if not _SIGNATURE.fullmatch(fields["Signature"]):
        raise IncompleteSignature(_incomplete("Signature must be 64 hexadecimal digits"))
    return Authorization(key, date, region, service, signed, fields["Signature"])


def region_from_authorization(header: str | None) -> str | None:
    """The region in ``Credential=<key>/<date>/<region>/<service>/aws4_request``, if any.

    Only the credential scope is read; the signature is neither parsed nor checked (this is
    how development mode and public operations learn the region).
    """
    if header is None or len(header) > _MAX_HEADER or not header.startswith(_ALGORITHM + " "):
        return None
    for part in header[len(_ALGORITHM) + 1 :].split(","):
        name, _, value = part.strip().partition("=")
        if name != "Credential":
            continue
        scope = value.split("/")
        if len(scope) != 5 or scope[4] != "aws4_request":
            return None
        return scope[2] if _REGION.fullmatch(scope[2]) else None
    return None


def verify(
    request: HttpRequest,
    secret_for: Callable[[str], str | None],
    now: datetime,
    required: tuple[str, ...] = REQUIRED_SIGNED_HEADERS,
) -> Authorization:
    """The request's verified authorization; an error naming what is wrong otherwise.

    ``secret_for`` gives the secret access key of a key id, or ``None`` if it is unknown;
    ``required`` are the headers the signature must cover.
    """
    header = request.headers.get("authorization")
    if header is None:
        raise IncompleteSignature(_incomplete("Authorization header is missing"))
    auth = parse_authorization(header)
    for name in required:
        if name not in auth.signed_headers:
            raise IncompleteSignature(_incomplete(f"SignedHeaders must include {name}"))
        if name not in request.headers:
            raise IncompleteSignature(_incomplete(f"the {name} header is missing"))
    amz_date = request.headers["x-amz-date"]
    if not _AMZ_DATE.fullmatch(amz_date):
        raise IncompleteSignature(_incomplete("X-Amz-Date must be YYYYMMDDTHHMMSSZ"))
    if auth.service != SERVICE or not _REGION.fullmatch(auth.region):
        raise InvalidSignature(
            f"Credential should be scoped to a valid region and to the service '{SERVICE}'."
        )
    if auth.date != amz_date[:8]:
        raise InvalidSignature("Credential should be scoped to the date of X-Amz-Date.")
    try:
        when = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise IncompleteSignature(_incomplete("X-Amz-Date is not a valid time")) from None
    if when < now - MAX_SKEW:
        raise InvalidSignature(
            f"Signature expired: {amz_date} is now earlier than "
            f"{_stamp(now - MAX_SKEW)} ({_stamp(now)} - 5 min.)"
        )
    if when > now + MAX_SKEW:
        raise InvalidSignature(
            f"Signature not yet current: {amz_date} is still later than "
            f"{_stamp(now + MAX_SKEW)} ({_stamp(now)} + 5 min.)"
        )
    secret = secret_for(auth.access_key_id)
    if secret is None:
        raise UnrecognizedClient(UNKNOWN_KEY)
    payload_hash = hashlib.sha256(request.body).hexdigest()
    claimed = request.headers.get("x-amz-content-sha256")
    if claimed is not None and not hmac.compare_digest(claimed, payload_hash):
        raise InvalidSignature(SIGNATURE_MISMATCH)
    expected = _signature(request, auth, secret, amz_date, payload_hash)
    if not hmac.compare_digest(expected, auth.signature):
        raise InvalidSignature(SIGNATURE_MISMATCH)
    return auth


class _AsSigned(SigV4Auth):  # type: ignore[misc]  # botocore is untyped
    """botocore's signer, over exactly the headers the client signed."""

    def __init__(self, credentials: Credentials, region: str, signed: tuple[str, ...]) -> None:
        super().__init__(credentials, SERVICE, region)
        self._signed = signed

    def headers_to_sign(self, request: AWSRequest) -> HTTPHeaders:
        chosen = HTTPHeaders()
        for name in self._signed:
            value = request.headers.get(name)
            if value is not None:
                chosen[name] = value
        return chosen


def _signature(
    request: HttpRequest, auth: Authorization, secret: str, amz_date: str, payload_hash: str
) -> str:
    headers = {name: request.headers.get(name, "") for name in auth.signed_headers}
    # botocore takes the payload hash from this header when there is one (checked above).
    headers.setdefault("x-amz-content-sha256", payload_hash)
    url = f"http://{request.headers['host']}{request.path}"
    if request.query:
        url += f"?{request.query}"
    aws = AWSRequest(method=request.method, url=url, data=request.body, headers=headers)
    aws.context["timestamp"] = amz_date
    signer = _AsSigned(Credentials(auth.access_key_id, secret), auth.region, auth.signed_headers)
    canonical = signer.canonical_request(aws)
    return str(signer.signature(signer.string_to_sign(aws, canonical), aws))


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def _incomplete(reason: str) -> str:
    return f"Authorization header is not a valid AWS Signature Version 4: {reason}."
