-- The annual review (issue 7): the provider's policy register and staff acknowledgements;
-- retention and disposal (decisions to keep, legal holds, the destruction log); subject access
-- requests and the items of their packs.

-- ---- policy register ---------------------------------------------------------------------------
-- The provider's policies and when each was last reviewed (policy 000: reviewed every year). The
-- one marked staff_acknowledge is what every member of staff confirms they have read, at their
-- first sign-in and every year after.
CREATE TABLE policy (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL,
    version            TEXT NOT NULL DEFAULT '',
    adopted_on         TEXT,
    last_reviewed_on   TEXT,
    next_review_on     TEXT,
    reviewed_by        TEXT NOT NULL DEFAULT '',
    signed_by          TEXT NOT NULL DEFAULT '',
    staff_acknowledge  INTEGER NOT NULL DEFAULT 0 CHECK (staff_acknowledge IN (0, 1)),
    active             INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    position           INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX policy_one_acknowledged ON policy (staff_acknowledge) WHERE staff_acknowledge = 1;

INSERT INTO policy (name, version, staff_acknowledge, position) VALUES
    ('Information sharing and confidentiality', '1', 1, 1);

-- Who confirmed reading which policy, and when. Name and version are kept as they were, so a
-- later rename does not rewrite what someone confirmed.
CREATE TABLE policy_acknowledgement (
    id               INTEGER PRIMARY KEY,
    staff_id         INTEGER NOT NULL REFERENCES staff(id),
    policy_id        INTEGER REFERENCES policy(id) ON DELETE SET NULL,
    policy_name      TEXT NOT NULL,
    policy_version   TEXT NOT NULL,
    acknowledged_at  TEXT NOT NULL
);
CREATE INDEX policy_acknowledgement_staff ON policy_acknowledgement (staff_id, acknowledged_at);
CREATE TRIGGER policy_acknowledgement_kept BEFORE UPDATE ON policy_acknowledgement
BEGIN SELECT RAISE(ABORT, 'an acknowledgement is never rewritten'); END;

-- ---- retention and disposal --------------------------------------------------------------------
-- A record past its period that the manager decided to keep: why, and when to look again. The
-- latest row for a (kind, child) counts. child_id NULL: parent contact notes about no child.
CREATE TABLE retention_keep (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('safeguarding', 'child_record', 'accident', 'parent_contact')),
    child_id    INTEGER REFERENCES child(id),
    reason      TEXT NOT NULL,
    review_on   TEXT NOT NULL,
    decided_by  INTEGER NOT NULL REFERENCES staff(id),
    decided_at  TEXT NOT NULL
);
CREATE INDEX retention_keep_item ON retention_keep (kind, child_id, id);

-- A legal hold (an inquiry, a court case): nothing it covers may be destroyed until it is lifted.
-- child_id NULL: every record in the setting.
CREATE TABLE legal_hold (
    id           INTEGER PRIMARY KEY,
    child_id     INTEGER REFERENCES child(id),
    reason       TEXT NOT NULL,
    placed_by    INTEGER NOT NULL REFERENCES staff(id),
    placed_at    TEXT NOT NULL,
    lifted_by    INTEGER REFERENCES staff(id),
    lifted_at    TEXT,
    lift_reason  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX legal_hold_child ON legal_hold (child_id) WHERE lifted_at IS NULL;

-- What was destroyed: the kind, how many records, under which rule, who and when. Never any
-- personal data, not even the child's id; kept for good.
CREATE TABLE destruction (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('safeguarding', 'child_record', 'accident', 'parent_contact')),
    records       INTEGER NOT NULL CHECK (records >= 0),
    detail        TEXT NOT NULL DEFAULT '{}',   -- JSON: counts per table
    rule          TEXT NOT NULL,                -- the rule as it stood, in words
    destroyed_by  INTEGER NOT NULL REFERENCES staff(id),
    destroyed_at  TEXT NOT NULL
);
CREATE INDEX destruction_when ON destruction (destroyed_at);
CREATE TRIGGER destruction_no_update BEFORE UPDATE ON destruction
BEGIN SELECT RAISE(ABORT, 'the destruction log is never rewritten'); END;
CREATE TRIGGER destruction_no_delete BEFORE DELETE ON destruction
BEGIN SELECT RAISE(ABORT, 'the destruction log is never rewritten'); END;

-- While a recorded destruction runs, the triggers that keep finalised decisions let them go. The
-- one row is inserted and deleted inside the destroying transaction, so no other change sees it.
CREATE TABLE destruction_pass (
    id  INTEGER PRIMARY KEY CHECK (id = 1)
);

-- When a child's general record was destroyed while their safeguarding file is still kept (until
-- they are 25): the row keeps only what identifies that file (names, date of birth, start and
-- leaving dates), and this marker stops the general record coming back to the review queue.
ALTER TABLE child ADD COLUMN general_destroyed_at TEXT;

DROP TRIGGER share_request_final_kept;
CREATE TRIGGER share_request_final_kept
BEFORE DELETE ON share_request
WHEN OLD.status = 'final' AND NOT EXISTS (SELECT 1 FROM destruction_pass)
BEGIN SELECT RAISE(ABORT, 'a finalised decision is never deleted'); END;

DROP TRIGGER share_child_final_delete;
CREATE TRIGGER share_child_final_delete BEFORE DELETE ON share_child
WHEN (SELECT status FROM share_request WHERE id = OLD.request_id) = 'final'
     AND NOT EXISTS (SELECT 1 FROM destruction_pass)
