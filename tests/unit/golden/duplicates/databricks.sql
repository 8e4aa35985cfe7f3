-- cio-tui duplicate rules, databricks SQL.
-- Reads the people table crm.people (cio_id = internal_customer_id, id = customer_id, email = email, created_at = created_at, anonymous_id = anonymous_id; email attributes work_email).
-- Writes the table crm.dupes (group_id, cio_id, rules, confidence, is_primary, needs_review_reason): one row per person in a group;
-- group_id is the group's smallest cio_id; needs_review_reason is empty when the group is merge-ready.
-- Groups of more than 50 people (max_group_size) need review: likely a bad key.
-- Plan the merges from it: cio-tui plan merge-duplicates --from-groups FILE (the table as CSV or Parquet).
-- Rules:
--   1 same_email (medium): Same email on several people
--   2 lead_and_id_person (high): Email-only lead and a person with an id share the email
--   3 email_as_id (high): Id that is another person's email
--   4 case_variant_id (medium): Ids equal except for case
--   5 shared_anonymous_id (low): Shared anonymous_id

-- the people table, normalised
CREATE OR REPLACE TABLE cio_dup_rows AS
SELECT NULLIF(CAST(`internal_customer_id` AS STRING), '') AS node, NULLIF(CAST(`customer_id` AS STRING), '') AS id, CASE WHEN NULLIF(CAST(`email` AS STRING), '') = NULLIF(LOWER(TRIM(CAST(`email` AS STRING))), '') THEN NULL ELSE NULLIF(CAST(`email` AS STRING), '') END AS email_raw, NULLIF(LOWER(TRIM(CAST(`email` AS STRING))), '') AS email_norm, NULLIF(CAST(`created_at` AS STRING), '') AS created_at, CASE WHEN LENGTH(CAST(`anonymous_id` AS STRING)) <= 12 AND LOWER(TRIM(CAST(`anonymous_id` AS STRING))) IN ('null', 'undefined', 'none', 'nil', '0', '-', '') THEN NULL ELSE CAST(`anonymous_id` AS STRING) END AS anon, NULLIF(LOWER(TRIM(CAST(`work_email` AS STRING))), '') AS e0 FROM crm.people;

-- one row per row and shared key
CREATE OR REPLACE TABLE cio_dup_row_edges AS
WITH email_rows AS (SELECT email_norm AS key, id, node AS node FROM cio_dup_rows WHERE NOT email_norm IS NULL AND NOT node IS NULL), emails AS (SELECT key, COUNT(*) AS n, COUNT(id) AS n_id FROM email_rows GROUP BY key HAVING COUNT(*) > 1), same_email AS (SELECT 1 AS rule, x.key, x.node FROM email_rows AS x JOIN emails AS e ON e.key = x.key), lead_rows AS (SELECT 2 AS rule, x.key, x.node FROM email_rows AS x JOIN emails AS e ON e.key = x.key WHERE e.n_id > 0 AND e.n_id < e.n), attr_holders AS (SELECT e0 AS key, node AS node FROM cio_dup_rows WHERE NOT id IS NULL AND NOT e0 IS NULL AND NOT node IS NULL), leads AS (SELECT email_norm AS key, node AS node FROM cio_dup_rows WHERE id IS NULL AND NOT email_norm IS NULL AND NOT node IS NULL), attr_pairs AS (SELECT 2 AS rule, key, node FROM attr_holders WHERE key IN (SELECT key FROM leads) UNION ALL SELECT 2 AS rule, key, node FROM leads WHERE key IN (SELECT key FROM attr_holders)), id_emails AS (SELECT LOWER(TRIM(id)) AS key, node AS node FROM cio_dup_rows WHERE NOT id IS NULL AND NOT node IS NULL AND CASE WHEN id LIKE '%@%' THEN REGEXP_LIKE(TRIM(id), '^[^@\\s]+@[^@\\s]+[.][^@\\s]+$') ELSE FALSE END), email_as_id_pairs AS (SELECT i.key, i.node AS a, x.node AS b FROM id_emails AS i JOIN cio_dup_rows AS x ON x.email_norm = i.key AND x.node <> i.node), email_as_id AS (SELECT 3 AS rule, key, a AS node FROM email_as_id_pairs UNION ALL SELECT 3 AS rule, key, b AS node FROM email_as_id_pairs), upper_ids AS (SELECT LOWER(id) AS key, id, node AS node FROM cio_dup_rows WHERE id <> LOWER(id) AND NOT node IS NULL), case_ids AS (SELECT key, id, node FROM upper_ids UNION ALL SELECT id AS key, id, node AS node FROM cio_dup_rows WHERE id IN (SELECT key FROM upper_ids) AND NOT node IS NULL), case_variant_id AS (SELECT 4 AS rule, key, node FROM case_ids WHERE key IN (SELECT key FROM case_ids GROUP BY key HAVING COUNT(DISTINCT id) > 1)), anon_rows AS (SELECT anon AS key, node AS node FROM cio_dup_rows WHERE NOT anon IS NULL AND NOT node IS NULL), shared_anonymous_id AS (SELECT 5 AS rule, key, node FROM anon_rows WHERE key IN (SELECT key FROM anon_rows GROUP BY key HAVING COUNT(*) > 1)) SELECT rule, key, node FROM same_email UNION ALL SELECT rule, key, node FROM lead_rows UNION ALL SELECT rule, key, node FROM attr_pairs UNION ALL SELECT rule, key, node FROM email_as_id UNION ALL SELECT rule, key, node FROM case_variant_id UNION ALL SELECT rule, key, node FROM shared_anonymous_id;

