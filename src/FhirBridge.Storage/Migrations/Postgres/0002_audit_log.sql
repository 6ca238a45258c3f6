-- The access and disclosure log (703/2023). Rows are inserted unsealed (chain_pos NULL); the sealer gives them the next
-- chain positions in seq order with hash = SHA-256(prev_hash || '\n' || chain_pos || '\n' || json). recorded is UTC ticks.
-- json is text, not jsonb: the hash covers the exact text, which jsonb would normalise.
CREATE TABLE audit_event (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text NOT NULL UNIQUE,
    recorded bigint NOT NULL,
    kind text NOT NULL,
    action text NOT NULL,
    outcome text NOT NULL,
    patient_id text,
    user_ident text,
    organization text,
    legal_basis text,
    break_glass boolean NOT NULL,
    json text NOT NULL,
    chain_pos bigint UNIQUE,
    prev_hash text,
    hash text
);
CREATE INDEX ix_audit_patient ON audit_event (patient_id, recorded, seq);
CREATE INDEX ix_audit_recorded ON audit_event (recorded, seq);
CREATE INDEX ix_audit_user ON audit_event (user_ident, recorded, seq);
CREATE INDEX ix_audit_organization ON audit_event (organization, recorded, seq);
CREATE INDEX ix_audit_unsealed ON audit_event (seq) WHERE chain_pos IS NULL;

-- One row: the last sealed position and hash (head), and where verification starts after purges (anchor).
CREATE TABLE audit_chain (
    singleton integer PRIMARY KEY CHECK (singleton = 1),
    head_pos bigint NOT NULL,
    head_hash text NOT NULL,
    anchor_pos bigint NOT NULL,
    anchor_hash text NOT NULL
);
INSERT INTO audit_chain (singleton, head_pos, head_hash, anchor_pos, anchor_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0, '0000000000000000000000000000000000000000000000000000000000000000');
