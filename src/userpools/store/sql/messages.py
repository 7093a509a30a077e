"""The SQL of the outbox (``outbox``): messages AWS would have sent, in order."""

from __future__ import annotations

from typing import Any

from userpools.domain.models import Message
from userpools.domain.store import MessageStore
from userpools.store.sql.base import SQLBase


class MessageSQL(SQLBase, MessageStore):
    def add_message(self, message: Message) -> None:
        self._run(
            "INSERT INTO outbox (pool_id, username, medium, destination, subject, body,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                message.pool_id,
                message.username,
                message.medium,
                message.destination,
                message.subject,
                message.body,
                message.created_at,
            ),
        )

    def list_messages(self, pool_id: str | None, after: int, limit: int) -> list[Message]:
        sql = (
            "SELECT pool_id, username, medium, destination, subject, body, created_at"
            " FROM outbox WHERE id > ?"
        )
        params: list[Any] = [after]
        if pool_id is not None:
            sql += " AND pool_id = ?"
            params.append(pool_id)
        rows = self._all(sql + " ORDER BY id LIMIT ?", (*params, limit))
        return [
            Message(
                pool_id=r["pool_id"],
                username=r["username"],
                medium=r["medium"],
                destination=r["destination"],
                subject=r["subject"],
                body=r["body"],
                created_at=r["created_at"],
            )
            for r in rows
        ]
