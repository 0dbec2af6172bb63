-- Consents and printed forms (issue 6): what each carer has agreed to, refused or withdrawn for
-- each child, the history of every change, the signed forms scanned back in, and the logo the
-- forms are printed with.

-- The kinds of consent the setting asks for. The three the guidance names are built in (code set);
-- the manager adds others (photographs, outings). A kind is retired, never deleted, so old consents
-- keep their name.
CREATE TABLE consent_kind (
    id              INTEGER PRIMARY KEY,
    code            TEXT UNIQUE CHECK (code IN ('registration', 'additional_needs', 'transition')),
    name            TEXT NOT NULL,
    wording         TEXT NOT NULL,
    names_agencies  INTEGER NOT NULL DEFAULT 0 CHECK (names_agencies IN (0, 1)),
    review_months   INTEGER NOT NULL DEFAULT 0 CHECK (review_months BETWEEN 0 AND 120),
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    position        INTEGER NOT NULL DEFAULT 0
);

INSERT INTO consent_kind (code, name, wording, names_agencies, review_months, position) VALUES
    ('registration', 'Registration declaration',
     'I have been given the setting''s information-sharing and confidentiality policy and its safeguarding policy. I understand that the setting keeps my child''s information safely and shares it only when it needs to. I understand that if the staff are worried that a child may be at risk of harm, they will share information with other services such as children''s social care or the police, and that they may do this without asking me first when asking could put a child at greater risk or cause a harmful delay.',
     0, 0, 1),
    ('additional_needs', 'Sharing information about additional needs',
     'I agree that the setting may share information about my child''s additional needs, and the support my child receives, with the agencies named below, so that they can help my child. I can change my mind at any time by telling the manager.',
     1, 12, 2),
    ('transition', 'Passing on development summaries',
     'I agree that the setting may pass my child''s development summaries and learning records to my child''s next setting or school when my child moves on, so that the staff there can get to know my child. I can change my mind at any time by telling the manager.',
     0, 0, 3);

-- The current answer of one carer for one child and one kind. carer_name keeps who it was if the
-- carer is later deleted from the records.
CREATE TABLE consent (
    id           INTEGER PRIMARY KEY,
    child_id     INTEGER NOT NULL REFERENCES child(id),
    carer_id     INTEGER REFERENCES carer(id) ON DELETE SET NULL,
    carer_name   TEXT NOT NULL,
    kind_id      INTEGER NOT NULL REFERENCES consent_kind(id),
    status       TEXT NOT NULL CHECK (status IN ('requested', 'given', 'refused', 'withdrawn')),
    status_on    TEXT NOT NULL,
    how          TEXT CHECK (how IN ('signed_form', 'verbal', 'in_writing')),
    heard_by     INTEGER REFERENCES staff(id),
    agencies     TEXT NOT NULL DEFAULT '',
    review_on    TEXT,
    note         TEXT NOT NULL DEFAULT '',
    recorded_by  INTEGER NOT NULL REFERENCES staff(id),
    recorded_at  TEXT NOT NULL,
    UNIQUE (child_id, carer_id, kind_id)
);
CREATE INDEX consent_child ON consent (child_id, kind_id);
CREATE INDEX consent_carer ON consent (carer_id);
CREATE INDEX consent_review ON consent (review_on) WHERE review_on IS NOT NULL;

-- Every change to a consent, in order: requested, given, refused, withdrawn. Never rewritten.
CREATE TABLE consent_event (
    id           INTEGER PRIMARY KEY,
    consent_id   INTEGER NOT NULL REFERENCES consent(id),
    status       TEXT NOT NULL CHECK (status IN ('requested', 'given', 'refused', 'withdrawn')),
    status_on    TEXT NOT NULL,
    how          TEXT CHECK (how IN ('signed_form', 'verbal', 'in_writing')),
    heard_by     INTEGER REFERENCES staff(id),
    agencies     TEXT NOT NULL DEFAULT '',
    review_on    TEXT,
    note         TEXT NOT NULL DEFAULT '',
    recorded_by  INTEGER NOT NULL REFERENCES staff(id),
    recorded_at  TEXT NOT NULL
);
CREATE INDEX consent_event_consent ON consent_event (consent_id, id);

CREATE TRIGGER consent_event_kept
BEFORE UPDATE ON consent_event
BEGIN
    SELECT RAISE(ABORT, 'the history of a consent is never rewritten');
END;

-- A signed form scanned back in (PDF, PNG or JPEG), kept inside the encrypted database and never
-- written to disk in plain form. It belongs to the change it proves.
CREATE TABLE consent_form (
    id          INTEGER PRIMARY KEY,
    consent_id  INTEGER NOT NULL REFERENCES consent(id),
    event_id    INTEGER NOT NULL REFERENCES consent_event(id),
    media_type  TEXT NOT NULL CHECK (media_type IN ('application/pdf', 'image/png', 'image/jpeg')),
    size        INTEGER NOT NULL,
    data        BLOB NOT NULL,
    added_by    INTEGER NOT NULL REFERENCES staff(id),
    added_at    TEXT NOT NULL,
    -- a scan attached by mistake: its bytes are dropped, the fact and the reason stay
    removed_by     INTEGER REFERENCES staff(id),
    removed_at     TEXT,
    removed_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX consent_form_consent ON consent_form (consent_id);

-- The setting's logo for the top of printed forms (one row at most).
CREATE TABLE provider_logo (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    media_type  TEXT NOT NULL CHECK (media_type IN ('image/png', 'image/jpeg')),
    data        BLOB NOT NULL
);