-- the linked rows, numbered per cio_id
CREATE OR REPLACE TABLE cio_dup_copies AS
SELECT node, id, email_raw, email_norm, created_at, anon, e0, CAST(NULL AS BIGINT) AS ord, ROW_NUMBER() OVER (PARTITION BY node ORDER BY id, email_norm, email_raw, created_at) AS copy_no FROM cio_dup_rows WHERE node IN (SELECT node FROM cio_dup_row_edges);

-- one row per cio_id (its first row counts)
CREATE OR REPLACE TABLE cio_dup_people AS
SELECT node, id, email_raw, email_norm, created_at, anon, e0 FROM cio_dup_rows WHERE NOT node IS NULL AND NOT node IN (SELECT node FROM cio_dup_copies) UNION ALL SELECT node, id, email_raw, email_norm, created_at, anon, e0 FROM cio_dup_copies WHERE copy_no = 1;

-- one row per person and shared key
CREATE OR REPLACE TABLE cio_dup_edges AS
WITH email_rows AS (SELECT email_norm AS key, id, node AS node FROM cio_dup_people WHERE NOT email_norm IS NULL AND NOT node IS NULL), emails AS (SELECT key, COUNT(*) AS n, COUNT(id) AS n_id FROM email_rows GROUP BY key HAVING COUNT(*) > 1), same_email AS (SELECT 1 AS rule, x.key, x.node FROM email_rows AS x JOIN emails AS e ON e.key = x.key), lead_rows AS (SELECT 2 AS rule, x.key, x.node FROM email_rows AS x JOIN emails AS e ON e.key = x.key WHERE e.n_id > 0 AND e.n_id < e.n), attr_holders AS (SELECT e0 AS key, node AS node FROM cio_dup_people WHERE NOT id IS NULL AND NOT e0 IS NULL AND NOT node IS NULL), leads AS (SELECT email_norm AS key, node AS node FROM cio_dup_people WHERE id IS NULL AND NOT email_norm IS NULL AND NOT node IS NULL), attr_pairs AS (SELECT 2 AS rule, key, node FROM attr_holders WHERE key IN (SELECT key FROM leads) UNION ALL SELECT 2 AS rule, key, node FROM leads WHERE key IN (SELECT key FROM attr_holders)), id_emails AS (SELECT LOWER(TRIM(id)) AS key, node AS node FROM cio_dup_people WHERE NOT id IS NULL AND NOT node IS NULL AND CASE WHEN id LIKE '%@%' THEN REGEXP_LIKE(TRIM(id), '^[^@\\s]+@[^@\\s]+[.][^@\\s]+$') ELSE FALSE END), email_as_id_pairs AS (SELECT i.key, i.node AS a, x.node AS b FROM id_emails AS i JOIN cio_dup_people AS x ON x.email_norm = i.key AND x.node <> i.node), email_as_id AS (SELECT 3 AS rule, key, a AS node FROM email_as_id_pairs UNION ALL SELECT 3 AS rule, key, b AS node FROM email_as_id_pairs), upper_ids AS (SELECT LOWER(id) AS key, id, node AS node FROM cio_dup_people WHERE id <> LOWER(id) AND NOT node IS NULL), case_ids AS (SELECT key, id, node FROM upper_ids UNION ALL SELECT id AS key, id, node AS node FROM cio_dup_people WHERE id IN (SELECT key FROM upper_ids) AND NOT node IS NULL), case_variant_id AS (SELECT 4 AS rule, key, node FROM case_ids WHERE key IN (SELECT key FROM case_ids GROUP BY key HAVING COUNT(DISTINCT id) > 1)), anon_rows AS (SELECT anon AS key, node AS node FROM cio_dup_people WHERE NOT anon IS NULL AND NOT node IS NULL), shared_anonymous_id AS (SELECT 5 AS rule, key, node FROM anon_rows WHERE key IN (SELECT key FROM anon_rows GROUP BY key HAVING COUNT(*) > 1)) SELECT rule, key, node FROM same_email UNION ALL SELECT rule, key, node FROM lead_rows UNION ALL SELECT rule, key, node FROM attr_pairs UNION ALL SELECT rule, key, node FROM email_as_id UNION ALL SELECT rule, key, node FROM case_variant_id UNION ALL SELECT rule, key, node FROM shared_anonymous_id;

