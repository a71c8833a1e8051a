-- A contact's numbers move into its row, and the row gets its start-up image.
--
-- phones: the numbers and their types in order, a JSON array of [number, type] pairs (like
-- fields), written at import. phone_counts: each number's attempts in the same order,
-- comma-separated, with an 'x' after an invalid one's ("3,0x,1"), rewritten by the writer in the
-- same UPDATE as the contact's state. One row instead of a second table saves the start-up load a
-- scan and every dial a page of another B-tree.
--
-- load_image: everything the start-up load reads of a row but its id and fields, in the layout of
-- store/sql/row_codec.h (AppendLoadImage, DecodeLoadImage). Reading one value per row instead of
-- a dozen is most of what makes a start-up with 10,000,000 contacts take seconds rather than half
-- a minute. The insert writes it (computed in C++: as a stored generated column it cost an import
-- 2.7 µs a row), and every UPDATE of the columns in its head (up to its '|') rewrites the head in
-- the same statement (store/sql/sql_database.cc kSqliteImageHead; a trigger doing it cost the
-- writer a sixth of its rate). The tail (time zone, name, numbers) never changes.
--
-- SQLite cannot add a stored column to a table, so the table is rebuilt (the procedure of
-- https://sqlite.org/lang_altertable.html: the migration runs with foreign keys off and checks
-- them before it commits). Ids keep their values and AUTOINCREMENT its high-water mark.
CREATE TABLE contacts_v2 (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  -- First in the record, so that reading it does not walk the header past the other columns.
  load_image        TEXT NOT NULL,
  -- Next, read beside load_image at start-up: custom fields are often the longest part of a row,
  -- and a copy of them in load_image made an import write a third more.
  fields            TEXT NOT NULL,      -- JSON array of [name, value] pairs, in order
  campaign_id       INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  name              TEXT NOT NULL,
  timezone          TEXT NOT NULL,
  priority          INTEGER NOT NULL,
  state             TEXT NOT NULL,
  attempts_made     INTEGER NOT NULL,
  next_eligible_at  INTEGER NOT NULL,
  last_outcome      TEXT,
  callback          INTEGER NOT NULL,
  callback_agent    INTEGER,
  claimed_by        TEXT,
  claimed_until     INTEGER,
  phones            TEXT NOT NULL,      -- JSON array of [number (E.164), type] pairs, in order
  phone_counts      TEXT NOT NULL,      -- "3,0x,1": attempts per number, 'x' after an invalid one's
  UNIQUE (campaign_id, id)
);

-- The numbers of a contact, read in order through contact_phones' key.
INSERT INTO contacts_v2 (id, campaign_id, name, timezone, priority, fields, state, attempts_made,
                         next_eligible_at, last_outcome, callback, callback_agent, claimed_by, claimed_until,
                         phones, phone_counts, load_image)
SELECT id, campaign_id, name, timezone, priority, fields, state, attempts_made, next_eligible_at, last_outcome,
       callback, callback_agent, claimed_by, claimed_until, phones, phone_counts,
       printf('%d %d %d %d %d %d %s %s %s|%d:%s%d:%s%d:%s', campaign_id, priority, attempts_made, next_eligible_at,
              callback, coalesce(callback_agent, 0), state, coalesce(last_outcome, '-'), phone_counts,
              length(CAST(timezone AS BLOB)), timezone, length(CAST(name AS BLOB)), name,
              length(CAST(phones AS BLOB)), phones)
FROM (
SELECT c.id, c.campaign_id, c.name, c.timezone, c.priority, c.fields, c.state, c.attempts_made,
       c.next_eligible_at, c.last_outcome, c.callback, c.callback_agent, c.claimed_by, c.claimed_until,
       (SELECT json_group_array(json_array(p.number, p.type))
          FROM (SELECT number, type FROM contact_phones
                 WHERE campaign_id = c.campaign_id AND contact_id = c.id ORDER BY ord) AS p) AS phones,
       coalesce((SELECT group_concat(p.attempts || CASE WHEN p.invalid <> 0 THEN 'x' ELSE '' END, ',')
                   FROM (SELECT attempts, invalid FROM contact_phones
                          WHERE campaign_id = c.campaign_id AND contact_id = c.id ORDER BY ord) AS p), '') AS phone_counts
  FROM contacts AS c) ORDER BY id;

-- Ids are never reused: the new table continues from the old one's high-water mark.
INSERT INTO sqlite_sequence (name, seq) SELECT 'contacts_v2', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'contacts_v2');
UPDATE sqlite_sequence
   SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'contacts'), 0))
 WHERE name = 'contacts_v2';

DROP TABLE contact_phones;
DROP TABLE contacts;
ALTER TABLE contacts_v2 RENAME TO contacts;
CREATE INDEX contacts_campaign_state ON contacts(campaign_id, state, id);
CREATE INDEX contacts_in_progress ON contacts(id) WHERE state = 'in_progress';
