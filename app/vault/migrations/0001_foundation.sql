-- Foundation: vault identity, staff and roles, the password-only slot copies, settings, audit log.

CREATE TABLE schema_migration (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  TEXT NOT NULL
);

CREATE TABLE vault_meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

CREATE TABLE staff (
    id                    INTEGER PRIMARY KEY,
    username              TEXT NOT NULL UNIQUE,   -- normalised (NFC, casefolded)
    full_name             TEXT NOT NULL,
    job_title             TEXT NOT NULL DEFAULT '',
    active                INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    must_change_password  INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    created_at            TEXT NOT NULL,
    deactivated_at        TEXT,
    last_sign_in_at       TEXT
);

CREATE TABLE staff_role (
    staff_id  INTEGER NOT NULL REFERENCES staff(id),
    role      TEXT NOT NULL CHECK (role IN ('manager', 'dsl', 'key_worker', 'reviewer')),
    PRIMARY KEY (staff_id, role)
);

-- The inner (password-only) layer of each active staff slot. Inside the encrypted file, so it
-- adds nothing for an attacker, but lets the recovery key re-bind slots to a new device secret.
CREATE TABLE staff_slot_copy (
    staff_id  INTEGER PRIMARY KEY REFERENCES staff(id),
    slot      TEXT NOT NULL
);

CREATE TABLE setting (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL          -- JSON
);

CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    actor_id      INTEGER REFERENCES staff(id),
    action        TEXT NOT NULL,
    subject_type  TEXT,
    subject_id    TEXT,
    detail        TEXT NOT NULL DEFAULT '{}',
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_subject ON audit_log (subject_type, subject_id, id);
