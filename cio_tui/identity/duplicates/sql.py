"""The duplicate rules as DuckDB SQL: the engine runs exactly these statements, and ``--print-sql`` prints them.

Stages (each a table):
1. ``people``: the export with normalised match columns (``email_norm``, ``_m_anon``, ``_m_email_N``).
2. ``dup_edges(rule, key, rn)``: one row per person per match key with at least two people (``rn`` = the node:
   the row number in the engine, ``cio_id`` in the printed script).
3. components: people linked through any key form one group. The engine labels them by repeated min-label
   propagation (a few passes); the printed script uses a recursive CTE any SQL warehouse can run.
"""

from __future__ import annotations

from functools import lru_cache

from cio_tui.identity.duplicates.export import ExportColumns, quote_ident, quote_literal
from cio_tui.identity.duplicates.rules import ANONYMOUS_PLACEHOLDERS, RULES, RULES_BY_NAME

EMAIL_SHAPE = r"[^@\s]+@[^@\s]+\.[^@\s]+"  # the same shape as customerio.identifiers.EMAIL_RE


def is_email_sql(col: str) -> str:
    """True when ``col`` is email-shaped (the cheap ``contains`` filter runs first)."""
    return f"(contains({col}, '@') AND regexp_full_match(trim({col}), '{EMAIL_SHAPE}'))"


def real_id_sql(col: str = "id") -> str:
    """A real id: present and not an email (an email-shaped id is a placeholder the app sent by mistake)."""
    return f"({col} IS NOT NULL AND NOT {is_email_sql(col)})"


def created_ts_sql(col: str = "created_at") -> str:
    """``created_at`` as epoch seconds (NULL when unknown): the portable rule (``portable.created_ts``) rendered for
    DuckDB, so the embedded engine and every warehouse agree on who is oldest."""
    return _created_ts_duckdb(col)


@lru_cache(maxsize=8)
def _created_ts_duckdb(col: str) -> str:
    from cio_tui.identity.duplicates.dialects import render_select
    from cio_tui.identity.duplicates.portable import created_ts

    return render_select(f"SELECT {created_ts(f'TRIM({col})')}", "duckdb").removeprefix("SELECT ")


def rules_values_sql(alias: str = "dup_rules") -> str:
    rows = ", ".join(f"({r.code}, {quote_literal(r.name)}, {r.confidence.rank})" for r in RULES)
    return f"(VALUES {rows}) AS {alias}(rule, name, tier)"


def people_sql(source: str, columns: ExportColumns, *, keep_attributes: bool = False, table: str = "people") -> str:
    """Normalise the export (``source`` is a ``read_csv(...)`` call or a table name) into ``table``."""

    def col(name: str) -> str:
        return quote_ident(name) if name in columns.names else "NULL::VARCHAR"

    # Empty fields are already NULL (read_csv); values are kept as written, only the match keys are normalised.
    select = [
        f"{col('cio_id')} AS cio_id",
        f"{col('id')} AS id",
        f"{col('email')} AS email",
        f"nullif(lower(trim({col('email')})), '') AS email_norm",
        f"{col('created_at')} AS created_at",
    ]
    if columns.has_anonymous_id:
        placeholders = ", ".join(quote_literal(p) for p in ANONYMOUS_PLACEHOLDERS)
        anon = quote_ident("anonymous_id")
        select.append(
            f"CASE WHEN length({anon}) <= 12 AND lower(trim({anon})) IN ({placeholders}, '') THEN NULL ELSE {anon} END"
            " AS _m_anon"
        )
    for i, name in enumerate(columns.email_attributes):
        select.append(f"nullif(lower(trim({quote_ident(name)})), '') AS _m_email_{i}")
    if keep_attributes:
        select += [f"{quote_ident(n)} AS {quote_ident('a:' + n)}" for n in columns.attributes]
    return f"CREATE OR REPLACE TEMP TABLE {table} AS\nSELECT\n  " + ",\n  ".join(select) + f"\nFROM {source}"