-- links by any rule (link set t 1)
CREATE OR REPLACE TABLE cio_dup_links AS
WITH star AS (SELECT node AS a, MIN(node) OVER (PARTITION BY rule, key) AS b, CASE rule WHEN 1 THEN 2 WHEN 2 THEN 3 WHEN 3 THEN 3 WHEN 4 THEN 2 WHEN 5 THEN 1 END AS tier FROM cio_dup_edges), sets AS (SELECT 1 AS t, a, b, tier FROM star WHERE a <> b) SELECT t, a, b FROM sets UNION ALL SELECT t, b AS a, a AS b FROM sets;

CREATE OR REPLACE TABLE cio_dup_labels_0 AS
SELECT t, a AS node, LEAST(a, MIN(b)) AS label, 1 AS changed FROM cio_dup_links GROUP BY t, a;

CREATE OR REPLACE TABLE cio_dup_labels_1 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_labels_0 AS l JOIN cio_dup_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_labels_0 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_labels_0 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_labels_2 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_labels_1 AS l JOIN cio_dup_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_labels_1 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_labels_1 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_labels_3 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_labels_2 AS l JOIN cio_dup_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_labels_2 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_labels_2 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_labels_4 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_labels_3 AS l JOIN cio_dup_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_labels_3 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_labels_3 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_labels_5 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_labels_4 AS l JOIN cio_dup_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_labels_4 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_labels_4 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_labels_6 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_labels_5 AS l JOIN cio_dup_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_labels_5 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_labels_5 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_labels_7 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_labels_6 AS l JOIN cio_dup_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_labels_6 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_labels_6 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_labels_8 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_labels_7 AS l JOIN cio_dup_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_labels_7 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_labels_7 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_labels_9 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_labels_8 AS l JOIN cio_dup_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_labels_8 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_labels_8 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_labels_10 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_labels_9 AS l JOIN cio_dup_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_labels_9 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_labels_9 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_labels_11 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_labels_10 AS l JOIN cio_dup_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_labels_10 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_labels_10 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_labels_12 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_labels_11 AS l JOIN cio_dup_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_labels_11 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_labels_11 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_labels_13 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_labels_12 AS l JOIN cio_dup_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_labels_12 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_labels_12 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_labels_14 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_labels_13 AS l JOIN cio_dup_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_labels_13 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_labels_13 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_labels_15 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_labels_14 AS l JOIN cio_dup_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_labels_14 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_labels_14 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_labels_16 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_labels_15 AS l JOIN cio_dup_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_labels_15 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_labels_15 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

-- per group: its tiers and rules
CREATE OR REPLACE TABLE cio_dup_group_rules AS
SELECT l.label AS gid, MAX(CASE e.rule WHEN 1 THEN 2 WHEN 2 THEN 3 WHEN 3 THEN 3 WHEN 4 THEN 2 WHEN 5 THEN 1 END) AS tier, MIN(CASE e.rule WHEN 1 THEN 2 WHEN 2 THEN 3 WHEN 3 THEN 3 WHEN 4 THEN 2 WHEN 5 THEN 1 END) AS min_tier, MAX(CASE WHEN e.rule = 1 THEN 1 ELSE 0 END) AS r1, MAX(CASE WHEN e.rule = 2 THEN 1 ELSE 0 END) AS r2, MAX(CASE WHEN e.rule = 3 THEN 1 ELSE 0 END) AS r3, MAX(CASE WHEN e.rule = 4 THEN 1 ELSE 0 END) AS r4, MAX(CASE WHEN e.rule = 5 THEN 1 ELSE 0 END) AS r5 FROM cio_dup_edges AS e JOIN (SELECT node, label FROM cio_dup_labels_16 WHERE t = 1) AS l ON l.node = e.node GROUP BY l.label;

-- the groups whose rules are of more than one tier
CREATE OR REPLACE TABLE cio_dup_mixed AS
SELECT gid FROM cio_dup_group_rules WHERE tier <> min_tier;

-- their links: t 3 high, t 2 medium+
CREATE OR REPLACE TABLE cio_dup_tier_links AS
WITH star AS (SELECT node AS a, MIN(node) OVER (PARTITION BY rule, key) AS b, CASE rule WHEN 1 THEN 2 WHEN 2 THEN 3 WHEN 3 THEN 3 WHEN 4 THEN 2 WHEN 5 THEN 1 END AS tier FROM (SELECT e.rule, e.key, e.node FROM cio_dup_edges AS e JOIN (SELECT node, label FROM cio_dup_labels_16 WHERE t = 1) AS l ON l.node = e.node WHERE l.label IN (SELECT gid FROM cio_dup_mixed)) AS me), sets AS (SELECT 3 AS t, a, b, tier FROM star WHERE a <> b AND tier >= 3 UNION ALL SELECT 2 AS t, a, b, tier FROM star WHERE a <> b AND tier >= 2) SELECT t, a, b FROM sets UNION ALL SELECT t, b AS a, a AS b FROM sets;

