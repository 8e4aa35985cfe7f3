"""The embedded engine's listings, built from the tables the portable rules left (``runners.StageTables``): the
rules decide the groups, their confidence, primary and review (``portable.py``, the one home of the rules); this
module only ranks and explains them for people (text, ``--json``, ``--csv``, the Duplicates screen).

- ``dup_groups``: one row per group, its size, tier and review text (a view of the facts: all the summary reads);
- ``dup_members``: the people in groups as a listing shows them, with the primary (a view: the emails, created_at
  and primaries are looked up when a listing reads them, and a text listing reads only its best few groups';
  ``materialize_members`` makes it a table for the listings of every group);
- ``dup_result``: the result table, as every engine writes it (a view);
- ``dup_group_text`` (a view, computed only for the groups read) adds the evidence (an example key per rule) and the
  primary's reason.
"""

from __future__ import annotations

import functools

import duckdb

from cio_tui.identity.duplicates import portable as P
from cio_tui.identity.duplicates.dialects import render_select
from cio_tui.identity.duplicates.export import quote_literal
from cio_tui.identity.duplicates.rules import RULES
from cio_tui.identity.duplicates.runners import StageTables

RESULT = "dup_result"
MEMBERS = "dup_members"
_ORDERED = sorted(RULES, key=lambda r: (-r.confidence.rank, r.code))  # strongest first, then rule number
_LISTED = "cio_dup_listed"  # placeholder: the groups (by label) whose members a query ranks
# The primary (``portable_groups.PRIMARY_ORDER``: a real id first, then the oldest, then the lowest cio_id) as one
# arg_min key per group: an aggregate over the members costs less than a window sorting them.
_PRIMARY_KEY = "(-real_id, ts IS NULL, coalesce(ts, 0), cio_id)"


_LISTED_FILTER = f" WHERE m.label IN (SELECT label FROM {_LISTED})"


@functools.lru_cache(maxsize=4)
def _details(members: str, people: str, nid: str) -> str:
    """``member_details_select`` rendered once (its created_at arithmetic takes sqlglot a tenth of a second) for the
    groups of ``_LISTED``; ``members_sql`` names the groups, or drops the filter."""
    details = render_select(P.member_details_select(members, people, nid, _LISTED), "duckdb")
    if _LISTED_FILTER not in details:
        raise RuntimeError(f"the members' filter is not rendered as {_LISTED_FILTER!r}")
    return details


def members_sql(stages: StageTables, labels: str | None = None) -> str:
    """The members of every group (``labels``: of those groups, a table with a ``label`` column), as a listing
    shows them: ``gid``, ``cio_id``, ``id``, the email, ``ts``, ``real_id`` and ``is_primary`` (booleans), ``label``.
    The emails, created_at and primaries are looked up only here, for the groups listed."""
    details = _details(stages.members, stages.people, stages.nid)
    details = details.replace(_LISTED, labels) if labels else details.replace(_LISTED_FILTER, "")
    return (
        f"WITH d AS ({details}),\n"
        f"k AS (SELECT label, min(cio_id) AS gid, arg_min(node, {_PRIMARY_KEY}) AS primary_node FROM d GROUP BY 1)\n"
        "SELECT k.gid, d.cio_id, d.id, d.email, d.ts, d.real_id = 1 AS real_id, d.node = k.primary_node AS is_primary, "
        "d.label FROM d JOIN k USING (label)"
    )


def build_listing_tables(con: duckdb.DuckDBPyConnection, stages: StageTables) -> None:
    """The views ``dup_groups`` (the facts as the summary and the ranking read them), ``dup_members`` (every group's
    members with the primary; ``materialize_members`` makes it a table when a listing reads all of them), the
    result table ``dup_result``, and the views the listings read."""
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW dup_groups AS
SELECT f.gid, f.label, f.size, CASE f.confidence WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END AS tier,
  f.needs_review_reason IS NOT NULL AS needs_review, f.rules AS rule, f.confidence,
  coalesce(f.needs_review_reason, '') AS review, f.real_ids < f.size AS has_placeholder
