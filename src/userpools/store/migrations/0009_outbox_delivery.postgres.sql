-- 0009 for PostgreSQL: as 0009_outbox_delivery.sql, with double precision. delivery state on the outbox (serve --smtp-url, --sms-webhook).
-- delivery: 'kept' (no transport for the medium: recorded only), 'pending' (to send, or to
-- retry at next_attempt_at), 'sent', or 'failed' (given up). A claimed row's next_attempt_at
-- is pushed out by a lease, so another node does not claim it while it is being sent.
-- sender and reply_to: the email From and Reply-To, from the pool's EmailConfiguration.

ALTER TABLE outbox ADD COLUMN delivery TEXT NOT NULL DEFAULT 'kept';
ALTER TABLE outbox ADD COLUMN sender TEXT;
ALTER TABLE outbox ADD COLUMN reply_to TEXT;
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at DOUBLE PRECISION;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
ALTER TABLE outbox ADD COLUMN sent_at DOUBLE PRECISION;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivery = 'pending';