CREATE OR REPLACE TABLE cio_dup_tier_labels_0 AS
SELECT t, a AS node, LEAST(a, MIN(b)) AS label, 1 AS changed FROM cio_dup_tier_links GROUP BY t, a;

CREATE OR REPLACE TABLE cio_dup_tier_labels_1 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_tier_labels_0 AS l JOIN cio_dup_tier_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_tier_labels_0 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_tier_labels_0 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_tier_labels_2 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_tier_labels_1 AS l JOIN cio_dup_tier_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_tier_labels_1 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_tier_labels_1 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_tier_labels_3 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_tier_labels_2 AS l JOIN cio_dup_tier_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_tier_labels_2 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_tier_labels_2 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_tier_labels_4 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_tier_labels_3 AS l JOIN cio_dup_tier_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_tier_labels_3 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_tier_labels_3 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_tier_labels_5 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_tier_labels_4 AS l JOIN cio_dup_tier_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_tier_labels_4 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_tier_labels_4 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_tier_labels_6 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_tier_labels_5 AS l JOIN cio_dup_tier_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_tier_labels_5 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_tier_labels_5 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_tier_labels_7 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_tier_labels_6 AS l JOIN cio_dup_tier_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_tier_labels_6 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_tier_labels_6 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_tier_labels_8 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_tier_labels_7 AS l JOIN cio_dup_tier_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_tier_labels_7 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_tier_labels_7 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_tier_labels_9 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_tier_labels_8 AS l JOIN cio_dup_tier_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_tier_labels_8 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_tier_labels_8 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_tier_labels_10 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_tier_labels_9 AS l JOIN cio_dup_tier_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_tier_labels_9 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_tier_labels_9 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_tier_labels_11 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_tier_labels_10 AS l JOIN cio_dup_tier_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_tier_labels_10 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_tier_labels_10 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_tier_labels_12 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_tier_labels_11 AS l JOIN cio_dup_tier_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_tier_labels_11 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_tier_labels_11 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_tier_labels_13 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_tier_labels_12 AS l JOIN cio_dup_tier_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_tier_labels_12 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_tier_labels_12 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_tier_labels_14 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_tier_labels_13 AS l JOIN cio_dup_tier_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_tier_labels_13 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_tier_labels_13 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_tier_labels_15 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_tier_labels_14 AS l JOIN cio_dup_tier_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_tier_labels_14 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_tier_labels_14 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

CREATE OR REPLACE TABLE cio_dup_tier_labels_16 AS
SELECT l.t, l.node, LEAST(l.label, MIN(n.label), MIN(j.label)) AS label, CASE WHEN LEAST(l.label, MIN(n.label), MIN(j.label)) < l.label THEN 1 ELSE 0 END AS changed FROM cio_dup_tier_labels_15 AS l JOIN cio_dup_tier_links AS u ON u.t = l.t AND u.a = l.node JOIN cio_dup_tier_labels_15 AS n ON n.t = l.t AND n.node = u.b JOIN cio_dup_tier_labels_15 AS j ON j.t = l.t AND j.node = l.label GROUP BY l.t, l.node, l.label;