FROM {stages.facts} f"""
    )
    con.execute(f"CREATE OR REPLACE TEMP VIEW {MEMBERS} AS {members_sql(stages)}")
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {RESULT} AS SELECT m.gid AS group_id, m.cio_id, f.rules, f.confidence, "
        f"m.is_primary, f.needs_review_reason FROM {MEMBERS} m JOIN {stages.facts} f ON f.gid = m.gid"
    )  # read by --out
    con.execute(
        "CREATE OR REPLACE TEMP VIEW dup_group_links AS SELECT g.gid, e.rule, m.cio_id AS node, e.key "
        f"FROM {stages.edges} e JOIN {stages.members} m ON m.node = e.node JOIN dup_groups g ON g.label = m.label"
    )
    con.execute("CREATE OR REPLACE TEMP VIEW dup_group_text AS " + _group_text("dup_groups", "", MEMBERS))


def materialize_members(con: duckdb.DuckDBPyConnection, stages: StageTables) -> None:
    """``dup_members`` as a table (the views over it then read it): for the listings of every group, which read
    the members more than once."""
    con.execute(f"DROP VIEW IF EXISTS {MEMBERS}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {MEMBERS} AS {members_sql(stages)}")


def _pivot(fmt: str) -> str:
    return ", ".join(fmt.format(code=r.code, name=quote_literal(r.name)) for r in _ORDERED)


def _evidence(code: int, phrase: str) -> str:
    return f"CASE WHEN ex{code} IS NOT NULL THEN concat({quote_literal(phrase + ' ' + chr(39))}, ex{code}, '''') END"


# Best first: confidence, then merge-ready before needs-review, then bigger groups, then the group id.
RANK_ORDER = "tier DESC, needs_review, size DESC, gid"


def _ranked(alias: str) -> str:
    return ", ".join(f"{alias}.{part}" for part in RANK_ORDER.split(", "))


# The texts of the groups in ``source``. The example key of each rule (the evidence) is looked up when the texts
# are read: a string aggregate over every group's edges cost as much as the rest of the grouping. ``only`` restricts
# it to the groups of a small source; ``members``: a relation of their members (the primary's reason).
def _group_text(source: str, only: str, members: str) -> str:
    return f"""WITH src AS (SELECT * FROM {source}),
ex AS (
  SELECT gid, {_pivot("min(key) FILTER (WHERE rule = {code}) AS ex{code}")}
  FROM dup_group_links {only} GROUP BY 1),
