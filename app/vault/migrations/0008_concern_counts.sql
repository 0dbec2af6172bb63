-- The navigation badge's counts of new, urgent and overdue concerns (issue 10: no UI-thread stall).
--
-- ConcernService.counts ran once a minute and at every sign-in as one pass over every open
-- concern, testing each for an overdue action: 17 ms warm and over 100 ms just after sign-in on
-- the 10-year dataset, every table page read and decrypted while the window waited for the
-- database behind it. It now counts from indexes: new and urgent from concern_status, the open
-- concerns past their review date from this partial index (status is in it so it covers the
-- query), and the rest of the overdue ones from the few open actions past their due date
-- (concern_action_open). A test checks the counts against the concerns' own overdue().
CREATE INDEX concern_review_due ON concern (review_date, status) WHERE status <> 'closed';
