-- The DSL's concern queue in its own order (issue 10: search as you type under 10 ms).
--
-- A few typed letters ("col") match thousands of concerns over ten years. Looked up one by one
-- and sorted, every match was read and ordered before the first SEARCH_LIMIT were kept. With an
-- index already in the queue's order, the search walks it from the top, keeps the concerns the
-- FTS match holds, and stops once it has SEARCH_LIMIT. The expressions must stay exactly those
-- of the ORDER BY in ConcernService.queue (app/concerns.py); a test checks the plan uses this
-- index and sorts nothing. id DESC is written out because the rowid SQLite appends to every
-- index sorts ascending, and the queue breaks ties newest id first.
CREATE INDEX concern_queue_order ON concern (
    status = 'closed',
    status <> 'new',
    urgent DESC,
    coalesce(review_date, '9999'),
    seen_at DESC,
    id DESC
);
