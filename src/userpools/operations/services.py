"""The domain services an operation can call, built once by the composition root."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from userpools.domain.account_recovery import AccountRecoveryService
from userpools.domain.attribute_updates import AttributeUpdateService
from userpools.domain.auth_events import AuthEventService
from userpools.domain.clients import ClientService
from userpools.domain.domains import DomainService
from userpools.domain.groups import GroupService
from userpools.domain.mfa import MfaService
from userpools.domain.pools import PoolService
from userpools.domain.resource_servers import ResourceServerService
from userpools.domain.self_registration import SignUpService
from userpools.domain.self_service import SelfService
from userpools.domain.settings import SettingService
from userpools.domain.sign_out import SignOutService
from userpools.domain.signin.service import AuthService
from userpools.domain.user_creation import UserCreationService
from userpools.domain.users import UserService
from userpools.protocol.dispatch import RequestContext


@dataclass(frozen=True)
class Services:
    pools: PoolService
    clients: ClientService
    users: UserService
    user_creation: UserCreationService
    groups: GroupService
    auth: AuthService
    sign_up: SignUpService
    recovery: AccountRecoveryService
    attribute_updates: AttributeUpdateService
    self_service: SelfService
    sign_out: SignOutService
    settings: SettingService
    events: AuthEventService
    mfa: MfaService
    domains: DomainService
    resource_servers: ResourceServerService


Operation = Callable[[Services, Any, RequestContext], Mapping[str, Any] | None]
"""A handler: its parameters are its operation's input TypedDict (``Any`` here, as the
registry holds every operation; tests/protocol/test_shapes.py checks each annotation) and
it returns its output TypedDict, or ``None`` when the operation has no output shape."""
