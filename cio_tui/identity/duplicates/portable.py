"""The duplicate rules written once, as portable SQL, for any engine (``dialects.py`` renders them per engine).

The text here is SQL in sqlglot's neutral dialect using only functions sqlglot models (so rendering a dialect never
passes an unknown function through), plus markers that ``dialects.py`` replaces with a hand-written piece per
engine: ``CIO_TEXT(x)`` (a value as text), ``CIO_NODE(x)`` (the cio_id as text, compared in byte order),
``CIO_ORD(x)`` (a value compared in byte order) and, for DuckDB only, ``CIO_HASH(x)`` (its 64-bit hash: a cheap
first test that a value repeats). Every engine runs these stages, the embedded one included; value expressions are in
``portable_values.py``, the grouping stages in ``portable_groups.py``.

Stages (each a table): rows (every row normalised) -> edges ``(rule, key, node)`` -> (a cio_id on several rows: its
first row counts, and the rules run again on one row per cio_id; a runner does this only when it happens) -> star
links of every rule -> component labels by min-label propagation with pointer jumping (the runners loop until
nothing changes; a printed script unrolls a fixed number of passes and says so on any group that did not settle) ->
members (with the primary) -> per group its tiers; for the groups whose rules mix tiers, labels of the high and
medium links alone -> group facts -> the result table ``(group_id, cio_id, rules, confidence, is_primary,
needs_review_reason)``. ``group_id`` is the smallest ``cio_id`` of the group, so every engine names a group alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cio_tui.identity.duplicates.portable_groups import (
    LINK_SETS,
    Tables,
    facts_select,
    group_people_select,
    group_rules_select,
    in_set,
    labels_init_select,
    labels_step_select,
    labels_unsettled_select,
    links_select,
    member_details_select,
    members_select,
    mixed_select,
    result_select,
    tier_links_select,
)
from cio_tui.identity.duplicates.portable_values import (
    EMAIL_PATTERN,
    ISO_PATTERN,
    MS_THRESHOLD,
    NUMBER_PATTERN,
    TS_RANGE,
    created_ts,
    is_email,
    ql,
    real_id,
)
from cio_tui.identity.duplicates.rules import ANONYMOUS_PLACEHOLDERS, MAX_GROUP_SIZE, RULES_BY_NAME

PRINTED_PASSES = 16  # label passes unrolled in a printed script (pointer jumping: paths of thousands settle)
ROLES = ("cio_id", "id", "email", "created_at", "anonymous_id")
RESULT_COLUMNS = ("group_id", "cio_id", "rules", "confidence", "is_primary", "needs_review_reason")


def qi(name: str) -> str:
    """A quoted identifier in the neutral dialect."""
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class PeopleColumns:
    """Which column of the people table plays each role ('' = the table has none: read as empty)."""

    cio_id: str = "cio_id"
    id: str = "id"
    email: str = "email"
    created_at: str = "created_at"
    anonymous_id: str = "anonymous_id"
    email_attributes: tuple[str, ...] = field(default_factory=tuple)
    ordinal: str = ""  # a column giving the row order (a repeated cio_id keeps its first row); ROWID: the table's
    carried: tuple[str, ...] = field(default_factory=tuple)  # other columns kept as ``a:NAME`` (the attributes)

    def role(self, name: str) -> str:
        return str(getattr(self, name))


ROWID = "rowid"  # as PeopleColumns.ordinal: the row order is the people stage table's own (DuckDB's rowid)


def row_columns(cols: PeopleColumns) -> list[str]:
    """The columns of the people stage tables, in order."""
    out = ["node", "id", "email_raw", "email_norm", "created_at", "anon"]
    out += [f"e{i}" for i in range(len(cols.email_attributes))]
    out += ["ord"] if cols.ordinal and cols.ordinal != ROWID else []
    return out + [qi(f"a:{name}") for name in cols.carried]


def people_select(source: str, cols: PeopleColumns) -> str:
    """The people table normalised, one row per row of the source: ``node`` (the cio_id; NULL when there is none: such
    a person cannot be merged), id, ``email_raw`` (the email as written, where it is not its match key), created_at
    as written (empty = NULL), the match keys ``email_norm``,
    ``anon`` and ``e0..`` (email attributes), ``ord`` (the row order, when the source gives one) and the carried
    columns. A cio_id on several rows is resolved later, among the people some rule links (``copies_select``): a
    window over every row would cost more than the rules."""

    def text(role_col: str) -> str:
        return f"NULLIF(CIO_TEXT({qi(role_col)}), '')" if role_col else "CAST(NULL AS VARCHAR)"

    email = cols.email
    norm = f"NULLIF(LOWER(TRIM(CIO_TEXT({qi(email)}))), '')" if email else "CAST(NULL AS VARCHAR)"
    select = [
        f"NULLIF(CIO_NODE({qi(cols.cio_id)}), '') AS node",
        f"{text(cols.id)} AS id",
        # the email as written only where it differs from the match key: most are written as their key, so a
        # table of ten million rows holds one copy of them, not two (``members_select`` puts it back together)
        f"CASE WHEN {text(email)} = {norm} THEN NULL ELSE {text(email)} END AS email_raw"
        if email
        else "CAST(NULL AS VARCHAR) AS email_raw",
        f"{norm} AS email_norm",
        f"{text(cols.created_at)} AS created_at",
    ]
    if cols.anonymous_id:
        anon = f"CIO_TEXT({qi(cols.anonymous_id)})"
        placeholders = ", ".join(ql(p) for p in ANONYMOUS_PLACEHOLDERS)
        select.append(
            f"CASE WHEN LENGTH({anon}) <= 12 AND LOWER(TRIM({anon})) IN ({placeholders}, '') THEN NULL ELSE {anon} END"
            " AS anon"
        )
    else:
        select.append("CAST(NULL AS VARCHAR) AS anon")
    for i, name in enumerate(cols.email_attributes):
        select.append(f"NULLIF(LOWER(TRIM(CIO_TEXT({qi(name)}))), '') AS e{i}")
    if cols.ordinal and cols.ordinal != ROWID:
        select.append(f"{qi(cols.ordinal)} AS ord")
    select += [f"{qi(name)} AS {qi('a:' + name)}" for name in cols.carried]
    return "SELECT\n  " + ",\n  ".join(select) + f"\nFROM {source}"


def row_order(cols: PeopleColumns) -> str:
    """Which of a cio_id's rows counts: the first in file order, else (a warehouse table has no order) the smallest
    ``id``, email, ``created_at``."""
    if cols.ordinal == ROWID:
        return ROWID
    return "ord" if cols.ordinal else "id, email_norm, email_raw, created_at"


def copies_select(people: str, edges: str, cols: PeopleColumns) -> str:
    """Every row of the cio_ids some rule links (a linked person's other rows too, linked or not), numbered per
    cio_id in row order: ``copy_no`` 1 is the row that counts; ``ord`` says where each row is (for the report of
    repeated rows)."""
    keep = ", ".join(c for c in row_columns(cols) if c != "ord")
    order = row_order(cols)
    ord_out = "CAST(NULL AS BIGINT)" if "," in order else order
    return (
        f"SELECT {keep}, {ord_out} AS ord, ROW_NUMBER() OVER (PARTITION BY node ORDER BY {order}) AS copy_no\n"
        f"FROM {people} WHERE node IN ({linked_ids_select(people, edges, cols)})"
    )


def linked_ids_select(people: str, edges: str, cols: PeopleColumns) -> str:
    """The cio_ids some rule links: the one rule for which rows repeat a person (every row of such a cio_id, linked
    or not, is one of its copies). The edges name a person by its cio_id, or by DuckDB's rowid (then each linked
    row's cio_id is looked up)."""
    if cols.ordinal == ROWID:
        return f"SELECT node FROM {people} WHERE {ROWID} IN (SELECT node FROM {edges})"
    return f"SELECT node FROM {edges}"


def repeats_select(people: str, edges: str, cols: PeopleColumns) -> str:
    """How many extra rows the linked cio_ids have (0: each is on one row, and the copies stages need not run)."""
    return (
        f"SELECT COUNT(*) - COUNT(DISTINCT node) AS n FROM {people} "
        f"WHERE node IN ({linked_ids_select(people, edges, cols)})"
    )


def deduped_select(people: str, copies: str, cols: PeopleColumns) -> str:
    """The people table with only the counting row of each linked cio_id (run when some cio_id is on two rows)."""
    names = ", ".join(row_columns(cols))
    return (
        f"SELECT {names} FROM {people} WHERE node IS NOT NULL AND node NOT IN (SELECT node FROM {copies})\n"
        f"UNION ALL SELECT {names} FROM {copies} WHERE copy_no = 1"
    )


def _repeated(col: str, people: str, live: str, hashed: bool) -> str:
    """A cheap first test that ``col`` repeats: where the engine has a 64-bit hash (``hashed``: DuckDB), grouping the
    hashes of a million values is cheaper than grouping the values (a collision only lets a row through to the exact
    count after it); elsewhere no test (always true)."""
    if not hashed:
        return ""
    return (
        f" AND CIO_HASH({col}) IN (SELECT CIO_HASH({col}) FROM {people} WHERE {col} IS NOT NULL AND {live} "
        "GROUP BY 1 HAVING COUNT(*) > 1)"
    )


def edges_select(people: str, n_email_attributes: int, *, hashed: bool = False, nid: str = "node") -> str:
    """One row ``(rule, key, node)`` per person and match key shared by at least two people (rows without a cio_id
    never link: ``live``). ``nid``: what names a person in the links (the cio_id; DuckDB's ``rowid``, a number, is
    cheaper to join on; ``members_select`` turns it back into the cio_id)."""
    live = "node IS NOT NULL"
    r = {name: rule.code for name, rule in RULES_BY_NAME.items()}
    ctes = [
        f"email_rows AS (SELECT email_norm AS key, id, {nid} AS node FROM {people} WHERE email_norm IS NOT NULL "
        f"AND {live}"
        f"{_repeated('email_norm', people, live, hashed)})",
        "emails AS (SELECT key, COUNT(*) AS n, COUNT(id) AS n_id FROM email_rows GROUP BY key HAVING COUNT(*) > 1)",
        f"same_email AS (SELECT {r['same_email']} AS rule, x.key, x.node FROM email_rows x "
        "JOIN emails e ON e.key = x.key)",
        f"lead_rows AS (SELECT {r['lead_and_id_person']} AS rule, x.key, x.node FROM email_rows x "
        "JOIN emails e ON e.key = x.key WHERE e.n_id > 0 AND e.n_id < e.n)",
    ]
    parts = ["same_email", "lead_rows"]
    if n_email_attributes:  # a lead and a person with an id holding the email in another attribute
        holders = " UNION ALL ".join(
            f"SELECT e{i} AS key, {nid} AS node FROM {people} WHERE id IS NOT NULL AND e{i} IS NOT NULL AND {live}"
            for i in range(n_email_attributes)
        )
        ctes += [
            f"attr_holders AS ({holders})",
            f"leads AS (SELECT email_norm AS key, {nid} AS node FROM {people} WHERE id IS NULL "
            f"AND email_norm IS NOT NULL AND {live})",
            f"attr_pairs AS (SELECT {r['lead_and_id_person']} AS rule, key, node FROM attr_holders "
            f"WHERE key IN (SELECT key FROM leads) UNION ALL SELECT {r['lead_and_id_person']} AS rule, key, node "
            "FROM leads WHERE key IN (SELECT key FROM attr_holders))",
        ]
        parts.append("attr_pairs")
    ctes += [
        f"id_emails AS (SELECT LOWER(TRIM(id)) AS key, {nid} AS node FROM {people} WHERE id IS NOT NULL AND {live} "
        f"AND {is_email('id')})",
        f"email_as_id_pairs AS (SELECT i.key, i.node AS a, x.{nid} AS b FROM id_emails i "
        f"JOIN {people} x ON x.email_norm = i.key AND x.{nid} <> i.node)",
        f"email_as_id AS (SELECT {r['email_as_id']} AS rule, key, a AS node FROM email_as_id_pairs "
        f"UNION ALL SELECT {r['email_as_id']} AS rule, key, b AS node FROM email_as_id_pairs)",
        # only ids with an upper-case letter can have a case variant
        f"upper_ids AS (SELECT LOWER(id) AS key, id, {nid} AS node FROM {people} WHERE id <> LOWER(id) AND {live})",
        "case_ids AS (SELECT key, id, node FROM upper_ids "
        f"UNION ALL SELECT id AS key, id, {nid} AS node FROM {people} WHERE id IN (SELECT key FROM upper_ids) "
        f"AND {live})",
        f"case_variant_id AS (SELECT {r['case_variant_id']} AS rule, key, node FROM case_ids "
        "WHERE key IN (SELECT key FROM case_ids GROUP BY key HAVING COUNT(DISTINCT id) > 1))",
        f"anon_rows AS (SELECT anon AS key, {nid} AS node FROM {people} WHERE anon IS NOT NULL AND {live}"
        f"{_repeated('anon', people, live, hashed)})",
        f"shared_anonymous_id AS (SELECT {r['shared_anonymous_id']} AS rule, key, node FROM anon_rows "
        "WHERE key IN (SELECT key FROM anon_rows GROUP BY key HAVING COUNT(*) > 1))",
    ]
    parts += ["email_as_id", "case_variant_id", "shared_anonymous_id"]
    union = "\nUNION ALL ".join(f"SELECT rule, key, node FROM {p}" for p in parts)
    return "WITH\n" + ",\n".join(ctes) + "\n" + union


@dataclass(frozen=True)
class Stage:
    """One statement of the analysis: ``table`` is created from the neutral ``select``."""

    table: str
    select: str
    kind: str = "temp"  # temp | result | labels (the runners repeat label passes until nothing changes)
    note: str = ""


def labelled(t: Tables, name: str, links: str, passes: int) -> list[Stage]:
    """Unrolled label passes into ``{name}_0`` .. ``{name}_{passes}``; the last one is the labels."""
    out = [Stage(f"{name}_0", labels_init_select(links), "labels")]
    out += [Stage(f"{name}_{k}", labels_step_select(links, f"{name}_{k - 1}"), "labels") for k in range(1, passes + 1)]
    return out


def script_stages(
    source: str,
    cols: PeopleColumns,
    *,
    result: str = "cio_duplicate_groups",
    max_group_size: int = MAX_GROUP_SIZE,
    passes: int = PRINTED_PASSES,
    t: Tables | None = None,
    hashed: bool = False,
) -> list[Stage]:
    """Every stage of a printed script, label passes unrolled (``hashed``: the engine has DuckDB's ``hash``)."""
    t = t or Tables()
    n = len(cols.email_attributes)
    stages = [
        Stage(t.rows, people_select(source, cols), note="the people table, normalised"),
        Stage(t.row_edges, edges_select(t.rows, n, hashed=hashed), note="one row per row and shared key"),
        Stage(t.copies, copies_select(t.rows, t.row_edges, cols), note="the linked rows, numbered per cio_id"),
        Stage(t.people, deduped_select(t.rows, t.copies, cols), note="one row per cio_id (its first row counts)"),
        Stage(t.edges, edges_select(t.people, n, hashed=hashed), note="one row per person and shared key"),
        Stage(t.links, links_select(t.edges), note="links by any rule (link set t 1)"),
        *labelled(t, t.prefix + "labels", t.links, passes),
    ]
    final = f"{t.prefix}labels_{passes}"
    tiers = f"{t.prefix}tier_labels_{passes}"
    stages += [
        Stage(t.group_rules, group_rules_select(t.edges, final), note="per group: its tiers and rules"),
        Stage(t.mixed, mixed_select(t.group_rules), note="the groups whose rules are of more than one tier"),
        Stage(t.tier_links, tier_links_select(t.edges, final, t.mixed), note="their links: t 3 high, t 2 medium+"),
        *labelled(t, t.prefix + "tier_labels", t.tier_links, passes),
        Stage(t.members, members_select(t.people, in_set(final, 1)), note="the people in groups"),
        Stage(
            t.facts,
            facts_select(t, final, tiers, max_group_size=max_group_size, passes=passes),
            note="per group: rules, confidence, review",
        ),  # fmt: skip
        Stage(result, result_select(t), "result", note="the result table"),
    ]
    return stages


__all__ = [
    "EMAIL_PATTERN", "ISO_PATTERN", "MS_THRESHOLD", "NUMBER_PATTERN", "RESULT_COLUMNS", "ROLES", "ROWID", "TS_RANGE",
    "LINK_SETS", "PeopleColumns", "Stage", "Tables", "created_ts", "copies_select", "deduped_select", "edges_select",
    "facts_select", "group_people_select", "group_rules_select", "in_set", "is_email", "labels_init_select",
    "labels_step_select", "labels_unsettled_select", "linked_ids_select", "links_select", "member_details_select",
    "members_select", "mixed_select", "people_select", "ql", "real_id", "repeats_select", "result_select",
    "script_stages", "tier_links_select",
]  # fmt: skip
