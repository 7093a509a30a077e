"""The SQL of the outbox (``outbox``): messages AWS would have sent, in order, with their
delivery state (``serve --smtp-url``/``--sms-webhook``; migration 0009)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from userpools.domain.models import Message
from userpools.domain.store import MessageStore
from userpools.store.sql.base import Row, SQLBase

_COLUMNS = (
    "pool_id, username, medium, destination, subject, body, created_at, sender, reply_to,"
    " delivery, attempts, last_error"
)


class MessageSQL(SQLBase, MessageStore):
    def add_message(self, message: Message) -> None:
        self._run(
            "INSERT INTO outbox (pool_id, username, medium, destination, subject, body,"
            " created_at, sender, reply_to, delivery, next_attempt_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                message.pool_id,
                message.username,
                message.medium,
                message.destination,
                message.subject,
                message.body,
                message.created_at,
                message.sender,
                message.reply_to,
                message.delivery,
                message.created_at if message.delivery == "pending" else None,
            ),
        )

    def list_messages(self, pool_id: str | None, after: int, limit: int) -> list[Message]:
        sql = f"SELECT {_COLUMNS} FROM outbox WHERE id > ?"
        params: list[Any] = [after]
        if pool_id is not None:
            sql += " AND pool_id = ?"
            params.append(pool_id)
        rows = self._all(sql + " ORDER BY id LIMIT ?", (*params, limit))
        return [_message(r) for r in rows]

    def recent_messages(self, pool_id: str, destination: str | None, limit: int) -> list[Message]:
        sql = f"SELECT {_COLUMNS} FROM outbox WHERE pool_id = ?"
        params: list[Any] = [pool_id]
        if destination is not None:
            sql += " AND destination = ?"
            params.append(destination)
        rows = self._all(sql + " ORDER BY id DESC LIMIT ?", (*params, limit))
        return [_message(r) for r in rows]

    def claim_messages(
        self, media: Collection[str], now: float, lease: float, limit: int
    ) -> list[tuple[int, Message]]:
        chosen = sorted(media)
        if not chosen:
            return []
        marks = ", ".join("?" for _ in chosen)
        # PostgreSQL: rows another node is claiming are skipped, not waited for.
        lock = " FOR UPDATE SKIP LOCKED" if self.skip_locked else ""
        rows = self._all(
            f"SELECT id, {_COLUMNS} FROM outbox WHERE delivery = 'pending'"
            f" AND next_attempt_at <= ? AND medium IN ({marks}) ORDER BY next_attempt_at, id"
            f" LIMIT ?{lock}",
            (now, *chosen, limit),
        )
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        self._run(
            f"UPDATE outbox SET next_attempt_at = ? WHERE id IN ({', '.join('?' for _ in ids)})",
            (now + lease, *ids),
        )
        return [(r["id"], _message(r)) for r in rows]

    def any_message_due(self, media: Collection[str], now: float) -> bool:
        chosen = sorted(media)
        if not chosen:
            return False
        marks = ", ".join("?" for _ in chosen)
        row = self._one(
            "SELECT 1 AS due FROM outbox WHERE delivery = 'pending' AND next_attempt_at <= ?"
            f" AND medium IN ({marks}) LIMIT 1",
            (now, *chosen),
        )
        return row is not None

    def mark_message_sent(self, message_id: int, now: float) -> None:
        self._run(
            "UPDATE outbox SET delivery = 'sent', sent_at = ?, attempts = attempts + 1,"
            " next_attempt_at = NULL, last_error = NULL WHERE id = ?",
            (now, message_id),
        )

    def mark_message_failed(self, message_id: int, error: str, retry_at: float | None) -> None:
        self._run(
            "UPDATE outbox SET delivery = ?, attempts = attempts + 1, next_attempt_at = ?,"
            " last_error = ? WHERE id = ?",
            ("pending" if retry_at is not None else "failed", retry_at, error, message_id),
        )


def _message(row: Row) -> Message:
    return Message(
        pool_id=row["pool_id"],
        username=row["username"],
        medium=row["medium"],
        destination=row["destination"],
        subject=row["subject"],
        body=row["body"],
        created_at=row["created_at"],
        sender=row["sender"],
        reply_to=row["reply_to"],
        delivery=row["delivery"],
        attempts=row["attempts"],
        error=row["last_error"],
    )
