-- The information-sharing decision log (issue 5): every request to share, or wish to share,
-- walked through the decision path and recorded whether or not anything is shared.
--
-- An intake stays 'open' while the DSL works through it; once 'final' the row is never rewritten
-- (a trigger refuses it) and corrections are amendments that keep the original text.

CREATE TABLE share_request (
    id                 INTEGER PRIMARY KEY,
    direction          TEXT NOT NULL CHECK (direction IN ('request', 'proactive')),
    received_via       TEXT NOT NULL
                       CHECK (received_via IN ('phone', 'email', 'letter', 'in_person', 'meeting', 'own_initiative')),
    received_at        TEXT NOT NULL,
    opened_by          INTEGER NOT NULL REFERENCES staff(id),
    opened_at          TEXT NOT NULL,
    requester_org      TEXT NOT NULL DEFAULT '',
    requester_name     TEXT NOT NULL DEFAULT '',
    requester_role     TEXT NOT NULL DEFAULT '',
    requester_contact  TEXT NOT NULL DEFAULT '',
    asked_for          TEXT NOT NULL,
    purpose            TEXT NOT NULL DEFAULT '',
    urgency            TEXT NOT NULL CHECK (urgency IN ('routine', 'soon', 'urgent')),
    -- a telephone request: the number taken, how it was checked, the call back (policy 003 §11)
    phone_number       TEXT NOT NULL DEFAULT '',
    verified_how       TEXT NOT NULL DEFAULT '',
    called_back_at     TEXT,
    called_back_by     INTEGER REFERENCES staff(id),
    status             TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'final')),
    -- the decision path: JSON {question: answer}; verdict and ground as app.policy.sharing_path computed them
    answers            TEXT NOT NULL DEFAULT '{}',
    verdict            TEXT NOT NULL DEFAULT 'undecided',
    ground             TEXT,
    criterion          TEXT,
    consent_reason     TEXT NOT NULL DEFAULT '',
    -- the outcome
    reasons            TEXT NOT NULL DEFAULT '',
    lawful_basis       TEXT,
    special_condition  TEXT,
    recipient_name     TEXT NOT NULL DEFAULT '',
    recipient_role     TEXT NOT NULL DEFAULT '',
    recipient_org      TEXT NOT NULL DEFAULT '',
    shared_how         TEXT NOT NULL DEFAULT '',
    secured_how        TEXT NOT NULL DEFAULT '',
    retention          TEXT NOT NULL DEFAULT '',
    shared_on          TEXT,
    family_told        TEXT CHECK (family_told IN ('told', 'will_tell', 'not_told')),
    family_reason      TEXT NOT NULL DEFAULT '',
    identity_protection TEXT NOT NULL DEFAULT '',
    discussed_with_requester INTEGER CHECK (discussed_with_requester IN (0, 1)),
    discussed_note     TEXT NOT NULL DEFAULT '',
    -- management backing: a second manager or DSL signed in to confirm, or (only one in the
    -- setting) the person consulted and how
    backed_by          INTEGER REFERENCES staff(id),
    backed_role        TEXT NOT NULL DEFAULT '',
    backed_at          TEXT,
    consulted          TEXT NOT NULL DEFAULT '',
    consulted_how      TEXT NOT NULL DEFAULT '',
    decided_by         INTEGER REFERENCES staff(id),
    decided_role       TEXT NOT NULL DEFAULT '',
    decided_at         TEXT
);
CREATE INDEX share_request_status ON share_request (status, urgency, received_at);
-- The DSL's queue in its own order, so the first 200 of a search are found without sorting all.
CREATE INDEX share_request_queue ON share_request (
    status = 'final', urgency = 'urgent' DESC, urgency = 'soon' DESC, received_at DESC, id DESC
);
CREATE INDEX share_request_opened_by ON share_request (opened_by);

