-- Drafts: a half-filled form kept when the screen locks, offered back to the same person.
-- Inside the encrypted database, so a draft is as protected as a saved record.

CREATE TABLE draft (
    id        INTEGER PRIMARY KEY,
    staff_id  INTEGER NOT NULL REFERENCES staff(id),
    form      TEXT NOT NULL,          -- which form, e.g. 'staff.add'
    title     TEXT NOT NULL,          -- what the form was, in words, with no personal data
    content   TEXT NOT NULL,          -- JSON object of field name -> text
    saved_at  TEXT NOT NULL
);

CREATE INDEX draft_owner ON draft (staff_id, id);