def edges_sql(columns: ExportColumns, *, node: str = "rowid", people: str = "people", table: str = "dup_edges") -> str:
    """One row (rule, key, rn) per person and match key shared by at least two people.

    Cheap by construction: one aggregate over the emails serves the same-email and the lead rules, the other rules
    start from small sets (email-shaped ids, ids with an upper-case letter, repeated anonymous ids), and every pass
    over the people is a filter or a probe into a small hash table.
    """
    r = RULES_BY_NAME
    lead = r["lead_and_id_person"].code
    ctes = [
        # repeated emails: a 64-bit hash finds the few candidate rows cheaply (grouping a million hashes, not a
        # million strings), then the exact count runs on the candidates only (a hash collision costs nothing)
        f"""email_rows_h AS (SELECT email_norm AS key, id, {node} AS rn FROM {people} WHERE email_norm IS NOT NULL
  AND hash(email_norm) IN (SELECT hash(email_norm) FROM {people} WHERE email_norm IS NOT NULL
                           GROUP BY 1 HAVING count(*) > 1))""",
        """emails AS (SELECT key, count(*) AS n, count(id) AS n_id FROM email_rows_h GROUP BY 1 HAVING count(*) > 1)""",
        """email_rows AS (SELECT key, rn FROM email_rows_h WHERE key IN (SELECT key FROM emails))""",
        f"""same_email AS (SELECT {r["same_email"].code} AS rule, key, rn FROM email_rows)""",
        # a lead and a person with an id in the email column: emails with at least one of each
        f"""lead_and_id_person AS (
  SELECT {lead} AS rule, key, rn FROM email_rows WHERE key IN (SELECT key FROM emails WHERE n_id > 0 AND n_id < n))""",
    ]
    if columns.email_attributes:  # ... or in another email attribute of the person with the id
        holders = "\n  UNION ALL ".join(
            f"SELECT _m_email_{i} AS key, {node} AS rn FROM {people} WHERE id IS NOT NULL AND _m_email_{i} IS NOT NULL"
            for i in range(len(columns.email_attributes))
        )
        ctes[-1] += f""",
attr_holders AS (
  {holders}),
leads AS (SELECT email_norm AS key, {node} AS rn FROM {people} WHERE id IS NULL AND email_norm IS NOT NULL),
attr_pairs AS (SELECT key, rn FROM attr_holders WHERE key IN (SELECT key FROM leads)
  UNION ALL SELECT key, rn FROM leads WHERE key IN (SELECT key FROM attr_holders))"""
        ctes.append(f"lead_rows AS (SELECT * FROM lead_and_id_person UNION ALL SELECT {lead}, key, rn FROM attr_pairs)")
    ctes += [
        f"""id_emails AS (SELECT lower(trim(id)) AS key, {node} AS rn FROM {people} WHERE {is_email_sql("id")})""",
        f"""email_as_id_pairs AS (
  SELECT i.key, i.rn AS a, x.rn AS b FROM id_emails i
  JOIN (SELECT email_norm AS key, {node} AS rn FROM {people} WHERE email_norm IN (SELECT key FROM id_emails)) x
  ON x.key = i.key AND x.rn <> i.rn)""",
        f"""email_as_id AS (
  SELECT {r["email_as_id"].code} AS rule, key, a AS rn FROM email_as_id_pairs
  UNION ALL SELECT {r["email_as_id"].code}, key, b FROM email_as_id_pairs)""",
        # only ids with an upper-case letter can have a case variant: lower() runs on the whole column once
        f"""upper_ids AS (SELECT lower(id) AS key, id, {node} AS rn FROM {people} WHERE id <> lower(id))""",
        f"""case_ids AS (
  SELECT * FROM upper_ids
  UNION ALL SELECT id, id, {node} FROM {people} WHERE id IN (SELECT key FROM upper_ids))""",
        f"""case_variant_id AS (
  SELECT {r["case_variant_id"].code} AS rule, key, rn FROM case_ids
  WHERE key IN (SELECT key FROM case_ids GROUP BY key HAVING count(DISTINCT id) > 1))""",
    ]
    parts = [
        "same_email",
        "lead_rows" if columns.email_attributes else "lead_and_id_person",
        "email_as_id",
        "case_variant_id",
    ]
    if columns.has_anonymous_id:
        ctes.append(
            f"""anon_rows_h AS (SELECT _m_anon AS key, {node} AS rn FROM {people} WHERE _m_anon IS NOT NULL
  AND hash(_m_anon) IN (SELECT hash(_m_anon) FROM {people} WHERE _m_anon IS NOT NULL GROUP BY 1 HAVING count(*) > 1)),
shared_anonymous_id AS (
  SELECT {r["shared_anonymous_id"].code} AS rule, key, rn FROM anon_rows_h
  WHERE key IN (SELECT key FROM anon_rows_h GROUP BY 1 HAVING count(*) > 1))"""
        )
        parts.append("shared_anonymous_id")
    union = "\nUNION ALL ".join(f"SELECT rule, key, rn FROM {p}" for p in parts)
    return f"CREATE OR REPLACE TEMP TABLE {table} AS\nWITH\n" + ",\n".join(ctes) + f"\n{union}"


def star_sql(edges: str = "dup_edges", table: str = "dup_links", where: str = "") -> str:
    """Links member <-> first member of each (rule, key), both ways: as connected as all pairs, far smaller.

    A pair linked by two rules appears twice; removing the repeats cost more than the passes save on them."""
    return f"""CREATE OR REPLACE TEMP TABLE {table} AS
WITH star AS (SELECT rn AS a, min(rn) OVER (PARTITION BY rule, key) AS b FROM {edges} {where})
SELECT a, b FROM star WHERE a <> b UNION ALL SELECT b, a FROM star WHERE a <> b"""


def label_init_sql(links: str, labels: str) -> str:
    return (
        f"CREATE OR REPLACE TEMP TABLE {labels} AS SELECT a AS node, least(a, min(b)) AS label FROM {links} GROUP BY a"
    )


def label_step_sql(links: str, labels: str, out: str) -> str:
    """One min-label propagation pass: every node takes the smallest label among itself and its neighbours
    (``changed`` says whether that lowered it: the loop stops after a pass where nothing changed)."""
    return f"""CREATE OR REPLACE TEMP TABLE {out} AS
SELECT l.node, least(l.label, min(n.label)) AS label, min(n.label) < l.label AS changed
FROM {labels} l JOIN {links} u ON u.a = l.node JOIN {labels} n ON n.node = u.b
GROUP BY l.node, l.label"""
