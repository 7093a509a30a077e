"""Region extraction from the SigV4 credential scope."""

from __future__ import annotations

import pytest

from userpools.protocol.sigv4 import region_from_authorization

SIGNED = (
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/{region}/cognito-idp/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=abcdef0123"
)


@pytest.mark.parametrize("region", ["eu-west-1", "us-east-1", "local", "ap-southeast-5"])
def test_region_from_authorization_reads_scope(region: str) -> None:
    assert region_from_authorization(SIGNED.format(region=region)) == region


def test_region_from_authorization_accepts_compact_separators() -> None:
    header = "AWS4-HMAC-SHA256 Credential=AK/20240101/eu-central-2/cognito-idp/aws4_request,"
    header += "SignedHeaders=host,Signature=00"
    assert region_from_authorization(header) == "eu-central-2"


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer abc",
        "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00",
        "AWS4-HMAC-SHA256 Credential=AK/20240101/eu-west-1/cognito-idp, Signature=00",
        SIGNED.format(region="EU-WEST-1"),
        SIGNED.format(region="eu_west_1"),
        SIGNED.format(region="a" * 33),
        SIGNED.format(region=""),
        SIGNED.format(region="x" * 10_000),
        "AWS4-ECDSA-P256-SHA256 Credential=AK/20240101/cognito-idp/aws4_request, Signature=00",
    ],
)
def test_region_from_authorization_rejects_malformed(header: str | None) -> None:
    assert region_from_authorization(header) is None
