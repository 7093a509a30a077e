"""User pool domains end to end, through boto3 against the real server (both stores)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import error_of

from userpools.domain.domains import RESERVED_WORDS, check_domain_name
from userpools.domain.errors import InvalidParameter

CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/11-3336f1-44483d"
INVALID_PREFIX = (
    "The domain name contains an invalid character. Domain names can only contain lower-case"
    " letters, numbers, and hyphens. Please enter a different name that follows this format:"
    " ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$"
)


@pytest.fixture
def other_pool(cognito_idp: Any) -> Iterator[str]:
    pool_id: str = cognito_idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    yield pool_id
    described = cognito_idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    for member in ("Domain", "CustomDomain"):
        if member in described:
            cognito_idp.delete_user_pool_domain(UserPoolId=pool_id, Domain=described[member])
    cognito_idp.delete_user_pool(UserPoolId=pool_id)


def create_refused(cognito_idp: Any, pool_id: str, domain: str, **more: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.create_user_pool_domain(UserPoolId=pool_id, Domain=domain, **more)
    return error_of(excinfo)


def test_prefix_domain_life(cognito_idp: Any, user_pool_id: str) -> None:
    created = cognito_idp.create_user_pool_domain(UserPoolId=user_pool_id, Domain="my-app-1")
    assert created["ManagedLoginVersion"] == 1
    assert "CloudFrontDomain" not in created
    described = cognito_idp.describe_user_pool_domain(Domain="my-app-1")["DomainDescription"]
    assert described["UserPoolId"] == user_pool_id
    assert described["Domain"] == "my-app-1"
    assert (described["Status"], described["ManagedLoginVersion"]) == ("ACTIVE", 1)
    assert described["AWSAccountId"] == "000000000000"
    assert len(described["Version"]) == 14 and described["Version"].isdigit()
    assert "CustomDomainConfig" not in described and "CloudFrontDistribution" not in described
    pool = cognito_idp.describe_user_pool(UserPoolId=user_pool_id)["UserPool"]
    assert pool["Domain"] == "my-app-1" and "CustomDomain" not in pool

    updated = cognito_idp.update_user_pool_domain(
        UserPoolId=user_pool_id, Domain="my-app-1", ManagedLoginVersion=2
    )
    assert updated["ManagedLoginVersion"] == 2
    again = cognito_idp.describe_user_pool_domain(Domain="my-app-1")["DomainDescription"]
    assert again["ManagedLoginVersion"] == 2

    # A pool with a domain cannot be deleted (AWS's rule) until the domain is.
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.delete_user_pool(UserPoolId=user_pool_id)
    assert error_of(excinfo) == (
        "InvalidParameterException",
        "User pool cannot be deleted. It has a domain configured that should be deleted first.",
    )
    cognito_idp.delete_user_pool_domain(UserPoolId=user_pool_id, Domain="my-app-1")
    assert cognito_idp.describe_user_pool_domain(Domain="my-app-1")["DomainDescription"] == {}
    assert "Domain" not in cognito_idp.describe_user_pool(UserPoolId=user_pool_id)["UserPool"]


def test_custom_domain_beside_the_prefix(cognito_idp: Any, user_pool_id: str) -> None:
    cognito_idp.create_user_pool_domain(UserPoolId=user_pool_id, Domain="my-app-2")
    created = cognito_idp.create_user_pool_domain(
        UserPoolId=user_pool_id,
        Domain="auth.example.com",
        CustomDomainConfig={"CertificateArn": CERTIFICATE},
        ManagedLoginVersion=2,
    )
    assert created["ManagedLoginVersion"] == 2
    assert created["CloudFrontDomain"].endswith(".cloudfront.net")
    described = cognito_idp.describe_user_pool_domain(Domain="auth.example.com")
    description = described["DomainDescription"]
    assert description["CustomDomainConfig"] == {"CertificateArn": CERTIFICATE}
    assert description["CloudFrontDistribution"] == created["CloudFrontDomain"]
    pool = cognito_idp.describe_user_pool(UserPoolId=user_pool_id)["UserPool"]
    assert (pool["Domain"], pool["CustomDomain"]) == ("my-app-2", "auth.example.com")

    renewed = CERTIFICATE.replace("11-3336f1", "22-4447f2")
    cognito_idp.update_user_pool_domain(
        UserPoolId=user_pool_id,
        Domain="auth.example.com",
        CustomDomainConfig={"CertificateArn": renewed},
    )
    after = cognito_idp.describe_user_pool_domain(Domain="auth.example.com")["DomainDescription"]
    assert after["CustomDomainConfig"] == {"CertificateArn": renewed}
    assert after["ManagedLoginVersion"] == 2  # left out of the update: kept

    with pytest.raises(ClientError) as excinfo:
        cognito_idp.update_user_pool_domain(
            UserPoolId=user_pool_id,
            Domain="my-app-2",
            CustomDomainConfig={"CertificateArn": renewed},
        )
    assert error_of(excinfo) == (
        "InvalidParameterException",
        "Domain my-app-2 is not a custom domain: it takes no CustomDomainConfig.",
    )


def test_one_domain_of_each_kind_and_one_owner(
    cognito_idp: Any, user_pool_id: str, other_pool: str
) -> None:
    cognito_idp.create_user_pool_domain(UserPoolId=user_pool_id, Domain="taken-prefix")
    assert create_refused(cognito_idp, user_pool_id, "second-prefix") == (
        "InvalidParameterException",
        "User pool already has a domain configured.",
    )
    assert create_refused(cognito_idp, other_pool, "taken-prefix") == (
        "InvalidParameterException",
        "Domain already associated with another user pool.",
    )
    cognito_idp.create_user_pool_domain(
        UserPoolId=other_pool,
        Domain="login.example.org",
        CustomDomainConfig={"CertificateArn": CERTIFICATE},
    )
    assert create_refused(
        cognito_idp,
        user_pool_id,
        "login.example.org",
        CustomDomainConfig={"CertificateArn": CERTIFICATE},
    ) == ("InvalidParameterException", "Domain already associated with another user pool.")
    # The other pool's domain is not this pool's to change or delete.
    for call in (cognito_idp.update_user_pool_domain, cognito_idp.delete_user_pool_domain):
        with pytest.raises(ClientError) as excinfo:
            call(UserPoolId=user_pool_id, Domain="login.example.org")
        assert error_of(excinfo) == (
            "InvalidParameterException",
            "No such domain or user pool exists.",
        )
    owner = cognito_idp.describe_user_pool_domain(Domain="login.example.org")["DomainDescription"]
    assert owner["UserPoolId"] == other_pool


def test_prefix_rules(cognito_idp: Any, user_pool_id: str) -> None:
    for bad in ("-start", "end-", "Upper", "under_score", "dot.ted", "a--"):
        assert create_refused(cognito_idp, user_pool_id, bad) == (
            "InvalidParameterException",
            INVALID_PREFIX,
        )
    code, message = create_refused(cognito_idp, user_pool_id, "x" * 64)
    assert code == "InvalidParameterException"
    assert message.startswith("1 validation error detected")
    for word, name in (("aws", "my-aws-app"), ("amazon", "amazonia"), ("cognito", "newcognito")):
        assert create_refused(cognito_idp, user_pool_id, name) == (
            "InvalidParameterException",
            f"Domain cannot contain reserved word: {word}",
        )
    assert create_refused(
        cognito_idp,
        user_pool_id,
        "no-dots",
        CustomDomainConfig={"CertificateArn": CERTIFICATE},
    ) == (
        "InvalidParameterException",
        "The custom domain no-dots is not a valid fully-qualified domain name.",
    )
    assert create_refused(cognito_idp, user_pool_id, "fine-name", ManagedLoginVersion=3) == (
        "InvalidParameterException",
        "ManagedLoginVersion must be 1 or 2.",
    )
    assert "Domain" not in cognito_idp.describe_user_pool(UserPoolId=user_pool_id)["UserPool"]
    # The reserved words bind prefix domains only.
    cognito_idp.create_user_pool_domain(
        UserPoolId=user_pool_id,
        Domain="login.aws-cognito-fans.example",
        CustomDomainConfig={"CertificateArn": CERTIFICATE},
    )
    pool = cognito_idp.describe_user_pool(UserPoolId=user_pool_id)["UserPool"]
    assert pool["CustomDomain"] == "login.aws-cognito-fans.example"


def test_managed_login_needs_a_plan_above_lite(cognito_idp: Any) -> None:
    pool_id = cognito_idp.create_user_pool(PoolName="lite", UserPoolTier="LITE")["UserPool"]["Id"]
    try:
        assert create_refused(cognito_idp, pool_id, "lite-pool", ManagedLoginVersion=2) == (
            "FeatureUnavailableInTierException",
            "Managed login (ManagedLoginVersion 2) is not available in the LITE feature plan.",
        )
        cognito_idp.create_user_pool_domain(UserPoolId=pool_id, Domain="lite-pool")
        with pytest.raises(ClientError) as excinfo:
            cognito_idp.update_user_pool_domain(
                UserPoolId=pool_id, Domain="lite-pool", ManagedLoginVersion=2
            )
        assert error_of(excinfo)[0] == "FeatureUnavailableInTierException"
        cognito_idp.delete_user_pool_domain(UserPoolId=pool_id, Domain="lite-pool")
    finally:
        cognito_idp.delete_user_pool(UserPoolId=pool_id)


def test_unknown_domain_is_an_empty_description(cognito_idp: Any) -> None:
    answer = cognito_idp.describe_user_pool_domain(Domain="nobody-has-this")
    assert answer["DomainDescription"] == {}


def test_unknown_pool(cognito_idp: Any) -> None:
    assert create_refused(cognito_idp, "us-east-1_nothere", "some-name") == (
        "ResourceNotFoundException",
        "User pool us-east-1_nothere does not exist.",
    )


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.A", min_size=1, max_size=70))
def test_prefix_pattern(name: str) -> None:
    """A prefix is accepted exactly when it is one DNS label of a-z, 0-9 and inner hyphens
    (DomainType's pattern) holding none of the reserved words."""
    label = re.fullmatch(r"^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$", name) is not None
    expected = label and not any(word in name for word in RESERVED_WORDS)
    try:
        check_domain_name(name, custom=False)
        accepted = True
    except InvalidParameter as error:
        accepted = False
        reserved = error.message.startswith("Domain cannot contain reserved word")
        assert reserved == label  # a well-formed name is refused only for a reserved word
    assert accepted == expected


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True), min_size=1, max_size=4
    )
)
def test_custom_domain_is_two_or_more_labels(labels: list[str]) -> None:
    name = ".".join(labels)
    try:
        check_domain_name(name, custom=True)
        accepted = True
    except InvalidParameter:
        accepted = False
    assert accepted == (len(labels) >= 2)


