"""What pool and client settings kept outside the pool's configuration need of a transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from userpools.domain.models import AppClient, PoolSetting, UserPool


class SettingStore(Protocol):
    def get_setting(
        self, pool: UserPool, kind: str, client: AppClient | None = None
    ) -> PoolSetting | None:
        """The pool's ``kind`` document, or the client's when ``client`` is given."""
        ...

    def put_setting(
        self,
        pool: UserPool,
        kind: str,
        client: AppClient | None,
        document: Mapping[str, Any],
        now: float,
    ) -> PoolSetting:
        """Store the document, replacing the one of the same kind and owner; the creation
        time of the one replaced stays."""
        ...