-- the people in groups
CREATE OR REPLACE TABLE cio_dup_members AS
SELECT label AS gid, label, node, cio_id, id, email, real_id, ts, CASE WHEN ROW_NUMBER() OVER (PARTITION BY label ORDER BY real_id DESC, CASE WHEN ts IS NULL THEN 1 ELSE 0 END, ts, cio_id) = 1 THEN 1 ELSE 0 END AS is_primary FROM (SELECT label, node, cio_id, id, email, CASE WHEN NOT id IS NULL AND NOT CASE WHEN id LIKE '%@%' THEN REGEXP_LIKE(TRIM(id), '^[^@\\s]+@[^@\\s]+[.][^@\\s]+$') ELSE FALSE END THEN 1 ELSE 0 END AS real_id, CAST(CASE WHEN (CASE WHEN REGEXP_LIKE(cs, '^-?[0-9]{1,15}([.][0-9]+)?$') THEN FLOOR(CASE WHEN CAST(cs AS DOUBLE) > 100000000000 THEN CAST(cs AS DOUBLE) / 1000 ELSE CAST(cs AS DOUBLE) END) WHEN REGEXP_LIKE(cs, '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$') THEN (CASE WHEN CAST(SUBSTRING(cs, 1, 4) AS BIGINT) >= 1 AND CAST(SUBSTRING(cs, 6, 2) AS BIGINT) BETWEEN 1 AND 12 AND CAST(SUBSTRING(cs, 9, 2) AS BIGINT) BETWEEN 1 AND (CASE WHEN CAST(SUBSTRING(cs, 6, 2) AS BIGINT) = 2 THEN (CASE WHEN (CAST(SUBSTRING(cs, 1, 4) AS BIGINT) % 4 = 0 AND (CAST(SUBSTRING(cs, 1, 4) AS BIGINT) % 100 <> 0 OR CAST(SUBSTRING(cs, 1, 4) AS BIGINT) % 400 = 0)) THEN 29 ELSE 28 END) WHEN CAST(SUBSTRING(cs, 6, 2) AS BIGINT) IN (4, 6, 9, 11) THEN 30 ELSE 31 END) AND (CASE WHEN SUBSTRING(cs, 11, 1) IN ('T', ' ') THEN CAST(SUBSTRING(cs, 12, 2) AS BIGINT) ELSE 0 END) <= 23 AND (CASE WHEN SUBSTRING(cs, 11, 1) IN ('T', ' ') THEN CAST(SUBSTRING(cs, 15, 2) AS BIGINT) ELSE 0 END) <= 59 AND (CASE WHEN SUBSTRING(cs, 11, 1) IN ('T', ' ') AND SUBSTRING(cs, 17, 1) = ':' THEN CAST(SUBSTRING(cs, 18, 2) AS BIGINT) ELSE 0 END) <= 59 THEN ((FLOOR(CAST((CAST(SUBSTRING(cs, 1, 4) AS BIGINT) - (CASE WHEN CAST(SUBSTRING(cs, 6, 2) AS BIGINT) <= 2 THEN 1 ELSE 0 END)) AS DOUBLE) / 400) * 146097 + (((CAST(SUBSTRING(cs, 1, 4) AS BIGINT) - (CASE WHEN CAST(SUBSTRING(cs, 6, 2) AS BIGINT) <= 2 THEN 1 ELSE 0 END)) - FLOOR(CAST((CAST(SUBSTRING(cs, 1, 4) AS BIGINT) - (CASE WHEN CAST(SUBSTRING(cs, 6, 2) AS BIGINT) <= 2 THEN 1 ELSE 0 END)) AS DOUBLE) / 400) * 400) * 365 + FLOOR(CAST(((CAST(SUBSTRING(cs, 1, 4) AS BIGINT) - (CASE WHEN CAST(SUBSTRING(cs, 6, 2) AS BIGINT) <= 2 THEN 1 ELSE 0 END)) - FLOOR(CAST((CAST(SUBSTRING(cs, 1, 4) AS BIGINT) - (CASE WHEN CAST(SUBSTRING(cs, 6, 2) AS BIGINT) <= 2 THEN 1 ELSE 0 END)) AS DOUBLE) / 400) * 400) AS DOUBLE) / 4) - FLOOR(CAST(((CAST(SUBSTRING(cs, 1, 4) AS BIGINT) - (CASE WHEN CAST(SUBSTRING(cs, 6, 2) AS BIGINT) <= 2 THEN 1 ELSE 0 END)) - FLOOR(CAST((CAST(SUBSTRING(cs, 1, 4) AS BIGINT) - (CASE WHEN CAST(SUBSTRING(cs, 6, 2) AS BIGINT) <= 2 THEN 1 ELSE 0 END)) AS DOUBLE) / 400) * 400) AS DOUBLE) / 100) + (FLOOR(CAST(153 * ((CAST(SUBSTRING(cs, 6, 2) AS BIGINT) + 9) % 12) + 2 AS DOUBLE) / 5) + CAST(SUBSTRING(cs, 9, 2) AS BIGINT) - 1)) - 719468) * 86400 + (CASE WHEN SUBSTRING(cs, 11, 1) IN ('T', ' ') THEN CAST(SUBSTRING(cs, 12, 2) AS BIGINT) ELSE 0 END) * 3600 + (CASE WHEN SUBSTRING(cs, 11, 1) IN ('T', ' ') THEN CAST(SUBSTRING(cs, 15, 2) AS BIGINT) ELSE 0 END) * 60 + (CASE WHEN SUBSTRING(cs, 11, 1) IN ('T', ' ') AND SUBSTRING(cs, 17, 1) = ':' THEN CAST(SUBSTRING(cs, 18, 2) AS BIGINT) ELSE 0 END) - (CASE WHEN NOT SUBSTRING(cs, 11, 1) IN ('T', ' ') THEN 0 WHEN REGEXP_LIKE(cs, '[+-][0-9]{2}:[0-9]{2}$') THEN (CASE WHEN SUBSTRING(cs, LENGTH(cs) - 5, 1) = '-' THEN -1 ELSE 1 END) * (CAST(SUBSTRING(cs, LENGTH(cs) - 4, 2) AS BIGINT) * 3600 + CAST(SUBSTRING(cs, LENGTH(cs) - 1, 2) AS BIGINT) * 60) WHEN REGEXP_LIKE(cs, '[+-][0-9]{4}$') THEN (CASE WHEN SUBSTRING(cs, LENGTH(cs) - 4, 1) = '-' THEN -1 ELSE 1 END) * (CAST(SUBSTRING(cs, LENGTH(cs) - 3, 2) AS BIGINT) * 3600 + CAST(SUBSTRING(cs, LENGTH(cs) - 1, 2) AS BIGINT) * 60) WHEN REGEXP_LIKE(cs, '[+-][0-9]{2}$') THEN (CASE WHEN SUBSTRING(cs, LENGTH(cs) - 2, 1) = '-' THEN -1 ELSE 1 END) * (CAST(SUBSTRING(cs, LENGTH(cs) - 1, 2) AS BIGINT) * 3600) ELSE 0 END)) END) END) BETWEEN -62135596800 AND 253402300799 THEN (CASE WHEN REGEXP_LIKE(cs, '^-?[0-9]{1,15}([.][0-9]+)?$') THEN FLOOR(CASE WHEN CAST(cs AS DOUBLE) > 100000000000 THEN CAST(cs AS DOUBLE) / 1000 ELSE CAST(cs AS DOUBLE) END) WHEN REGEXP_LIKE(cs, '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$') THEN (CASE WHEN CAST(SUBSTRING(cs, 1, 4) AS BIGINT) >= 1 AND CAST(SUBSTRING(cs, 6, 2) AS BIGINT) BETWEEN 1 AND 12 AND CAST(SUBSTRING(cs, 9, 2) AS BIGINT) BETWEEN 1 AND (CASE WHEN CAST(SUBSTRING(cs, 6, 2) AS BIGINT) = 2 THEN (CASE WHEN (CAST(SUBSTRING(cs, 1, 4) AS BIGINT) % 4 = 0 AND (CAST(SUBSTRING(cs, 1, 4) AS BIGINT) % 100 <> 0 OR CAST(SUBSTRING(cs, 1, 4) AS BIGINT) % 400 = 0)) THEN 29 ELSE 28 END) WHEN CAST(SUBSTRING(cs, 6, 2) AS BIGINT) IN (4, 6, 9, 11) THEN 30 ELSE 31 END) AND (CASE WHEN SUBSTRING(cs, 11, 1) IN ('T', ' ') THEN CAST(SUBSTRING(cs, 12, 2) AS BIGINT) ELSE 0 END) <= 23 AND (CASE WHEN SUBSTRING(cs, 11, 1) IN ('T', ' ') THEN CAST(SUBSTRING(cs, 15, 2) AS BIGINT) ELSE 0 END) <= 59 AND (CASE WHEN SUBSTRING(cs, 11, 1) IN ('T', ' ') AND SUBSTRING(cs, 17, 1) = ':' THEN CAST(SUBSTRING(cs, 18, 2) AS BIGINT) ELSE 0 END) <= 59 THEN ((FLOOR(CAST((CAST(SUBSTRING(cs, 1, 4) AS BIGINT) - (CASE WHEN CAST(SUBSTRING(cs, 6, 2) AS BIGINT) <= 2 THEN 1 ELSE 0 END)) AS DOUBLE) / 400) * 146097 + (((CAST(SUBSTRING(cs, 1, 4) AS BIGINT) - (CASE WHEN CAST(SUBSTRING(cs, 6, 2) AS BIGINT) <= 2 THEN 1 ELSE 0 END)) - FLOOR(CAST((CAST(SUBSTRING(cs, 1, 4) AS BIGINT) - (CASE WHEN CAST(SUBSTRING(cs, 6, 2) AS BIGINT) <= 2 THEN 1 ELSE 0 END)) AS DOUBLE) / 400) * 400) * 365 + FLOOR(CAST(((CAST(SUBSTRING(cs, 1, 4) AS BIGINT) - (CASE WHEN CAST(SUBSTRING(cs, 6, 2) AS BIGINT) <= 2 THEN 1 ELSE 0 END)) - FLOOR(CAST((CAST(SUBSTRING(cs, 1, 4) AS BIGINT) - (CASE WHEN CAST(SUBSTRING(cs, 6, 2) AS BIGINT) <= 2 THEN 1 ELSE 0 END)) AS DOUBLE) / 400) * 400) AS DOUBLE) / 4) - FLOOR(CAST(((CAST(SUBSTRING(cs, 1, 4) AS BIGINT) - (CASE WHEN CAST(SUBSTRING(cs, 6, 2) AS BIGINT) <= 2 THEN 1 ELSE 0 END)) - FLOOR(CAST((CAST(SUBSTRING(cs, 1, 4) AS BIGINT) - (CASE WHEN CAST(SUBSTRING(cs, 6, 2) AS BIGINT) <= 2 THEN 1 ELSE 0 END)) AS DOUBLE) / 400) * 400) AS DOUBLE) / 100) + (FLOOR(CAST(153 * ((CAST(SUBSTRING(cs, 6, 2) AS BIGINT) + 9) % 12) + 2 AS DOUBLE) / 5) + CAST(SUBSTRING(cs, 9, 2) AS BIGINT) - 1)) - 719468) * 86400 + (CASE WHEN SUBSTRING(cs, 11, 1) IN ('T', ' ') THEN CAST(SUBSTRING(cs, 12, 2) AS BIGINT) ELSE 0 END) * 3600 + (CASE WHEN SUBSTRING(cs, 11, 1) IN ('T', ' ') THEN CAST(SUBSTRING(cs, 15, 2) AS BIGINT) ELSE 0 END) * 60 + (CASE WHEN SUBSTRING(cs, 11, 1) IN ('T', ' ') AND SUBSTRING(cs, 17, 1) = ':' THEN CAST(SUBSTRING(cs, 18, 2) AS BIGINT) ELSE 0 END) - (CASE WHEN NOT SUBSTRING(cs, 11, 1) IN ('T', ' ') THEN 0 WHEN REGEXP_LIKE(cs, '[+-][0-9]{2}:[0-9]{2}$') THEN (CASE WHEN SUBSTRING(cs, LENGTH(cs) - 5, 1) = '-' THEN -1 ELSE 1 END) * (CAST(SUBSTRING(cs, LENGTH(cs) - 4, 2) AS BIGINT) * 3600 + CAST(SUBSTRING(cs, LENGTH(cs) - 1, 2) AS BIGINT) * 60) WHEN REGEXP_LIKE(cs, '[+-][0-9]{4}$') THEN (CASE WHEN SUBSTRING(cs, LENGTH(cs) - 4, 1) = '-' THEN -1 ELSE 1 END) * (CAST(SUBSTRING(cs, LENGTH(cs) - 3, 2) AS BIGINT) * 3600 + CAST(SUBSTRING(cs, LENGTH(cs) - 1, 2) AS BIGINT) * 60) WHEN REGEXP_LIKE(cs, '[+-][0-9]{2}$') THEN (CASE WHEN SUBSTRING(cs, LENGTH(cs) - 2, 1) = '-' THEN -1 ELSE 1 END) * (CAST(SUBSTRING(cs, LENGTH(cs) - 1, 2) AS BIGINT) * 3600) ELSE 0 END)) END) END) END AS BIGINT) AS ts FROM (SELECT l.label, l.node, p.node AS cio_id, p.id, COALESCE(p.email_raw, p.email_norm) AS email, TRIM(p.created_at) AS cs FROM (SELECT node, label FROM cio_dup_labels_16 WHERE t = 1) AS l JOIN cio_dup_people AS p ON p.node = l.node) AS q) AS r;