BEGIN SELECT RAISE(ABORT, 'a finalised decision is never rewritten'); END;

DROP TRIGGER share_carer_final_delete;
CREATE TRIGGER share_carer_final_delete BEFORE DELETE ON share_carer
WHEN (SELECT status FROM share_request WHERE id = OLD.request_id) = 'final'
     AND NOT EXISTS (SELECT 1 FROM destruction_pass)
BEGIN SELECT RAISE(ABORT, 'a finalised decision is never rewritten'); END;

DROP TRIGGER share_concern_final_delete;
CREATE TRIGGER share_concern_final_delete BEFORE DELETE ON share_concern
WHEN (SELECT status FROM share_request WHERE id = OLD.request_id) = 'final'
     AND NOT EXISTS (SELECT 1 FROM destruction_pass)
BEGIN SELECT RAISE(ABORT, 'a finalised decision is never rewritten'); END;

DROP TRIGGER share_professional_final_delete;
CREATE TRIGGER share_professional_final_delete BEFORE DELETE ON share_professional
WHEN (SELECT status FROM share_request WHERE id = OLD.request_id) = 'final'
     AND NOT EXISTS (SELECT 1 FROM destruction_pass)
BEGIN SELECT RAISE(ABORT, 'a finalised decision is never rewritten'); END;

DROP TRIGGER share_item_final_delete;
CREATE TRIGGER share_item_final_delete BEFORE DELETE ON share_item
WHEN (SELECT status FROM share_request WHERE id = OLD.request_id) = 'final'
     AND NOT EXISTS (SELECT 1 FROM destruction_pass)
BEGIN SELECT RAISE(ABORT, 'a finalised decision is never rewritten'); END;

DROP TRIGGER share_amendment_kept;
CREATE TRIGGER share_amendment_kept BEFORE DELETE ON share_amendment
WHEN NOT EXISTS (SELECT 1 FROM destruction_pass)
BEGIN SELECT RAISE(ABORT, 'an amendment is never deleted'); END;

-- ---- subject access requests -------------------------------------------------------------------
-- A parent (or someone acting for them) asks to see what is held about a child. Due one calendar
-- month after it was received; extended by up to two more months for a complex request.
CREATE TABLE sar_request (
    id                INTEGER PRIMARY KEY,
    child_id          INTEGER NOT NULL REFERENCES child(id),
    requester_name    TEXT NOT NULL,
    carer_id          INTEGER REFERENCES carer(id) ON DELETE SET NULL,
    relationship      TEXT NOT NULL DEFAULT '',
    received_on       TEXT NOT NULL,
    identity_checked  TEXT NOT NULL,
    due_on            TEXT NOT NULL,
    extended_to       TEXT,
    extension_reason  TEXT NOT NULL DEFAULT '',
    cover_note        TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'released')),
    released_on       TEXT,
    released_by       INTEGER REFERENCES staff(id),
    recorded_by       INTEGER NOT NULL REFERENCES staff(id),
    recorded_at       TEXT NOT NULL
);
CREATE INDEX sar_request_child ON sar_request (child_id);
CREATE INDEX sar_request_open ON sar_request (status, due_on);

CREATE TRIGGER sar_request_released_is_final
BEFORE UPDATE ON sar_request WHEN OLD.status = 'released'
BEGIN SELECT RAISE(ABORT, 'a released subject access request is never rewritten'); END;

-- Everything gathered for the pack, as it was when gathered, with why it needs the DSL's eye
-- (another agency's information, or information about someone else) and the DSL's decision.
CREATE TABLE sar_item (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES sar_request(id),
    section     TEXT NOT NULL,
    source_id   INTEGER,
    position    INTEGER NOT NULL DEFAULT 0,
    label       TEXT NOT NULL,
    content     TEXT NOT NULL,
    flag        TEXT NOT NULL DEFAULT '',
    withheld    INTEGER NOT NULL DEFAULT 0 CHECK (withheld IN (0, 1)),
    exemption   TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT '',
    decided_by  INTEGER REFERENCES staff(id),
    decided_at  TEXT,
    released    INTEGER NOT NULL DEFAULT 0 CHECK (released IN (0, 1))
);
CREATE INDEX sar_item_request ON sar_item (request_id, position);

CREATE TRIGGER sar_item_released_is_final
BEFORE UPDATE ON sar_item
WHEN (SELECT status FROM sar_request WHERE id = OLD.request_id) = 'released'
BEGIN SELECT RAISE(ABORT, 'a released subject access pack is never rewritten'); END;

-- Nor is anything added to or taken from a released pack, except by a recorded destruction.
CREATE TRIGGER sar_item_released_insert
BEFORE INSERT ON sar_item
WHEN (SELECT status FROM sar_request WHERE id = NEW.request_id) = 'released'
BEGIN SELECT RAISE(ABORT, 'a released subject access pack is never rewritten'); END;

CREATE TRIGGER sar_item_released_kept
BEFORE DELETE ON sar_item
WHEN (SELECT status FROM sar_request WHERE id = OLD.request_id) = 'released'
     AND NOT EXISTS (SELECT 1 FROM destruction_pass)
BEGIN SELECT RAISE(ABORT, 'a released subject access pack is never rewritten'); END;

CREATE TRIGGER sar_request_released_kept
BEFORE DELETE ON sar_request
WHEN OLD.status = 'released' AND NOT EXISTS (SELECT 1 FROM destruction_pass)
BEGIN SELECT RAISE(ABORT, 'a released subject access request is never deleted'); END;
