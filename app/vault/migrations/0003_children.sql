-- Children's records, carers, emergency contacts, professionals and agency visits; the concern log
-- with its categories, reviews, actions and amendments; the parent contact log.
-- Dates a person chooses (date of birth, start date) are ISO dates; moments are UTC ISO 8601.

CREATE TABLE child (
    id                    INTEGER PRIMARY KEY,
    legal_name            TEXT NOT NULL,
    known_as              TEXT NOT NULL DEFAULT '',
    date_of_birth         TEXT NOT NULL,
    sex_gender            TEXT NOT NULL DEFAULT '',
    address               TEXT NOT NULL DEFAULT '',
    phone                 TEXT NOT NULL DEFAULT '',
    start_date            TEXT NOT NULL,
    leaving_date          TEXT,
    destination           TEXT NOT NULL DEFAULT '',
    room                  TEXT NOT NULL DEFAULT '',
    key_worker_id         INTEGER REFERENCES staff(id),
    additional_needs      TEXT NOT NULL DEFAULT '',
    medical_notes         TEXT NOT NULL DEFAULT '',
    family_circumstances  TEXT NOT NULL DEFAULT '',   -- manager and DSL only
    sessions_per_week     INTEGER NOT NULL DEFAULT 0,
    attendance_pattern    TEXT NOT NULL DEFAULT '',
    created_at            TEXT NOT NULL,
    created_by            INTEGER NOT NULL REFERENCES staff(id),
    updated_at            TEXT NOT NULL,
    updated_by            INTEGER NOT NULL REFERENCES staff(id)
);
CREATE INDEX child_key_worker ON child (key_worker_id);
CREATE INDEX child_room ON child (room);
CREATE INDEX child_leaving ON child (leaving_date);

-- Search as you type over the child's names and their carers' names. Kept up to date by the core
-- in the same transaction as the change (names come from two tables). Diacritics are folded, so
-- "Zoe" finds Zoë and "lucja" finds Łucja.
CREATE VIRTUAL TABLE child_search USING fts5 (
    names, tokenize = "unicode61 remove_diacritics 2"
);

CREATE TABLE carer (
    id          INTEGER PRIMARY KEY,
    full_name   TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- A carer may belong to several children (siblings); the relationship is per child.
CREATE TABLE child_carer (
    child_id                 INTEGER NOT NULL REFERENCES child(id),
    carer_id                 INTEGER NOT NULL REFERENCES carer(id),
    relationship             TEXT NOT NULL,
    parental_responsibility  INTEGER NOT NULL CHECK (parental_responsibility IN (0, 1)),
    lives_with               INTEGER NOT NULL CHECK (lives_with IN (0, 1)),
    PRIMARY KEY (child_id, carer_id)
);
CREATE INDEX child_carer_carer ON child_carer (carer_id);

-- "Do not disclose this carer's address and contact details to that person" (family conflict).
CREATE TABLE carer_withheld (
    carer_id       INTEGER NOT NULL REFERENCES carer(id),
    from_carer_id  INTEGER NOT NULL REFERENCES carer(id),
    PRIMARY KEY (carer_id, from_carer_id),
    CHECK (carer_id <> from_carer_id)
);

CREATE TABLE emergency_contact (
    id            INTEGER PRIMARY KEY,
    child_id      INTEGER NOT NULL REFERENCES child(id),
    full_name     TEXT NOT NULL,
    relationship  TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL,
    may_collect   INTEGER NOT NULL CHECK (may_collect IN (0, 1)),
    position      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX emergency_contact_child ON emergency_contact (child_id, position);

CREATE TABLE professional (
    id         INTEGER PRIMARY KEY,
    child_id   INTEGER NOT NULL REFERENCES child(id),
    agency     TEXT NOT NULL,
    full_name  TEXT NOT NULL,
    role       TEXT NOT NULL DEFAULT '',
    contact    TEXT NOT NULL DEFAULT '',
    from_date  TEXT,
    to_date    TEXT
);
CREATE INDEX professional_child ON professional (child_id);

-- Visitors never have unsupervised access: every visit names the member of staff supervising.
CREATE TABLE agency_visit (
    id              INTEGER PRIMARY KEY,
    child_id        INTEGER NOT NULL REFERENCES child(id),
    visitor         TEXT NOT NULL,
    agency          TEXT NOT NULL,
    visited_at      TEXT NOT NULL,
    purpose         TEXT NOT NULL,
    supervised_by   INTEGER NOT NULL REFERENCES staff(id),
    recorded_by     INTEGER NOT NULL REFERENCES staff(id),
    recorded_at     TEXT NOT NULL
);
CREATE INDEX agency_visit_child ON agency_visit (child_id, visited_at);

CREATE TABLE concern_category (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    guidance  TEXT NOT NULL DEFAULT '',
    active    INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    position  INTEGER NOT NULL DEFAULT 0
);

INSERT INTO concern_category (name, guidance, position) VALUES
    ('Injury or mark', 'Describe where, size and colour; what the child or carer said about how it happened. Do not photograph or examine.', 1),
    ('Something the child said', 'Write the child''s exact words. Do not ask leading questions or promise to keep a secret.', 2),
    ('Change in behaviour or mood', 'What is different, since when, and what you saw that shows it.', 3),
    ('Care and neglect', 'Hunger, hygiene, clothing, tiredness, missed health appointments: what you saw, how often.', 4),
    ('Concern about an adult', 'What the adult did or said, when, and who else saw it. Concerns about staff go to the manager at once.', 5),
    ('Attendance or missing', 'Unexplained absences or a child not collected: dates, who you contacted, what they said.', 6),
    ('Something else', 'Anything that worries you and fits nowhere above. Facts first, opinion separately.', 7);

-- The concern as first written is never rewritten: corrections are amendments (below), and a
-- trigger refuses any change to what was recorded. Review, outcome and third-party consent are
-- the DSL's later additions and live in their own columns.
CREATE TABLE concern (
    id                    INTEGER PRIMARY KEY,
    child_id              INTEGER NOT NULL REFERENCES child(id),
    author_id             INTEGER NOT NULL REFERENCES staff(id),
    seen_at               TEXT NOT NULL,
    recorded_at           TEXT NOT NULL,
    category_id           INTEGER NOT NULL REFERENCES concern_category(id),
    urgent                INTEGER NOT NULL CHECK (urgent IN (0, 1)),
    facts                 TEXT NOT NULL,
    child_words           TEXT NOT NULL DEFAULT '',
    opinion               TEXT NOT NULL DEFAULT '',
    action_taken          TEXT NOT NULL DEFAULT '',
    dsl_told_at           TEXT,
    third_party_source    TEXT NOT NULL DEFAULT '',   -- non-empty: given by another agency
    third_party_consent_at TEXT,                      -- that agency agreed it may be shared
    third_party_consent_by INTEGER REFERENCES staff(id),
    status                TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'reviewed', 'closed')),
    review_date           TEXT,
    outcome               TEXT NOT NULL DEFAULT '',
    closed_at             TEXT,
    closed_by             INTEGER REFERENCES staff(id)
);
CREATE INDEX concern_child ON concern (child_id, seen_at);
CREATE INDEX concern_author ON concern (author_id, seen_at);
CREATE INDEX concern_status ON concern (status, urgent, seen_at);

