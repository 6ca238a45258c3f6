-- The bridge's outbox (issue #5): one row per (changed resource version x connected system), inserted in the change's
-- transaction. status: pending, done, withheld, superseded, dead-letter. Times are UTC ticks. A worker owns a pending row
-- while lease_until is in the future; a row whose worker died is claimed again after that.
CREATE TABLE outbox (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint_id text NOT NULL,
    resource_type text NOT NULL,
    resource_id text NOT NULL,
    version integer NOT NULL,
    status text NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    created_at bigint NOT NULL,
    next_attempt_at bigint NOT NULL,
    lease_owner text,
    lease_until bigint,
    finished_at bigint,
    reason text,
    basis text,
    UNIQUE (endpoint_id, resource_type, resource_id, version)
);
CREATE INDEX ix_outbox_due ON outbox (status, next_attempt_at, seq);
CREATE INDEX ix_outbox_basis ON outbox (endpoint_id, basis) WHERE status = 'done';