-- per group: rules, confidence, review
CREATE OR REPLACE TABLE cio_dup_facts AS
WITH x AS (SELECT * FROM cio_dup_group_rules), g AS (SELECT gid, MIN(label) AS label, COUNT(*) AS size, SUM(real_id) AS real_ids, MIN(CASE WHEN real_id = 1 THEN id END) AS real_min, MAX(CASE WHEN real_id = 1 THEN id END) AS real_max FROM cio_dup_members GROUP BY gid), c3 AS (SELECT m.gid, CASE WHEN COUNT(t.label) = COUNT(*) AND COUNT(DISTINCT t.label) = 1 THEN 1 ELSE 0 END AS ok FROM cio_dup_members AS m LEFT JOIN (SELECT node, label FROM cio_dup_tier_labels_16 WHERE t = 3) AS t ON t.node = m.node WHERE m.label IN (SELECT gid FROM cio_dup_mixed) GROUP BY m.gid), c2 AS (SELECT m.gid, CASE WHEN COUNT(t.label) = COUNT(*) AND COUNT(DISTINCT t.label) = 1 THEN 1 ELSE 0 END AS ok FROM cio_dup_members AS m LEFT JOIN (SELECT node, label FROM cio_dup_tier_labels_16 WHERE t = 2) AS t ON t.node = m.node WHERE m.label IN (SELECT gid FROM cio_dup_mixed) GROUP BY m.gid), u AS (SELECT DISTINCT gid FROM (SELECT g.label AS gid FROM cio_dup_links AS k JOIN cio_dup_labels_16 AS a ON a.t = k.t AND a.node = k.a JOIN cio_dup_labels_16 AS b ON b.t = k.t AND b.node = k.b JOIN (SELECT node, label FROM cio_dup_labels_16 WHERE t = 1) AS g ON g.node = k.a WHERE a.label <> b.label UNION ALL SELECT g.label AS gid FROM cio_dup_tier_links AS k JOIN cio_dup_tier_labels_16 AS a ON a.t = k.t AND a.node = k.a JOIN cio_dup_tier_labels_16 AS b ON b.t = k.t AND b.node = k.b JOIN (SELECT node, label FROM cio_dup_labels_16 WHERE t = 1) AS g ON g.node = k.a WHERE a.label <> b.label) AS k) SELECT g.gid, g.size, g.real_ids, SUBSTRING(CASE WHEN x.r2 = 1 THEN '+lead_and_id_person' ELSE '' END || CASE WHEN x.r3 = 1 THEN '+email_as_id' ELSE '' END || CASE WHEN x.r1 = 1 THEN '+same_email' ELSE '' END || CASE WHEN x.r4 = 1 THEN '+case_variant_id' ELSE '' END || CASE WHEN x.r5 = 1 THEN '+shared_anonymous_id' ELSE '' END, 2) AS rules, CASE CASE WHEN x.tier = x.min_tier THEN x.tier WHEN c3.ok = 1 THEN 3 WHEN x.tier >= 2 AND c2.ok = 1 THEN 2 ELSE x.min_tier END WHEN 3 THEN 'high' WHEN 2 THEN 'medium' ELSE 'low' END AS confidence, NULLIF(SUBSTRING(COALESCE(' ' || CASE WHEN g.real_min <> g.real_max THEN 'Needs review: ' || CAST(g.real_ids AS STRING) || ' different real ids (\'' || g.real_min || '\'' || CASE WHEN g.real_ids > 2 THEN ', ...' ELSE '' END || ', \'' || g.real_max || '\'); merging would drop an id the app still sends. Force it only if they are one person.' END, '') || COALESCE(' ' || CASE WHEN g.size > 50 THEN 'Needs review: ' || CAST(g.size AS STRING) || ' people, more than max_group_size (50): likely a bad key (a placeholder value many people share), not one person.' END, '') || COALESCE(' ' || CASE WHEN NOT u.gid IS NULL THEN 'Needs review: the grouping did not settle in 16 passes; run the script with more label passes.' END, ''), 2), '') AS needs_review_reason FROM g JOIN x ON x.gid = g.label LEFT JOIN c3 ON c3.gid = g.gid LEFT JOIN c2 ON c2.gid = g.gid LEFT JOIN u ON u.gid = g.label;