CREATE TRIGGER concern_record_is_final
BEFORE UPDATE OF child_id, author_id, seen_at, recorded_at, category_id, urgent, facts, child_words,
                 opinion, action_taken, dsl_told_at, third_party_source ON concern
BEGIN
    SELECT RAISE(ABORT, 'a recorded concern is corrected by an amendment, never rewritten');
END;

CREATE TRIGGER concern_closed_stays_closed
BEFORE UPDATE OF status ON concern WHEN OLD.status = 'closed'
BEGIN
    SELECT RAISE(ABORT, 'a closed concern stays closed');
END;

CREATE VIRTUAL TABLE concern_search USING fts5 (
    text, tokenize = "unicode61 remove_diacritics 2"
);

CREATE TABLE concern_amendment (
    id           INTEGER PRIMARY KEY,
    concern_id   INTEGER NOT NULL REFERENCES concern(id),
    field        TEXT NOT NULL,
    original     TEXT NOT NULL,
    new_text     TEXT NOT NULL,
    reason       TEXT NOT NULL,
    amended_by   INTEGER NOT NULL REFERENCES staff(id),
    amended_at   TEXT NOT NULL
);
CREATE INDEX concern_amendment_concern ON concern_amendment (concern_id, id);
CREATE TRIGGER concern_amendment_is_final BEFORE UPDATE ON concern_amendment
BEGIN
    SELECT RAISE(ABORT, 'an amendment is never rewritten');
END;

CREATE TABLE concern_review (
    id           INTEGER PRIMARY KEY,
    concern_id   INTEGER NOT NULL REFERENCES concern(id),
    note         TEXT NOT NULL,
    review_date  TEXT,
    reviewed_by  INTEGER NOT NULL REFERENCES staff(id),
    reviewed_at  TEXT NOT NULL
);
CREATE INDEX concern_review_concern ON concern_review (concern_id, id);
CREATE TRIGGER concern_review_is_final BEFORE UPDATE ON concern_review
BEGIN
    SELECT RAISE(ABORT, 'a review note is never rewritten');
END;

CREATE TABLE concern_action (
    id            INTEGER PRIMARY KEY,
    concern_id    INTEGER NOT NULL REFERENCES concern(id),
    description   TEXT NOT NULL,
    assigned_to   INTEGER NOT NULL REFERENCES staff(id),
    due_date      TEXT NOT NULL,
    created_by    INTEGER NOT NULL REFERENCES staff(id),
    created_at    TEXT NOT NULL,
    done_at       TEXT,
    done_by       INTEGER REFERENCES staff(id),
    done_note     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX concern_action_concern ON concern_action (concern_id, id);
CREATE INDEX concern_action_open ON concern_action (done_at, due_date);

-- Calls and visits from parents; a caller may stay anonymous, and an entry need not name a child.
CREATE TABLE parent_contact (
    id           INTEGER PRIMARY KEY,
    child_id     INTEGER REFERENCES child(id),
    contact_at   TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('call', 'visit', 'email', 'letter', 'other')),
    who          TEXT NOT NULL DEFAULT '',    -- empty: anonymous
    about        TEXT NOT NULL,
    action       TEXT NOT NULL DEFAULT '',
    recorded_by  INTEGER NOT NULL REFERENCES staff(id),
    recorded_at  TEXT NOT NULL
);
CREATE INDEX parent_contact_child ON parent_contact (child_id, contact_at);
CREATE INDEX parent_contact_when ON parent_contact (contact_at);
CREATE INDEX parent_contact_recorder ON parent_contact (recorded_by, contact_at);
