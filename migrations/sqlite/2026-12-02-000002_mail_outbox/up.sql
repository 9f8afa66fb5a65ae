-- Mail waiting to be sent, written in the transaction of the change it tells of and sent by the
-- mail worker: a rolled-back change sends nothing, a sent mail is never sent again.
CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    conference_id BIGINT,
    -- confirmation, defective, healed, approval
    kind TEXT NOT NULL,
    -- Addresses, one per line.
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT,
    ical TEXT,
    created_at BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    -- pending, running, sent, failed
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    -- A running mail whose worker vanished is taken again after this.
    lease_until BIGINT
);
CREATE INDEX mail_outbox_due ON mail_outbox (state, due_at);
