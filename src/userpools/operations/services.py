"""The domain services an operation can call, built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from userpools.domain.accounts import AccountService
from userpools.domain.clients import ClientService
from userpools.domain.groups import GroupService
from userpools.domain.pools import PoolService
from userpools.domain.signin.service import AuthService
from userpools.domain.users import UserService


@dataclass(frozen=True)
class Services:
    pools: PoolService
    clients: ClientService
    users: UserService
    groups: GroupService
    auth: AuthService
    accounts: AccountService
