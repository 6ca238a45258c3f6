-- The access and disclosure log (703/2023). Rows are inserted unsealed (chain_pos NULL); the sealer gives them the next
-- chain positions in seq order with hash = SHA-256(prev_hash || '\n' || chain_pos || '\n' || json). recorded is UTC ticks.
CREATE TABLE audit_event (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    recorded INTEGER NOT NULL,
    kind TEXT NOT NULL,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL,
    patient_id TEXT,
    user_ident TEXT,
    organization TEXT,
    legal_basis TEXT,
    break_glass INTEGER NOT NULL,
    json TEXT NOT NULL,
    chain_pos INTEGER UNIQUE,
    prev_hash TEXT,
    hash TEXT
);
CREATE INDEX ix_audit_patient ON audit_event (patient_id, recorded, seq);
CREATE INDEX ix_audit_recorded ON audit_event (recorded, seq);
CREATE INDEX ix_audit_user ON audit_event (user_ident, recorded, seq);
CREATE INDEX ix_audit_organization ON audit_event (organization, recorded, seq);
CREATE INDEX ix_audit_unsealed ON audit_event (seq) WHERE chain_pos IS NULL;

-- One row: the last sealed position and hash (head), and where verification starts after purges (anchor).
CREATE TABLE audit_chain (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    head_pos INTEGER NOT NULL,
    head_hash TEXT NOT NULL,
    anchor_pos INTEGER NOT NULL,
    anchor_hash TEXT NOT NULL
);
INSERT INTO audit_chain (singleton, head_pos, head_hash, anchor_pos, anchor_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0, '0000000000000000000000000000000000000000000000000000000000000000');
