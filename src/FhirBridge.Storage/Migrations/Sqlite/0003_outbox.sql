-- The bridge's outbox (issue #5): one row per (changed resource version x connected system), inserted in the change's
-- transaction. status: pending, done, withheld, superseded, dead-letter. Times are UTC ticks. A worker owns a pending row
-- while lease_until is in the future; a row whose worker died is claimed again after that.
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    endpoint_id TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    lease_owner TEXT,
    lease_until INTEGER,
    finished_at INTEGER,
    reason TEXT,
    basis TEXT,
    UNIQUE (endpoint_id, resource_type, resource_id, version)
);
CREATE INDEX ix_outbox_due ON outbox (status, next_attempt_at, seq);
CREATE INDEX ix_outbox_basis ON outbox (endpoint_id, basis) WHERE status = 'done';