def test_owner_of_host(cognito_idp: Any, user_pool_id: str, userpools_server: Any) -> None:
    """Which pool a request's Host belongs to, for the authorization server's endpoints."""
    cognito_idp.create_user_pool_domain(UserPoolId=user_pool_id, Domain="host-test")
    cognito_idp.create_user_pool_domain(
        UserPoolId=user_pool_id,
        Domain="id.example.net",
        CustomDomainConfig={"CertificateArn": CERTIFICATE},
    )
    domains = userpools_server.server.services.domains
    for host in (
        "host-test.auth.us-east-1.amazoncognito.com",
        "HOST-TEST.localhost:8443",
        "id.example.net",
        "id.example.net:443",
    ):
        owner = domains.owner_of_host(host)
        assert owner is not None and owner.pool.id == user_pool_id, host
    for host in (
        "host-test.auth.eu-west-1.amazoncognito.com",  # another region's
        "host-test.example.com",
        "id.example.net.evil.com",
        "127.0.0.1:9229",
        "localhost",
        "other.localhost",
    ):
        assert domains.owner_of_host(host) is None, host


def test_four_custom_domains_per_region(userpools_server: Any) -> None:
    """4 custom domains per Region ("Quotas in Amazon Cognito"); prefix domains do not count."""
    client = userpools_server.client(region="ap-south-2")
    pools = [client.create_user_pool(PoolName=f"p{n}")["UserPool"]["Id"] for n in range(5)]
    try:
        for n, pool_id in enumerate(pools[:4]):
            client.create_user_pool_domain(
                UserPoolId=pool_id,
                Domain=f"auth{n}.quota.example",
                CustomDomainConfig={"CertificateArn": CERTIFICATE},
            )
        client.create_user_pool_domain(UserPoolId=pools[4], Domain="quota-prefix")
        assert create_refused(
            client,
            pools[4],
            "auth4.quota.example",
            CustomDomainConfig={"CertificateArn": CERTIFICATE},
        ) == ("LimitExceededException", "The Region has the maximum of 4 custom domains.")
        client.delete_user_pool_domain(UserPoolId=pools[0], Domain="auth0.quota.example")
        client.create_user_pool_domain(
            UserPoolId=pools[4],
            Domain="auth4.quota.example",
            CustomDomainConfig={"CertificateArn": CERTIFICATE},
        )
    finally:
        for pool_id in pools:
            described = client.describe_user_pool(UserPoolId=pool_id)["UserPool"]
            for member in ("Domain", "CustomDomain"):
                if member in described:
                    client.delete_user_pool_domain(UserPoolId=pool_id, Domain=described[member])
            client.delete_user_pool(UserPoolId=pool_id)
