"""From linked people to ranked, explained groups (SQL over the small tables the rules produced).

- confidence: the highest tier whose links alone still connect the whole group (a group held together only through
  a low-confidence link is low, even if a high-confidence link joins two of its members);
- primary: people holding a real id first (the survivor must keep the id the app sends), then the oldest
  ``created_at``, then the lowest ``cio_id``;
- review: two different real ids, an unusually large group, or a member without ``cio_id`` make a group "needs
  review": never merged unless the operator forces it.
"""

from __future__ import annotations

import duckdb

from cio_tui.identity.duplicates import sql as S
from cio_tui.identity.duplicates.export import quote_literal
from cio_tui.identity.duplicates.one_row import one_value
from cio_tui.identity.duplicates.rules import MAX_GROUP_SIZE, RULES


def label_components(con: duckdb.DuckDBPyConnection, edges: str, labels: str, *, where: str = "") -> int:
    """Connected components of the people in ``edges`` into ``labels(node, label)``; returns the passes made."""
    links = f"{labels}_links"
    con.execute(S.star_sql(edges, links, where))
    con.execute(S.label_init_sql(links, labels))
    passes = 0
    while True:
        passes += 1
        con.execute(S.label_step_sql(links, labels, f"{labels}_next"))
        changed = one_value(con, f"SELECT bool_or(changed) FROM {labels}_next")
        con.execute(f"DROP TABLE {labels}; ALTER TABLE {labels}_next RENAME TO {labels}")
        if not changed:
            return passes


def _tier_case(col: str) -> str:
    return f"CASE {col} " + " ".join(f"WHEN {r.code} THEN {r.confidence.rank}" for r in RULES) + " END"


def group_tiers(con: duckdb.DuckDBPyConnection, max_group_size: int = MAX_GROUP_SIZE) -> None:
    """Build ``dup_groups`` from the members, their labels and the edges.

    One narrow statement: the facts per group come from one aggregate over the members and one over the edges;
    the texts are derived by the ``dup_group_text`` view, only for the groups read."""
    con.execute(GROUPS_BUILD_SQL.format(max_size=int(max_group_size)))
    _bottleneck(con)
    con.execute(GROUP_TEXT_SQL)
    con.execute(RULES_PEOPLE_SQL)


def _bottleneck(con: duckdb.DuckDBPyConnection) -> None:
    """Lower the tier of mixed groups to the highest tier whose links alone connect every member.

    Tables are rebuilt rather than UPDATEd: a later scan of an updated table was measured 5x slower."""
    # In a pair every rule of the group links the two people directly: only groups of 3+ can have a weak link.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE dup_mixed AS SELECT gid, tier FROM dup_groups WHERE size >= 3 AND min_tier < tier"
    )
    if not one_value(con, "SELECT count(*) FROM dup_mixed"):
        return
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE dup_mixed_edges AS
SELECT e.rule, e.key, e.rn, {_tier_case("e.rule")} AS tier, l.label AS gid
FROM dup_edges e JOIN dup_labels l ON l.node = e.rn JOIN dup_mixed x ON x.gid = l.label"""
    )
    connected = []
    for tier in (3, 2):
        label_components(con, "dup_mixed_edges", "dup_tier_labels", where=f"WHERE tier >= {tier}")
        connected.append(
            f"""SELECT m.gid, {tier} AS tier FROM dup_members m JOIN dup_mixed t USING (gid)
LEFT JOIN dup_tier_labels l ON l.node = m.rn WHERE t.tier >= {tier}
GROUP BY m.gid HAVING count(DISTINCT coalesce(l.label, -1 - m.rn)) = 1"""
        )
        con.execute(f"CREATE OR REPLACE TEMP TABLE dup_connected_{tier} AS {connected[-1]}")
    con.execute(
        """CREATE OR REPLACE TEMP TABLE dup_groups AS
