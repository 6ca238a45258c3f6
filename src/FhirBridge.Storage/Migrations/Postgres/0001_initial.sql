-- Current state of every resource; rid is the surrogate key all other tables use.
CREATE TABLE resource (
    rid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    type text NOT NULL,
    id text NOT NULL,
    version integer NOT NULL,
    last_updated bigint NOT NULL,
    deleted boolean NOT NULL,
    UNIQUE (type, id)
);
CREATE INDEX ix_resource_type_rid ON resource (type, rid);

-- The tables below hold resource.rid without a foreign key: its check is a read of resource's primary key under the
-- writers' SERIALIZABLE isolation, whose predicate lock on the last index page makes concurrent creates fail each other.
-- The store only ever writes them with the rid its own statement inserted or updated.

-- Every version (delete markers have json NULL); seq orders system and type history.
CREATE TABLE resource_version (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    rid bigint NOT NULL,
    version integer NOT NULL,
    last_updated bigint NOT NULL,
    method text NOT NULL,
    json jsonb,
    PRIMARY KEY (rid, version)
);
CREATE INDEX ix_resource_version_last_updated ON resource_version (last_updated);

-- Search indices of the current version only; dates are UTC ticks, [start_ticks, end_ticks).
CREATE TABLE idx_token (
    rid bigint NOT NULL,
    param text NOT NULL,
    system text,
    code text
);
CREATE INDEX ix_token_rid ON idx_token (rid, param);
CREATE INDEX ix_token_code ON idx_token (param, code, system);

CREATE TABLE idx_string (
    rid bigint NOT NULL,
    param text NOT NULL,
    normalized text NOT NULL,
    exact text NOT NULL
);
CREATE INDEX ix_string_rid ON idx_string (rid, param);
CREATE INDEX ix_string_normalized ON idx_string (param, normalized text_pattern_ops);
CREATE INDEX ix_string_exact ON idx_string (param, exact);

CREATE TABLE idx_date (
    rid bigint NOT NULL,
    param text NOT NULL,
    start_ticks bigint NOT NULL,
    end_ticks bigint NOT NULL
);
CREATE INDEX ix_date_rid ON idx_date (rid, param);
CREATE INDEX ix_date_start ON idx_date (param, start_ticks);
CREATE INDEX ix_date_end ON idx_date (param, end_ticks);

CREATE TABLE idx_reference (
    rid bigint NOT NULL,
    param text NOT NULL,
    target_type text,
    target_id text,
    url text,
    identifier_system text,
    identifier_value text
);
CREATE INDEX ix_reference_rid ON idx_reference (rid, param);
CREATE INDEX ix_reference_target ON idx_reference (target_id, target_type, param);
CREATE INDEX ix_reference_url ON idx_reference (param, url);
CREATE INDEX ix_reference_identifier ON idx_reference (param, identifier_value);

CREATE TABLE idx_quantity (
    rid bigint NOT NULL,
    param text NOT NULL,
    value double precision NOT NULL,
    system text,
    code text,
    unit text
);
CREATE INDEX ix_quantity_rid ON idx_quantity (rid, param);
CREATE INDEX ix_quantity_value ON idx_quantity (param, value);

CREATE TABLE idx_uri (
    rid bigint NOT NULL,
    param text NOT NULL,
    value text NOT NULL
);
CREATE INDEX ix_uri_rid ON idx_uri (rid, param);
CREATE INDEX ix_uri_value ON idx_uri (param, value);

CREATE TABLE idx_number (
    rid bigint NOT NULL,
    param text NOT NULL,
    value double precision NOT NULL
);
CREATE INDEX ix_number_rid ON idx_number (rid, param);
CREATE INDEX ix_number_value ON idx_number (param, value);