CREATE TRIGGER share_request_is_final
BEFORE UPDATE ON share_request WHEN OLD.status = 'final'
BEGIN
    SELECT RAISE(ABORT, 'a finalised decision is corrected by an amendment, never rewritten');
END;

CREATE TRIGGER share_request_final_kept
BEFORE DELETE ON share_request WHEN OLD.status = 'final'
BEGIN
    SELECT RAISE(ABORT, 'a finalised decision is never deleted');
END;

CREATE VIRTUAL TABLE share_search USING fts5 (
    text,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- What the request is about. Labels keep the name as it was, should a carer or professional
-- later be removed from the child's record.
CREATE TABLE share_child (
    request_id  INTEGER NOT NULL REFERENCES share_request(id),
    child_id    INTEGER NOT NULL REFERENCES child(id),
    PRIMARY KEY (request_id, child_id)
) WITHOUT ROWID;
CREATE INDEX share_child_child ON share_child (child_id);

CREATE TABLE share_carer (
    request_id  INTEGER NOT NULL REFERENCES share_request(id),
    carer_id    INTEGER REFERENCES carer(id) ON DELETE SET NULL,
    label       TEXT NOT NULL
);
CREATE INDEX share_carer_request ON share_carer (request_id);

CREATE TABLE share_concern (
    request_id  INTEGER NOT NULL REFERENCES share_request(id),
    concern_id  INTEGER NOT NULL REFERENCES concern(id),
    PRIMARY KEY (request_id, concern_id)
) WITHOUT ROWID;
CREATE INDEX share_concern_concern ON share_concern (concern_id);

CREATE TABLE share_professional (
    request_id      INTEGER NOT NULL REFERENCES share_request(id),
    professional_id INTEGER REFERENCES professional(id) ON DELETE SET NULL,
    label           TEXT NOT NULL
);
CREATE INDEX share_professional_request ON share_professional (request_id);

-- Advice sought when someone was not sure (golden rule 3): from whom, what they said, and
-- whether the child had to be named to them.
CREATE TABLE share_advice (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES share_request(id),
    question    TEXT NOT NULL,
    adviser     TEXT NOT NULL,
    advice      TEXT NOT NULL,
    child_named INTEGER NOT NULL CHECK (child_named IN (0, 1)),
    sought_at   TEXT NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX share_advice_request ON share_advice (request_id);

-- Exactly what is shared, each item marked fact or opinion, with the words as they were shared.
CREATE TABLE share_item (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES share_request(id),
    source      TEXT NOT NULL,
    source_id   INTEGER,
    label       TEXT NOT NULL,
    content     TEXT NOT NULL,
    nature      TEXT NOT NULL CHECK (nature IN ('fact', 'opinion'))
);
CREATE INDEX share_item_request ON share_item (request_id);

-- Links, advice and items of a finalised decision are as final as the decision.
CREATE TRIGGER share_child_final_insert BEFORE INSERT ON share_child
WHEN (SELECT status FROM share_request WHERE id = NEW.request_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'a finalised decision is never rewritten'); END;
CREATE TRIGGER share_child_final_delete BEFORE DELETE ON share_child
WHEN (SELECT status FROM share_request WHERE id = OLD.request_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'a finalised decision is never rewritten'); END;
CREATE TRIGGER share_carer_final_insert BEFORE INSERT ON share_carer
WHEN (SELECT status FROM share_request WHERE id = NEW.request_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'a finalised decision is never rewritten'); END;
CREATE TRIGGER share_carer_final_delete BEFORE DELETE ON share_carer
WHEN (SELECT status FROM share_request WHERE id = OLD.request_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'a finalised decision is never rewritten'); END;
CREATE TRIGGER share_concern_final_insert BEFORE INSERT ON share_concern
WHEN (SELECT status FROM share_request WHERE id = NEW.request_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'a finalised decision is never rewritten'); END;
CREATE TRIGGER share_concern_final_delete BEFORE DELETE ON share_concern
WHEN (SELECT status FROM share_request WHERE id = OLD.request_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'a finalised decision is never rewritten'); END;
CREATE TRIGGER share_professional_final_insert BEFORE INSERT ON share_professional
WHEN (SELECT status FROM share_request WHERE id = NEW.request_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'a finalised decision is never rewritten'); END;
CREATE TRIGGER share_professional_final_delete BEFORE DELETE ON share_professional
WHEN (SELECT status FROM share_request WHERE id = OLD.request_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'a finalised decision is never rewritten'); END;
CREATE TRIGGER share_advice_final_insert BEFORE INSERT ON share_advice
WHEN (SELECT status FROM share_request WHERE id = NEW.request_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'a finalised decision is never rewritten'); END;
CREATE TRIGGER share_advice_is_final BEFORE UPDATE ON share_advice
BEGIN SELECT RAISE(ABORT, 'recorded advice is never rewritten'); END;
CREATE TRIGGER share_item_final_insert BEFORE INSERT ON share_item
WHEN (SELECT status FROM share_request WHERE id = NEW.request_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'a finalised decision is never rewritten'); END;
CREATE TRIGGER share_item_final_change BEFORE UPDATE ON share_item
WHEN (SELECT status FROM share_request WHERE id = OLD.request_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'a finalised decision is never rewritten'); END;
CREATE TRIGGER share_item_final_delete BEFORE DELETE ON share_item
WHEN (SELECT status FROM share_request WHERE id = OLD.request_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'a finalised decision is never rewritten'); END;

CREATE TABLE share_amendment (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES share_request(id),
    field       TEXT NOT NULL,
    original    TEXT NOT NULL,
    new_text    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    amended_by  INTEGER NOT NULL REFERENCES staff(id),
    amended_at  TEXT NOT NULL
);
CREATE INDEX share_amendment_request ON share_amendment (request_id);
CREATE TRIGGER share_amendment_is_final BEFORE UPDATE ON share_amendment
BEGIN SELECT RAISE(ABORT, 'an amendment is never rewritten'); END;
CREATE TRIGGER share_amendment_kept BEFORE DELETE ON share_amendment
BEGIN SELECT RAISE(ABORT, 'an amendment is never deleted'); END;

-- Follow-ups after a decision: tell the family, confirm receipt, review. Overdue ones show on the
-- DSL's queue.
CREATE TABLE share_followup (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES share_request(id),
    kind        TEXT NOT NULL CHECK (kind IN ('tell_family', 'confirm_receipt', 'review', 'other')),
    description TEXT NOT NULL DEFAULT '',
    due_date    TEXT NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES staff(id),
    created_at  TEXT NOT NULL,
    done_at     TEXT,
    done_by     INTEGER REFERENCES staff(id),
    done_note   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX share_followup_request ON share_followup (request_id);
CREATE INDEX share_followup_open ON share_followup (due_date) WHERE done_at IS NULL;

-- The child-protection file sent on when a child leaves (KCSIE): to whom, how, when, and the
-- receipt. No receipt after 5 school days shows as overdue.
CREATE TABLE child_transfer (
    id                 INTEGER PRIMARY KEY,
    child_id           INTEGER NOT NULL REFERENCES child(id),
    receiving_setting  TEXT NOT NULL,
    receiving_person   TEXT NOT NULL DEFAULT '',
    sent_how           TEXT NOT NULL,
    sent_on            TEXT NOT NULL,
    sent_by            INTEGER NOT NULL REFERENCES staff(id),
    recorded_at        TEXT NOT NULL,
    received_on        TEXT,
    receipt_note       TEXT NOT NULL DEFAULT '',
    receipt_by         INTEGER REFERENCES staff(id),
    receipt_at         TEXT
);
CREATE INDEX child_transfer_child ON child_transfer (child_id);
CREATE INDEX child_transfer_waiting ON child_transfer (sent_on) WHERE received_on IS NULL;