-- the result table
CREATE OR REPLACE TABLE crm.dupes AS
SELECT m.gid AS group_id, m.cio_id, f.rules, f.confidence, CASE WHEN m.is_primary = 1 THEN TRUE ELSE FALSE END AS is_primary, f.needs_review_reason FROM cio_dup_members AS m JOIN cio_dup_facts AS f ON f.gid = m.gid;

DROP TABLE IF EXISTS cio_dup_rows;

DROP TABLE IF EXISTS cio_dup_row_edges;

DROP TABLE IF EXISTS cio_dup_copies;

DROP TABLE IF EXISTS cio_dup_people;

DROP TABLE IF EXISTS cio_dup_edges;

DROP TABLE IF EXISTS cio_dup_links;

DROP TABLE IF EXISTS cio_dup_labels_0;

DROP TABLE IF EXISTS cio_dup_labels_1;

DROP TABLE IF EXISTS cio_dup_labels_2;

DROP TABLE IF EXISTS cio_dup_labels_3;

DROP TABLE IF EXISTS cio_dup_labels_4;

DROP TABLE IF EXISTS cio_dup_labels_5;

DROP TABLE IF EXISTS cio_dup_labels_6;

DROP TABLE IF EXISTS cio_dup_labels_7;

DROP TABLE IF EXISTS cio_dup_labels_8;

