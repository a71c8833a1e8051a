-- A contact's numbers move into its row (the same columns as SQLite's migration 0002; PostgreSQL
-- reads the start-up load column by column and has no load_image).
-- phones: a JSON array of [number (E.164), type] pairs in order, written at import.
-- phone_counts: "3,0x,1", each number's attempts in the same order with an 'x' after an invalid
-- one's, rewritten by the writer in the same UPDATE as the contact's state.
ALTER TABLE contacts ADD COLUMN phones TEXT NOT NULL DEFAULT '[]',
                     ADD COLUMN phone_counts TEXT NOT NULL DEFAULT '';
UPDATE contacts AS c
   SET phones = p.phones, phone_counts = p.counts
  FROM (SELECT campaign_id, contact_id,
               json_agg(json_build_array(number, type) ORDER BY ord)::text AS phones,
               string_agg(attempts::text || CASE WHEN invalid <> 0 THEN 'x' ELSE '' END, ',' ORDER BY ord) AS counts
          FROM contact_phones GROUP BY campaign_id, contact_id) AS p
 WHERE c.campaign_id = p.campaign_id AND c.id = p.contact_id;
ALTER TABLE contacts ALTER COLUMN phones DROP DEFAULT, ALTER COLUMN phone_counts DROP DEFAULT;
DROP TABLE contact_phones;
