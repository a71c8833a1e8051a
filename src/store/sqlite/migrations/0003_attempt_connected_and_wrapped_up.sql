-- An attempt's answer and its connection are two moments, and so are the call's end and the
-- wrap-up's (API.md "An attempt"): answered_at is now the far end's answer, before any CPA verdict;
-- connected_at is when the agent hears the customer; ended_at is the call's end, which the wrap-up
-- no longer moves; wrapped_up_at is when the wrap-up was done. Epoch milliseconds like answered_at,
-- NULL when it did not happen (or, for older rows, is not known). The PostgreSQL twin is
-- src/store/postgres/migrations/0003_attempt_connected_and_wrapped_up.sql.
--
-- Adding a column without a default rewrites nothing; each derivation below is one UPDATE.
ALTER TABLE attempts ADD COLUMN connected_at INTEGER;
ALTER TABLE attempts ADD COLUMN wrapped_up_at INTEGER;

-- Before this version the answer was reported together with the CPA verdict, so an older row's
-- answered_at is the moment the call was connected when it was: for a `connected` outcome, and for
-- a `machine` one that CPA put through to the agent (sip_code 0: one that CPA hung up has the
-- answer's 200). Every other row was never connected, or is not known to have been (an
-- `interrupted` row may have been held in CPA), and keeps NULL.
UPDATE attempts SET connected_at = answered_at
 WHERE answered_at IS NOT NULL AND (outcome = 'connected' OR (outcome = 'machine' AND sip_code = 0));

-- Only the wrap-up gives an attempt a disposition, and it overwrote ended_at with its own time: on
-- those rows ended_at is the wrap-up's moment. The true end of those calls is lost: their ended_at
-- stays the wrap-up's time (the call ended at or before it).
UPDATE attempts SET wrapped_up_at = ended_at WHERE disposition <> '';
