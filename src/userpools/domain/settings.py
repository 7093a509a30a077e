"""A pool's settings that are not part of its configuration (``UserPoolType``): UI
customization and risk configuration (for the pool, ``ALL`` clients, or one app client), log
delivery, the SAML signing certificate, and the MFA configuration UserPoolType lacks. Each
is a stored document (``pool_settings``), deleted with its pool or client.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from typing import Any

from userpools.crypto.keys import KeySource, generate_signing_key, self_signed_certificate
from userpools.domain.clients import require_client
from userpools.domain.models import AppClient, PoolSetting, UserPool
from userpools.domain.pools import require_pool
from userpools.domain.store import Store, Transaction

UI = "ui_customization"
RISK = "risk_configuration"
LOG_DELIVERY = "log_delivery"
CERTIFICATE = "signing_certificate"
#: SetUserPoolMfaConfig's members that UserPoolType lacks: SoftwareTokenMfaConfiguration,
#: EmailMfaConfiguration and WebAuthnConfiguration (``domain/mfa.py``).
MFA = "mfa_configuration"
#: The client id that names every client without settings of its own.
ALL_CLIENTS = "ALL"


def _client(tx: Transaction, pool: UserPool, client_id: str | None) -> AppClient | None:
    """The app client a request names; ``None`` (the pool's own setting) for ``ALL`` or none."""
    if client_id is None or client_id == ALL_CLIENTS:
        return None
    return require_client(tx, pool, client_id)


class SettingService:
    def __init__(
        self,
        store: Store,
        clock: Callable[[], float],
        key_source: KeySource = generate_signing_key,
    ) -> None:
        self._store = store
        self._clock = clock
        self._key_source = key_source

    def put(
        self,
        region: str,
        pool_id: str,
        kind: str,
        client_id: str | None,
        document: Mapping[str, Any],
    ) -> PoolSetting:
        """Store the pool's (or the client's) ``kind`` document, replacing the one before."""
        now = self._clock()

        def run(tx: Transaction) -> PoolSetting:
            pool = require_pool(tx, pool_id, region)
            return tx.put_setting(pool, kind, _client(tx, pool, client_id), document, now)

        return self._store.write(run)

    def get(
        self, region: str, pool_id: str, kind: str, client_id: str | None = None
    ) -> PoolSetting | None:
        """The client's own document, else the pool's (the ``ALL`` one), else ``None``."""

        def run(tx: Transaction) -> PoolSetting | None:
            pool = require_pool(tx, pool_id, region)
            client = _client(tx, pool, client_id)
            own = tx.get_setting(pool, kind, client) if client is not None else None
            return own or tx.get_setting(pool, kind)

        return self._store.read(run)

    def signing_certificate(self, region: str, pool_id: str) -> str:
        """The pool's SAML signing certificate (base64 DER), made on first request and kept,
        so every call and every node answers the same one."""
        found = self.get(region, pool_id, CERTIFICATE)
        if found is not None:
            return str(found.document["certificate"])
        now = self._clock()
        key = self._key_source(now)  # slow: outside any transaction
        made = base64.b64encode(self_signed_certificate(key, pool_id, now)).decode("ascii")
        document = {"certificate": made, "private_key": key.private_pem.decode("ascii")}

        def run(tx: Transaction) -> str:
            pool = require_pool(tx, pool_id, region)
            kept = tx.get_setting(pool, CERTIFICATE)
            if kept is not None:  # another call made one first: it stands
                return str(kept.document["certificate"])
            tx.put_setting(pool, CERTIFICATE, None, document, now)
            return made

        return self._store.write(run)