pm AS (SELECT * FROM {members} WHERE is_primary),
x AS (
  SELECT g.gid, g.size, p.cio_id AS primary_cio, g.tier, g.needs_review, g.rule, g.confidence, g.review,
    concat('Linked by: ', concat_ws('; ', {", ".join(_evidence(r.code, r.phrase) for r in _ORDERED)}), '.') AS evidence,
    concat('Primary cio_', p.cio_id,
      CASE WHEN p.ts IS NOT NULL
        THEN concat(' (created ', CAST(CAST(make_timestamp(p.ts * 1000000) AS DATE) AS VARCHAR), ')') END, ': ',
      CASE WHEN p.real_id AND g.has_placeholder
             THEN concat('the oldest person holding a real id (''', p.id,
               '''), so the survivor keeps the id the app sends')
           WHEN p.real_id THEN 'the oldest person in the group'
           ELSE 'the oldest person in the group (nobody holds a real id)' END,
      CASE WHEN p.ts IS NULL THEN '; no created_at known, so the lowest cio_id' END, '.')
      AS primary_reason
  FROM src g JOIN ex USING (gid) JOIN pm p ON p.gid = g.gid)
SELECT *, concat_ws(' ', evidence, primary_reason, nullif(review, '')) AS reason FROM x"""


_TOP = f"top AS (SELECT * FROM dup_groups ORDER BY {RANK_ORDER} LIMIT ?)"  # the best ? groups

_MEMBER_ORDER = "NOT m.is_primary, m.ts NULLS LAST, m.cio_id"
_MEMBER_COLUMNS = "m.gid, m.cio_id, m.id, m.email, m.ts, m.real_id{extra}"
_TEXT_COLUMNS = "gid, rule, confidence, evidence, primary_reason, review"  # review: the reasons, or ''


# The best ``?`` groups, for building models of a few (a text listing): their members, then their texts (the
# emails, created_at and primaries looked up for those groups only).
def top_members_sql(stages: StageTables) -> str:
    return (
        f"WITH {_TOP}, m AS ({members_sql(stages, 'top')})\n"
        f"SELECT {_MEMBER_COLUMNS} FROM m JOIN top g USING (gid){{join}} ORDER BY {_ranked('g')}, {_MEMBER_ORDER}"
    )


def top_groups_sql(stages: StageTables) -> str:
    text = _group_text("top", "WHERE gid IN (SELECT gid FROM src)", f"({members_sql(stages, 'top')})")
    return f"WITH {_TOP} SELECT {_TEXT_COLUMNS} FROM ({text}) ORDER BY {RANK_ORDER}"


# ... and of every group (the Duplicates screen).
ALL_MEMBERS_SQL = (
    f"SELECT {_MEMBER_COLUMNS} FROM dup_members m JOIN dup_groups g USING (gid){{join}} "
    f"ORDER BY {_ranked('g')}, {_MEMBER_ORDER}"
)
ALL_GROUPS_SQL = f"SELECT {_TEXT_COLUMNS} FROM dup_group_text ORDER BY {RANK_ORDER}"

# --csv: one row per member, numbered by the rank of its group.
MEMBER_ROWS_SQL = f"""WITH g AS (SELECT *, row_number() OVER (ORDER BY {RANK_ORDER}) AS rank FROM dup_groups)
SELECT g.rank, g.rule, g.confidence, g.needs_review, m.is_primary, m.cio_id, m.id, m.email, m.ts
FROM g JOIN dup_members m USING (gid)
ORDER BY g.rank, {_MEMBER_ORDER}"""

# --json: one object per group. Members in the models' order (primary, then oldest). An ordered string_agg is
# slow, so groups of 2-3 people (nearly all) are put together by a window over each group (the first member and the
# next two); bigger groups use the ordered aggregate.
_MEMBER_JSON = f"""mj AS (
  SELECT m.gid, g.size,
    CAST(to_json({{'cio_id': m.cio_id, 'id': m.id, 'email': m.email, 'created_at': m.ts}}) AS VARCHAR) AS j,
    m.is_primary, (coalesce(m.ts, {2**63 - 1}), m.cio_id) AS k
  FROM dup_members m JOIN dup_groups g USING (gid)),
small AS (
  SELECT gid, row_number() OVER w AS pos, concat_ws(',', j, lead(j, 1) OVER w, lead(j, 2) OVER w) AS members
  FROM mj WHERE size <= 3 WINDOW w AS (PARTITION BY gid ORDER BY NOT is_primary, k)),
member_lists AS (
  SELECT gid, members FROM small WHERE pos = 1
  UNION ALL
  SELECT gid, string_agg(j, ',' ORDER BY NOT is_primary, k) FROM mj WHERE size > 3 GROUP BY gid)"""

# One concat() call, not a chain of || (each || copies the text so far).
JSON_SQL = f"""WITH {_MEMBER_JSON}
SELECT concat('{{"rule":', to_json(g.rule), ',"confidence":', to_json(g.confidence), ',"members":[', m.members,
  '],"primary":', to_json(g.primary_cio), ',"reason":', to_json(g.reason), '}}')
FROM dup_group_text g JOIN member_lists m USING (gid)
ORDER BY {_ranked("g")}"""

__all__ = [
    "ALL_GROUPS_SQL", "ALL_MEMBERS_SQL", "JSON_SQL", "MEMBERS", "MEMBER_ROWS_SQL", "RESULT", "build_listing_tables",
    "materialize_members", "members_sql", "top_groups_sql", "top_members_sql",
]  # fmt: skip
