"""Create/Describe/Update/DeleteUserPoolDomain; Create/Describe/Update/Delete/
ListResourceServers."""

from __future__ import annotations

import hashlib
import time

from userpools.domain.domains import DomainOwner
from userpools.domain.models import PoolDomain, ResourceServer
from userpools.operations.pool_wire import ACCOUNT_ID
from userpools.operations.services import Operation, Services
from userpools.protocol.dispatch import RequestContext
from userpools.protocol.shapes import (
    CreateResourceServerRequest,
    CreateResourceServerResponse,
    CreateUserPoolDomainRequest,
    CreateUserPoolDomainResponse,
    DeleteResourceServerRequest,
    DeleteUserPoolDomainRequest,
    DeleteUserPoolDomainResponse,
    DescribeResourceServerRequest,
    DescribeResourceServerResponse,
    DescribeUserPoolDomainRequest,
    DescribeUserPoolDomainResponse,
    DomainDescriptionType,
    ListResourceServersRequest,
    ListResourceServersResponse,
    ResourceServerScopeType,
    ResourceServerType,
    UpdateResourceServerRequest,
    UpdateResourceServerResponse,
    UpdateUserPoolDomainRequest,
    UpdateUserPoolDomainResponse,
)

#: ListResourceServers' page when MaxResults is left out: the model's maximum.
DEFAULT_RESOURCE_SERVERS_PAGE = 50


def cloudfront_domain(domain: PoolDomain) -> str:
    """The CloudFront name AWS gives a custom domain, for the DNS alias a stack creates. There
    is no CloudFront here: the name is a stable placeholder made from the domain's name."""
    return f"d{hashlib.sha256(domain.domain.encode()).hexdigest()[:13]}.cloudfront.net"


# domains ------------------------------------------------------------------------------------


def create_user_pool_domain(
    s: Services, p: CreateUserPoolDomainRequest, ctx: RequestContext
) -> CreateUserPoolDomainResponse:
    config = p.get("CustomDomainConfig")
    domain = s.domains.create(
        ctx.region,
        p["UserPoolId"],
        p["Domain"],
        config["CertificateArn"] if config else None,
        p.get("ManagedLoginVersion"),
    )
    answer: CreateUserPoolDomainResponse = {"ManagedLoginVersion": domain.managed_login_version}
    if domain.custom:
        answer["CloudFrontDomain"] = cloudfront_domain(domain)
    return answer


def _description(owner: DomainOwner) -> DomainDescriptionType:
    domain = owner.domain
    described: DomainDescriptionType = {
        "UserPoolId": owner.pool.id,
        "AWSAccountId": ACCOUNT_ID,
        "Domain": domain.domain,
        # AWS's Version is a timestamp (yyyyMMddHHmmss) of the domain's configuration.
        "Version": time.strftime("%Y%m%d%H%M%S", time.gmtime(domain.updated_at)),
        # A domain is served as soon as it is stored: no CREATING or UPDATING here.
        "Status": "ACTIVE",
        "ManagedLoginVersion": domain.managed_login_version,
    }
    if domain.custom:
        described["CloudFrontDistribution"] = cloudfront_domain(domain)
        if domain.certificate_arn is not None:
            described["CustomDomainConfig"] = {"CertificateArn": domain.certificate_arn}
    return described


def describe_user_pool_domain(
    s: Services, p: DescribeUserPoolDomainRequest, ctx: RequestContext
) -> DescribeUserPoolDomainResponse:
    owner = s.domains.describe(ctx.region, p["Domain"])
    # An unknown domain is not an error on AWS: the description is empty.
    return {"DomainDescription": _description(owner) if owner is not None else {}}


def update_user_pool_domain(
    s: Services, p: UpdateUserPoolDomainRequest, ctx: RequestContext
) -> UpdateUserPoolDomainResponse:
    config = p.get("CustomDomainConfig")
    domain = s.domains.update(
        ctx.region,
        p["UserPoolId"],
        p["Domain"],
        config["CertificateArn"] if config else None,
        p.get("ManagedLoginVersion"),
    )
    answer: UpdateUserPoolDomainResponse = {"ManagedLoginVersion": domain.managed_login_version}
    if domain.custom:
        answer["CloudFrontDomain"] = cloudfront_domain(domain)
    return answer


def delete_user_pool_domain(
    s: Services, p: DeleteUserPoolDomainRequest, ctx: RequestContext
) -> DeleteUserPoolDomainResponse:
    s.domains.delete(ctx.region, p["UserPoolId"], p["Domain"])
    return {}


# resource servers ---------------------------------------------------------------------------


def _scopes(given: list[ResourceServerScopeType] | None) -> tuple[tuple[str, str], ...]:
    return tuple((scope["ScopeName"], scope["ScopeDescription"]) for scope in given or ())


def server_type(server: ResourceServer, pool_id: str) -> ResourceServerType:
    return {
        "UserPoolId": pool_id,
        "Identifier": server.identifier,
        "Name": server.name,
        "Scopes": [{"ScopeName": n, "ScopeDescription": d} for n, d in server.scopes],
    }


def create_resource_server(
    s: Services, p: CreateResourceServerRequest, ctx: RequestContext
) -> CreateResourceServerResponse:
    server = s.resource_servers.create(
        ctx.region, p["UserPoolId"], p["Identifier"], p["Name"], _scopes(p.get("Scopes"))
    )
    return {"ResourceServer": server_type(server, p["UserPoolId"])}


def describe_resource_server(
    s: Services, p: DescribeResourceServerRequest, ctx: RequestContext
) -> DescribeResourceServerResponse:
    server = s.resource_servers.describe(ctx.region, p["UserPoolId"], p["Identifier"])
    return {"ResourceServer": server_type(server, p["UserPoolId"])}


def update_resource_server(
    s: Services, p: UpdateResourceServerRequest, ctx: RequestContext
) -> UpdateResourceServerResponse:
    server = s.resource_servers.update(
        ctx.region, p["UserPoolId"], p["Identifier"], p["Name"], _scopes(p.get("Scopes"))
    )
    return {"ResourceServer": server_type(server, p["UserPoolId"])}


def delete_resource_server(
    s: Services, p: DeleteResourceServerRequest, ctx: RequestContext
) -> None:
    s.resource_servers.delete(ctx.region, p["UserPoolId"], p["Identifier"])


def list_resource_servers(
    s: Services, p: ListResourceServersRequest, ctx: RequestContext
) -> ListResourceServersResponse:
    pool_id = p["UserPoolId"]
    page = s.resource_servers.list_servers(
        ctx.region,
        pool_id,
        p.get("MaxResults") or DEFAULT_RESOURCE_SERVERS_PAGE,
        p.get("NextToken"),
    )
    answer: ListResourceServersResponse = {
        "ResourceServers": [server_type(server, pool_id) for server in page.items]
    }
    if page.next_token is not None:
        answer["NextToken"] = page.next_token
    return answer


OPERATIONS: dict[str, Operation] = {
    "CreateUserPoolDomain": create_user_pool_domain,
    "DescribeUserPoolDomain": describe_user_pool_domain,
    "UpdateUserPoolDomain": update_user_pool_domain,
    "DeleteUserPoolDomain": delete_user_pool_domain,
    "CreateResourceServer": create_resource_server,
    "DescribeResourceServer": describe_resource_server,
    "UpdateResourceServer": update_resource_server,
    "DeleteResourceServer": delete_resource_server,
    "ListResourceServers": list_resource_servers,
}
