-- Current state of every resource; rid is the surrogate key all other tables use.
CREATE TABLE resource (
    rid INTEGER PRIMARY KEY,
    type TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    last_updated INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    UNIQUE (type, id)
);
CREATE INDEX ix_resource_type_rid ON resource (type, rid);

-- Every version (delete markers have json NULL); seq orders system and type history.
CREATE TABLE resource_version (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    rid INTEGER NOT NULL REFERENCES resource (rid),
    version INTEGER NOT NULL,
    last_updated INTEGER NOT NULL,
    method TEXT NOT NULL,
    json TEXT,
    UNIQUE (rid, version)
);
CREATE INDEX ix_resource_version_last_updated ON resource_version (last_updated);

-- Search indices of the current version only; dates are UTC ticks, [start_ticks, end_ticks).
CREATE TABLE idx_token (
    rid INTEGER NOT NULL REFERENCES resource (rid),
    param TEXT NOT NULL,
    system TEXT,
    code TEXT
);
CREATE INDEX ix_token_rid ON idx_token (rid, param);
CREATE INDEX ix_token_code ON idx_token (param, code, system);

CREATE TABLE idx_string (
    rid INTEGER NOT NULL REFERENCES resource (rid),
    param TEXT NOT NULL,
    normalized TEXT NOT NULL,
    exact TEXT NOT NULL
);
CREATE INDEX ix_string_rid ON idx_string (rid, param);
CREATE INDEX ix_string_normalized ON idx_string (param, normalized);
CREATE INDEX ix_string_exact ON idx_string (param, exact);

CREATE TABLE idx_date (
    rid INTEGER NOT NULL REFERENCES resource (rid),
    param TEXT NOT NULL,
    start_ticks INTEGER NOT NULL,
    end_ticks INTEGER NOT NULL
);
CREATE INDEX ix_date_rid ON idx_date (rid, param);
CREATE INDEX ix_date_start ON idx_date (param, start_ticks);
CREATE INDEX ix_date_end ON idx_date (param, end_ticks);

CREATE TABLE idx_reference (
    rid INTEGER NOT NULL REFERENCES resource (rid),
    param TEXT NOT NULL,
    target_type TEXT,
    target_id TEXT,
    url TEXT,
    identifier_system TEXT,
    identifier_value TEXT
);
CREATE INDEX ix_reference_rid ON idx_reference (rid, param);
CREATE INDEX ix_reference_target ON idx_reference (target_id, target_type, param);
CREATE INDEX ix_reference_url ON idx_reference (param, url);
CREATE INDEX ix_reference_identifier ON idx_reference (param, identifier_value);

CREATE TABLE idx_quantity (
    rid INTEGER NOT NULL REFERENCES resource (rid),
    param TEXT NOT NULL,
    value REAL NOT NULL,
    system TEXT,
    code TEXT,
    unit TEXT
);
CREATE INDEX ix_quantity_rid ON idx_quantity (rid, param);
CREATE INDEX ix_quantity_value ON idx_quantity (param, value);

CREATE TABLE idx_uri (
    rid INTEGER NOT NULL REFERENCES resource (rid),
    param TEXT NOT NULL,
    value TEXT NOT NULL
);
CREATE INDEX ix_uri_rid ON idx_uri (rid, param);
CREATE INDEX ix_uri_value ON idx_uri (param, value);

CREATE TABLE idx_number (
    rid INTEGER NOT NULL REFERENCES resource (rid),
    param TEXT NOT NULL,
    value REAL NOT NULL
);
CREATE INDEX ix_number_rid ON idx_number (rid, param);
CREATE INDEX ix_number_value ON idx_number (param, value);