SELECT t.* REPLACE (CASE WHEN x.gid IS NULL THEN t.tier ELSE coalesce(c.tier, t.min_tier) END AS tier)
FROM dup_groups t LEFT JOIN dup_mixed x USING (gid)
LEFT JOIN (SELECT gid, max(tier) AS tier FROM (SELECT * FROM dup_connected_3 UNION ALL SELECT * FROM dup_connected_2)
           GROUP BY gid) c USING (gid)"""
    )


_ORDERED = sorted(RULES, key=lambda r: (-r.confidence.rank, r.code))  # strongest first, then rule number


def _pivot(fmt: str) -> str:
    return ", ".join(fmt.format(code=r.code, name=quote_literal(r.name)) for r in _ORDERED)


# The rule links of the people in groups, for rule_counts() (the audit): a view, computed only when read.
RULES_PEOPLE_SQL = """CREATE OR REPLACE TEMP VIEW dup_group_rules_people AS
SELECT l.label AS gid, e.rule, e.rn, e.key FROM dup_edges e JOIN dup_labels l ON l.node = e.rn
WHERE l.label IN (SELECT gid FROM dup_groups)"""

# Facts per group, narrow and unordered (each reader applies RANK_ORDER; a sorted, wide table cost 3x more to
# build). The primary: a person holding a real id first, then the oldest, then the lowest cio_id; its own facts
# are joined by the view below, for the groups read only.
GROUPS_BUILD_SQL = f"""CREATE OR REPLACE TEMP TABLE dup_groups AS
WITH t AS (  -- per group: its best and weakest tier, and the rules linking it (bit 1 << code)
  SELECT l.label AS gid, max({_tier_case("e.rule")}) AS tier, min({_tier_case("e.rule")}) AS min_tier,
    bit_or(1 << e.rule) AS rules
  FROM dup_edges e JOIN dup_labels l ON l.node = e.rn GROUP BY 1),
g AS (
  SELECT gid, count(*) AS size,
    count(*) FILTER (WHERE real_id) AS real_ids,  -- ids are unique in a workspace: one per person
    min(id) FILTER (WHERE real_id) AS real_min, max(id) FILTER (WHERE real_id) AS real_max,
    bool_or(cio_id IS NULL) AS missing_cio,
    bool_or(NOT real_id) AS has_placeholder,
    arg_min(rn, (NOT real_id, ts IS NULL, ts, cio_id)) AS primary_rn
  FROM dup_members GROUP BY gid HAVING count(*) >= 2)
SELECT g.*, t.* EXCLUDE (gid),
  g.real_min <> g.real_max OR g.size > {{max_size}} OR g.missing_cio AS needs_review, {{max_size}} AS max_size
FROM g JOIN t USING (gid)"""

# Best first: confidence, then merge-ready before needs-review, then bigger groups, then the group id.
RANK_ORDER = "tier DESC, needs_review, size DESC, gid"


def _ranked(alias: str) -> str:
    return ", ".join(f"{alias}.{part}" for part in RANK_ORDER.split(", "))


def _evidence(code: int, phrase: str) -> str:
    return f"CASE WHEN ex{code} IS NOT NULL THEN concat({quote_literal(phrase + ' ' + chr(39))}, ex{code}, '''') END"


# The texts of the groups in {{source}}. The example key of each rule (the evidence) is looked up when the texts are
# read: a string aggregate over every group's edges cost as much as the rest of the grouping. {{only}} restricts it to
# the groups of a small source (for all groups, that filter cost more than the lookups it saves).
_GROUP_TEXT = f"""WITH src AS (SELECT * FROM {{source}}),
ex AS (
  SELECT l.label AS gid, {_pivot("min(e.key) FILTER (WHERE e.rule = {code}) AS ex{code}")}
  FROM dup_edges e JOIN dup_labels l ON l.node = e.rn {{only}} GROUP BY 1),