DROP TABLE IF EXISTS cio_dup_labels_9;

DROP TABLE IF EXISTS cio_dup_labels_10;

DROP TABLE IF EXISTS cio_dup_labels_11;

DROP TABLE IF EXISTS cio_dup_labels_12;

DROP TABLE IF EXISTS cio_dup_labels_13;

DROP TABLE IF EXISTS cio_dup_labels_14;

DROP TABLE IF EXISTS cio_dup_labels_15;

DROP TABLE IF EXISTS cio_dup_labels_16;

DROP TABLE IF EXISTS cio_dup_group_rules;

DROP TABLE IF EXISTS cio_dup_mixed;

DROP TABLE IF EXISTS cio_dup_tier_links;

DROP TABLE IF EXISTS cio_dup_tier_labels_0;

DROP TABLE IF EXISTS cio_dup_tier_labels_1;

DROP TABLE IF EXISTS cio_dup_tier_labels_2;

DROP TABLE IF EXISTS cio_dup_tier_labels_3;

DROP TABLE IF EXISTS cio_dup_tier_labels_4;

DROP TABLE IF EXISTS cio_dup_tier_labels_5;

DROP TABLE IF EXISTS cio_dup_tier_labels_6;

DROP TABLE IF EXISTS cio_dup_tier_labels_7;

DROP TABLE IF EXISTS cio_dup_tier_labels_8;

DROP TABLE IF EXISTS cio_dup_tier_labels_9;

DROP TABLE IF EXISTS cio_dup_tier_labels_10;

DROP TABLE IF EXISTS cio_dup_tier_labels_11;

DROP TABLE IF EXISTS cio_dup_tier_labels_12;

DROP TABLE IF EXISTS cio_dup_tier_labels_13;

DROP TABLE IF EXISTS cio_dup_tier_labels_14;

DROP TABLE IF EXISTS cio_dup_tier_labels_15;

DROP TABLE IF EXISTS cio_dup_tier_labels_16;

DROP TABLE IF EXISTS cio_dup_members;

DROP TABLE IF EXISTS cio_dup_facts;