x AS (
  SELECT g.gid, g.size, g.primary_rn, p.cio_id AS primary_cio, g.tier, g.needs_review,
    concat_ws('+', {_pivot("CASE WHEN ex{code} IS NOT NULL THEN {name} END")}) AS rule,
    concat('Linked by: ', concat_ws('; ', {", ".join(_evidence(r.code, r.phrase) for r in _ORDERED)}), '.') AS evidence,
    concat('Primary cio_', coalesce(p.cio_id, '?'),
      CASE WHEN p.ts IS NOT NULL
        THEN concat(' (created ', CAST(CAST(make_timestamp(p.ts * 1000000) AS DATE) AS VARCHAR), ')') END, ': ',
      CASE WHEN p.real_id AND g.has_placeholder
             THEN concat('the oldest person holding a real id (''', p.id,
               '''), so the survivor keeps the id the app sends')
           WHEN p.real_id THEN 'the oldest person in the group'
           ELSE 'the oldest person in the group (nobody holds a real id)' END,
      CASE WHEN p.ts IS NULL THEN '; no created_at known, so the lowest cio_id' END, '.')
      AS primary_reason,
    concat_ws(chr(10),
      CASE WHEN g.real_min <> g.real_max THEN 'Needs review: ' || g.real_ids || ' different real ids (''' ||
        g.real_min || '''' || CASE WHEN g.real_ids > 2 THEN ', ...' ELSE '' END || ', ''' || g.real_max ||
        '''); merging would drop an id the app still sends. Force it only if they are one person.' END,
      CASE WHEN g.size > g.max_size THEN 'Needs review: ' || g.size || ' people, more than max_group_size (' ||
        g.max_size || '): likely a bad key (a placeholder value many people share), not one person.' END,
      CASE WHEN g.missing_cio THEN 'Needs review: some members have no cio_id in the export, so they cannot be merged.'
        END
    ) AS review
  FROM src g JOIN ex USING (gid) JOIN dup_members p ON p.rn = g.primary_rn)
SELECT *, CASE tier WHEN 3 THEN 'high' WHEN 2 THEN 'medium' ELSE 'low' END AS confidence,
  concat_ws(' ', evidence, primary_reason, nullif(replace(review, chr(10), ' '), '')) AS reason
FROM x"""
GROUP_TEXT_SQL = "CREATE OR REPLACE TEMP VIEW dup_group_text AS " + _GROUP_TEXT.format(source="dup_groups", only="")
_TOP = f"(SELECT * FROM dup_groups ORDER BY {RANK_ORDER} LIMIT ?)"  # the best ? groups

_MEMBER_ORDER = "m.rn <> g.primary_rn, m.ts NULLS LAST, m.cio_id"

# The best ``?`` groups, for building models of a few (a text listing): their members, then their texts.
MEMBERS_SQL = (
    "SELECT m.gid, m.cio_id, m.id, m.email, m.ts, m.real_id{extra} "
    f"FROM dup_members m JOIN {_TOP} g USING (gid){{join}} ORDER BY {_ranked('g')}, {_MEMBER_ORDER}"
)
_TOP_TEXT = _GROUP_TEXT.format(source=_TOP, only="WHERE l.label IN (SELECT gid FROM src)")
_TEXT_COLUMNS = "gid, rule, confidence, evidence, primary_reason, review"  # review: one reason per line, or ''
GROUPS_SQL = f"SELECT {_TEXT_COLUMNS} FROM ({_TOP_TEXT}) ORDER BY {RANK_ORDER}"

# ... and of every group (the Duplicates screen).
ALL_MEMBERS_SQL = (
    "SELECT m.gid, m.cio_id, m.id, m.email, m.ts, m.real_id{extra} "
    f"FROM dup_members m JOIN dup_groups g USING (gid){{join}} ORDER BY {_ranked('g')}, {_MEMBER_ORDER}"
)
ALL_GROUPS_SQL = f"SELECT {_TEXT_COLUMNS} FROM dup_group_text ORDER BY {RANK_ORDER}"

# --csv: one row per member, numbered by the rank of its group.
MEMBER_ROWS_SQL = f"""WITH g AS (SELECT *, row_number() OVER (ORDER BY {RANK_ORDER}) AS rank FROM dup_group_text)
SELECT g.rank, g.rule, g.confidence, g.needs_review, m.rn = g.primary_rn, m.cio_id, m.id, m.email, m.ts
FROM g JOIN dup_members m USING (gid)
ORDER BY g.rank, {_MEMBER_ORDER}"""

# --json: one object per group. Members in the models' order (primary, then oldest). An ordered string_agg is
# slow, so groups of 2-3 people (nearly all) are put together by a window over each group (the first member and the
# next two); bigger groups use the ordered aggregate.
_MEMBER_JSON = f"""mj AS (
  SELECT m.gid, g.size,
    CAST(to_json({{'cio_id': m.cio_id, 'id': m.id, 'email': m.email, 'created_at': m.ts}}) AS VARCHAR) AS j,
    m.rn = g.primary_rn AS is_primary, (coalesce(m.ts, {2**63 - 1}), m.cio_id) AS k
  FROM dup_members m JOIN dup_groups g USING (gid)),
small AS (
  SELECT gid, row_number() OVER w AS pos, concat_ws(',', j, lead(j, 1) OVER w, lead(j, 2) OVER w) AS members
  FROM mj WHERE size <= 3 WINDOW w AS (PARTITION BY gid ORDER BY NOT is_primary, k)),
member_lists AS (
  SELECT gid, members FROM small WHERE pos = 1
  UNION ALL
  SELECT gid, string_agg(j, ',' ORDER BY NOT is_primary, k) FROM mj WHERE size > 3 GROUP BY gid)"""

# One concat() call, not a chain of || (each || copies the text so far; the texts above too); and a
# primary without a cio_id is JSON null (to_json(NULL) is SQL NULL, which made the whole text NULL).
JSON_SQL = f"""WITH {_MEMBER_JSON}
SELECT concat('{{"rule":', to_json(g.rule), ',"confidence":', to_json(g.confidence), ',"members":[', m.members,
  '],"primary":', coalesce(to_json(g.primary_cio), 'null'), ',"reason":', to_json(g.reason), '}}')
FROM dup_group_text g JOIN member_lists m USING (gid)
ORDER BY {_ranked("g")}"""
