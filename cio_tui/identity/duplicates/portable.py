"""The duplicate rules written once, as portable SQL, for any engine (``dialects.py`` renders them per engine).

The text here is SQL in sqlglot's neutral dialect using only functions sqlglot models (so rendering a dialect never
passes an unknown function through), plus three markers that ``dialects.py`` replaces with a hand-written piece per
engine: ``CIO_TEXT(x)`` (a value as text), ``CIO_NODE(x)`` (the cio_id as text, compared in byte order) and
``CIO_ORD(x)`` (a value compared in byte order). No ``TRY_CAST`` (lost on some engines, so one bad value
would fail the query): ``created_at`` is parsed by a regex-guarded, arithmetic-only expression.

Stages (each a table): people (normalised match columns, one row per ``cio_id``) -> edges ``(rule, key, node)`` ->
star links (three link sets: every rule, high-confidence rules, medium and high) -> component labels by min-label
propagation with pointer jumping (the runners loop until nothing changes; a printed script unrolls a fixed number of
passes and says so on any group that did not settle) -> members -> group facts -> the result table
``(group_id, cio_id, rules, confidence, is_primary, needs_review_reason)``. ``group_id`` is the smallest ``cio_id``
of the group, so every engine names a group alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cio_tui.identity.duplicates.rules import ANONYMOUS_PLACEHOLDERS, MAX_GROUP_SIZE, RULES, RULES_BY_NAME

# The email shape (as customerio.identifiers.EMAIL_RE), anchored: every engine's regex test then means a full match.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+[.][^@\s]+$"
NUMBER_PATTERN = r"^-?[0-9]{1,15}([.][0-9]+)?$"  # longer is out of range anyway
ISO_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$"
)
# Epoch seconds of 0001-01-01 and 9999-12-31 23:59:59: a created_at outside is unknown, not an error.
TS_RANGE = (-62135596800, 253402300799)
MS_THRESHOLD = 100_000_000_000  # a number above this is milliseconds
PRINTED_PASSES = 16  # label passes unrolled in a printed script (pointer jumping: paths of thousands settle)
ROLES = ("cio_id", "id", "email", "created_at", "anonymous_id")
RESULT_COLUMNS = ("group_id", "cio_id", "rules", "confidence", "is_primary", "needs_review_reason")


def qi(name: str) -> str:
    """A quoted identifier in the neutral dialect."""
    return '"' + name.replace('"', '""') + '"'


def ql(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class PeopleColumns:
    """Which column of the people table plays each role ('' = the table has none: read as empty)."""

    cio_id: str = "cio_id"
    id: str = "id"
    email: str = "email"
    created_at: str = "created_at"
    anonymous_id: str = "anonymous_id"
    email_attributes: tuple[str, ...] = field(default_factory=tuple)
    ordinal: str = ""  # a column giving the row order (a repeated cio_id keeps its first row)

    def role(self, name: str) -> str:
        return str(getattr(self, name))


def is_email(col: str) -> str:
    return f"REGEXP_LIKE(TRIM({col}), {ql(EMAIL_PATTERN)})"


def real_id(col: str) -> str:
    """1 when ``col`` is a real id: present and not an email (an email-shaped id is a placeholder sent by mistake)."""
    return f"CASE WHEN {col} IS NOT NULL AND NOT {is_email(col)} THEN 1 ELSE 0 END"


def created_ts(s: str) -> str:
    """``created_at`` text (``s``: already trimmed) as epoch seconds (BIGINT): unix seconds, unix milliseconds, or
    an ISO-8601 date or time with an optional offset; NULL when it is none of these, names a day that does not exist,
    or is outside years 1-9999. Regex-guarded arithmetic only (days from the civil date; every cast sits behind the
    regex test that makes it safe, in a CASE, which fixes the order), so every engine computes the same number and
    one bad value never fails the query."""

    def part(start: int, length: int) -> str:
        return f"CAST(SUBSTRING({s}, {start}, {length}) AS BIGINT)"

    def at_end(start_back: int, hours_len: int) -> str:  # a signed offset in seconds, ending the text
        n = f"LENGTH({s})"
        sign = f"(CASE WHEN SUBSTRING({s}, {n} - {start_back}, 1) = '-' THEN -1 ELSE 1 END)"
        hours = f"CAST(SUBSTRING({s}, {n} - {start_back - 1}, 2) AS BIGINT) * 3600"
        minutes = f" + CAST(SUBSTRING({s}, {n} - 1, 2) AS BIGINT) * 60" if hours_len else ""
        return f"{sign} * ({hours}{minutes})"

    y, m, d = part(1, 4), part(6, 2), part(9, 2)
    has_time = f"SUBSTRING({s}, 11, 1) IN ('T', ' ')"
    hh = f"(CASE WHEN {has_time} THEN {part(12, 2)} ELSE 0 END)"
    mi = f"(CASE WHEN {has_time} THEN {part(15, 2)} ELSE 0 END)"
    ss = f"(CASE WHEN {has_time} AND SUBSTRING({s}, 17, 1) = ':' THEN {part(18, 2)} ELSE 0 END)"
    offset = (
        f"(CASE WHEN NOT {has_time} THEN 0 "
        f"WHEN REGEXP_LIKE({s}, '[+-][0-9]{{2}}:[0-9]{{2}}$') THEN {at_end(5, 2)} "
        f"WHEN REGEXP_LIKE({s}, '[+-][0-9]{{4}}$') THEN {at_end(4, 2)} "
        f"WHEN REGEXP_LIKE({s}, '[+-][0-9]{{2}}$') THEN {at_end(2, 0)} ELSE 0 END)"
    )
    leap = f"(MOD({y}, 4) = 0 AND (MOD({y}, 100) <> 0 OR MOD({y}, 400) = 0))"
    month_days = (
        f"(CASE WHEN {m} = 2 THEN (CASE WHEN {leap} THEN 29 ELSE 28 END) WHEN {m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END)"
    )
    valid = (
        f"{y} >= 1 AND {m} BETWEEN 1 AND 12 AND {d} BETWEEN 1 AND {month_days} AND {hh} <= 23 AND {mi} <= 59 "
        f"AND {ss} <= 59"
    )
    y2 = f"({y} - (CASE WHEN {m} <= 2 THEN 1 ELSE 0 END))"
    era = f"FLOOR(CAST({y2} AS DOUBLE) / 400)"
    yoe = f"({y2} - {era} * 400)"
    doy = f"(FLOOR(CAST(153 * MOD({m} + 9, 12) + 2 AS DOUBLE) / 5) + {d} - 1)"
    doe = f"({yoe} * 365 + FLOOR(CAST({yoe} AS DOUBLE) / 4) - FLOOR(CAST({yoe} AS DOUBLE) / 100) + {doy})"
    days = f"({era} * 146097 + {doe} - 719468)"
    iso = f"({days} * 86400 + {hh} * 3600 + {mi} * 60 + {ss} - {offset})"
    num = f"CAST({s} AS DOUBLE)"
    secs = (
        f"(CASE WHEN REGEXP_LIKE({s}, {ql(NUMBER_PATTERN)}) "
        f"THEN FLOOR(CASE WHEN {num} > {MS_THRESHOLD} THEN {num} / 1000 ELSE {num} END) "
        f"WHEN REGEXP_LIKE({s}, {ql(ISO_PATTERN)}) THEN (CASE WHEN {valid} THEN {iso} END) END)"
    )
    return f"CAST(CASE WHEN {secs} BETWEEN {TS_RANGE[0]} AND {TS_RANGE[1]} THEN {secs} END AS BIGINT)"


def _tier(col: str) -> str:
    return f"CASE {col} " + " ".join(f"WHEN {r.code} THEN {r.confidence.rank}" for r in RULES) + " END"


_ORDERED = sorted(RULES, key=lambda r: (-r.confidence.rank, r.code))  # strongest first, then rule number


@dataclass(frozen=True)
class Tables:
    """Names of the stage tables (one prefix, so a script never touches the operator's own tables)."""

    prefix: str = "cio_dup_"

    def __getattr__(self, name: str) -> str:
        return f"{self.prefix}{name}"


def people_select(source: str, cols: PeopleColumns) -> str:
    """The people table normalised: ``node`` (cio_id), id, email, created_at as written (empty = NULL), the match keys
    ``email_norm``, ``anon`` and ``e0..`` (email attributes). One row per cio_id; rows without one cannot be merged."""

    def text(role_col: str) -> str:
        return f"NULLIF(CIO_TEXT({qi(role_col)}), '')" if role_col else "CAST(NULL AS VARCHAR)"

    email = cols.email
    select = [
        f"CIO_NODE({qi(cols.cio_id)}) AS node",
        f"{text(cols.id)} AS id",
        f"{text(email)} AS email",
        (f"NULLIF(LOWER(TRIM(CIO_TEXT({qi(email)}))), '')" if email else "CAST(NULL AS VARCHAR)") + " AS email_norm",
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
    order = qi(cols.ordinal) if cols.ordinal else ", ".join(qi(c) for c in (cols.id, cols.email, cols.created_at) if c)
    select.append(f"ROW_NUMBER() OVER (PARTITION BY CIO_NODE({qi(cols.cio_id)}) ORDER BY {order}) AS copy_no")
    inner = ",\n    ".join(select)
    outer = ", ".join(
        ["node", "id", "email", "email_norm", "created_at", "anon"]
        + [f"e{i}" for i in range(len(cols.email_attributes))]
    )
    return (
        f"SELECT {outer} FROM (\n  SELECT\n    {inner}\n  FROM {source}\n"
        f"  WHERE {qi(cols.cio_id)} IS NOT NULL AND CIO_TEXT({qi(cols.cio_id)}) <> '') AS p\nWHERE copy_no = 1"
    )


def edges_select(people: str, n_email_attributes: int) -> str:
    """One row ``(rule, key, node)`` per person and match key shared by at least two people."""
    r = {name: rule.code for name, rule in RULES_BY_NAME.items()}
    ctes = [
        f"email_rows AS (SELECT email_norm AS key, id, node FROM {people} WHERE email_norm IS NOT NULL)",
        "emails AS (SELECT key, COUNT(*) AS n, COUNT(id) AS n_id FROM email_rows GROUP BY key HAVING COUNT(*) > 1)",
        f"same_email AS (SELECT {r['same_email']} AS rule, x.key, x.node FROM email_rows x "
        "JOIN emails e ON e.key = x.key)",
        f"lead_rows AS (SELECT {r['lead_and_id_person']} AS rule, x.key, x.node FROM email_rows x "
        "JOIN emails e ON e.key = x.key WHERE e.n_id > 0 AND e.n_id < e.n)",
    ]
    parts = ["same_email", "lead_rows"]
    if n_email_attributes:  # a lead and a person with an id holding the email in another attribute
        holders = " UNION ALL ".join(
            f"SELECT e{i} AS key, node FROM {people} WHERE id IS NOT NULL AND e{i} IS NOT NULL"
            for i in range(n_email_attributes)
        )
        ctes += [
            f"attr_holders AS ({holders})",
            f"leads AS (SELECT email_norm AS key, node FROM {people} WHERE id IS NULL AND email_norm IS NOT NULL)",
            f"attr_pairs AS (SELECT {r['lead_and_id_person']} AS rule, key, node FROM attr_holders "
            f"WHERE key IN (SELECT key FROM leads) UNION ALL SELECT {r['lead_and_id_person']} AS rule, key, node "
            "FROM leads WHERE key IN (SELECT key FROM attr_holders))",
        ]
        parts.append("attr_pairs")
    ctes += [
        f"id_emails AS (SELECT LOWER(TRIM(id)) AS key, node FROM {people} WHERE id IS NOT NULL AND {is_email('id')})",
        f"email_as_id_pairs AS (SELECT i.key, i.node AS a, x.node AS b FROM id_emails i "
        f"JOIN {people} x ON x.email_norm = i.key AND x.node <> i.node)",
        f"email_as_id AS (SELECT {r['email_as_id']} AS rule, key, a AS node FROM email_as_id_pairs "
        f"UNION ALL SELECT {r['email_as_id']} AS rule, key, b AS node FROM email_as_id_pairs)",
        # only ids with an upper-case letter can have a case variant
        f"upper_ids AS (SELECT LOWER(id) AS key, id, node FROM {people} WHERE id <> LOWER(id))",
        "case_ids AS (SELECT key, id, node FROM upper_ids "
        f"UNION ALL SELECT id AS key, id, node FROM {people} WHERE id IN (SELECT key FROM upper_ids))",
        f"case_variant_id AS (SELECT {r['case_variant_id']} AS rule, key, node FROM case_ids "
        "WHERE key IN (SELECT key FROM case_ids GROUP BY key HAVING COUNT(DISTINCT id) > 1))",
        f"anon_rows AS (SELECT anon AS key, node FROM {people} WHERE anon IS NOT NULL)",
        f"shared_anonymous_id AS (SELECT {r['shared_anonymous_id']} AS rule, key, node FROM anon_rows "
        "WHERE key IN (SELECT key FROM anon_rows GROUP BY key HAVING COUNT(*) > 1))",
    ]
    parts += ["email_as_id", "case_variant_id", "shared_anonymous_id"]
    union = "\nUNION ALL ".join(f"SELECT rule, key, node FROM {p}" for p in parts)
    return "WITH\n" + ",\n".join(ctes) + "\n" + union


# Link sets: 1 = every rule (the groups), 3 and 2 = only the rules of that confidence tier or above (whether
# those links alone still connect a group decides its confidence). One labelling runs over all three at once.
LINK_SETS = (1, 3, 2)


def links_select(edges: str) -> str:
    """Links member <-> first member of each (rule, key), both ways, per link set ``t``: as connected as all pairs,
    far smaller. A rule's tier is the same for all its keys, so a set is the star filtered by tier."""
    sets = " UNION ALL ".join(
        f"SELECT {n} AS t, a, b, tier FROM star WHERE a <> b" + (f" AND tier >= {n}" if n > 1 else "")
        for n in LINK_SETS
    )
    return (
        f"WITH star AS (SELECT node AS a, MIN(node) OVER (PARTITION BY rule, key) AS b, {_tier('rule')} AS tier "
        f"FROM {edges}),\nsets AS ({sets})\n"
        "SELECT t, a, b FROM sets UNION ALL SELECT t, b AS a, a AS b FROM sets"
    )


def labels_init_select(links: str) -> str:
    return f"SELECT t, a AS node, LEAST(a, MIN(b)) AS label, 1 AS changed FROM {links} GROUP BY t, a"


def labels_step_select(links: str, labels: str) -> str:
    """One pass: each node takes the smallest label among its own, its neighbours' and its label's label (pointer
    jumping halves long chains each pass), within its link set. ``changed`` is 1 where that lowered it; a pass with
    none is the last."""
    best = "LEAST(l.label, MIN(n.label), MIN(j.label))"
    return (
        f"SELECT l.t, l.node, {best} AS label, CASE WHEN {best} < l.label THEN 1 ELSE 0 END AS changed\n"
        f"FROM {labels} l JOIN {links} u ON u.t = l.t AND u.a = l.node JOIN {labels} n ON n.t = l.t AND "
        f"n.node = u.b JOIN {labels} j ON j.t = l.t AND j.node = l.label\nGROUP BY l.t, l.node, l.label"
    )


def in_set(labels: str, n: int) -> str:
    """The labels of one link set, as a table expression."""
    return f"(SELECT node, label FROM {labels} WHERE t = {n})"


def members_select(people: str, labels: str) -> str:
    return (
        f"SELECT gid, cio_id, id, {real_id('id')} AS real_id, {created_ts('cs')} AS ts\n"
        f"FROM (SELECT l.label AS gid, p.node AS cio_id, p.id, TRIM(p.created_at) AS cs "
        f"FROM {labels} l JOIN {people} p ON p.node = l.node) AS q"
    )


def _connected(members: str, labels: str, name: str) -> str:
    """Groups whose members all carry one label of ``labels`` (the links of one tier alone connect them)."""
    return (
        f"{name} AS (SELECT m.gid, CASE WHEN COUNT(DISTINCT COALESCE(t.label, '~' || m.cio_id)) = 1 THEN 1 ELSE 0 END"
        f" AS ok FROM {members} m LEFT JOIN {labels} t ON t.node = m.cio_id GROUP BY m.gid)"
    )


def review_text(max_group_size: int, passes: int | None) -> str:
    """The needs-review sentences of a group (NULL when it is merge-ready), from the columns of ``facts_select``."""
    ids = (
        "CASE WHEN g.real_min <> g.real_max THEN 'Needs review: ' || CAST(g.real_ids AS VARCHAR) || ' different real "
        "ids (''' || g.real_min || '''' || CASE WHEN g.real_ids > 2 THEN ', ...' ELSE '' END || ', ''' || "
        "g.real_max || '''); merging would drop an id the app still sends. Force it only if they are one person.' END"
    )
    size = (
        f"CASE WHEN g.size > {max_group_size} THEN 'Needs review: ' || CAST(g.size AS VARCHAR) || ' people, more "
        f"than max_group_size ({max_group_size}): likely a bad key (a placeholder value many people share), not "
        "one person.' END"
    )
    parts = [ids, size]
    if passes is not None:
        parts.append(
            f"CASE WHEN u.gid IS NOT NULL THEN 'Needs review: the grouping did not settle in {passes} passes; "
            "run the script with more label passes.' END"
        )
    joined = " || ".join(f"COALESCE(' ' || {p}, '')" for p in parts)
    return f"NULLIF(SUBSTRING({joined}, 2), '')"


def facts_select(t: Tables, all_labels: str, *, max_group_size: int, passes: int | None, links: str) -> str:
    """Per group: rules (strongest first, '+'), confidence (the highest tier whose links alone connect the whole
    group) and the needs-review reason."""
    labels, labels3, labels2 = (in_set(all_labels, n) for n in LINK_SETS)
    flags = ", ".join(f"MAX(CASE WHEN e.rule = {r.code} THEN 1 ELSE 0 END) AS r{r.code}" for r in RULES)
    rules = " || ".join(f"CASE WHEN x.r{r.code} = 1 THEN {ql('+' + r.name)} ELSE '' END" for r in _ORDERED)
    ctes = [
        f"x AS (SELECT l.label AS gid, MAX({_tier('e.rule')}) AS tier, MIN({_tier('e.rule')}) AS min_tier, {flags} "
        f"FROM {t.edges} e JOIN {labels} l ON l.node = e.node GROUP BY l.label)",
        f"g AS (SELECT gid, COUNT(*) AS size, SUM(real_id) AS real_ids, "
        "MIN(CASE WHEN real_id = 1 THEN CIO_ORD(id) END) AS real_min, "
        f"MAX(CASE WHEN real_id = 1 THEN CIO_ORD(id) END) AS real_max FROM {t.members} GROUP BY gid)",
        _connected(t.members, labels3, "c3"),
        _connected(t.members, labels2, "c2"),
    ]
    unsettled = ""
    if passes is not None:
        ctes.append(
            f"u AS (SELECT DISTINCT g.label AS gid FROM {links} k JOIN {all_labels} a ON a.t = k.t AND a.node = k.a "
            f"JOIN {all_labels} b ON b.t = k.t AND b.node = k.b JOIN {labels} g ON g.node = k.a "
            "WHERE a.label <> b.label)"
        )
        unsettled = " LEFT JOIN u ON u.gid = g.gid"
    tier = (
        "CASE WHEN x.tier = x.min_tier THEN x.tier WHEN c3.ok = 1 THEN 3 WHEN x.tier >= 2 AND c2.ok = 1 THEN 2 "
        "ELSE x.min_tier END"
    )
    return (
        "WITH " + ",\n".join(ctes) + "\n"
        f"SELECT g.gid, SUBSTRING({rules}, 2) AS rules,\n"
        f"  CASE {tier} WHEN 3 THEN 'high' WHEN 2 THEN 'medium' ELSE 'low' END AS confidence,\n"
        f"  {review_text(max_group_size, passes)} AS needs_review_reason\n"
        "FROM g JOIN x ON x.gid = g.gid JOIN c3 ON c3.gid = g.gid JOIN c2 ON c2.gid = g.gid" + unsettled
    )


def result_select(t: Tables) -> str:
    """One row per member: the primary is a person holding a real id first, then the oldest, then the lowest cio_id."""
    order = "m.real_id DESC, CASE WHEN m.ts IS NULL THEN 1 ELSE 0 END, m.ts, CIO_ORD(m.cio_id)"
    return (
        "SELECT m.gid AS group_id, m.cio_id, f.rules, f.confidence,\n"
        f"  CASE WHEN ROW_NUMBER() OVER (PARTITION BY m.gid ORDER BY {order}) = 1 THEN TRUE ELSE FALSE END"
        " AS is_primary,\n  f.needs_review_reason\n"
        f"FROM {t.members} m JOIN {t.facts} f ON f.gid = m.gid"
    )


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
) -> list[Stage]:
    """Every stage of a printed script, label passes unrolled."""
    t = t or Tables()
    stages = [
        Stage(t.people, people_select(source, cols), note="the people table, normalised; one row per cio_id"),
        Stage(t.edges, edges_select(t.people, len(cols.email_attributes)), note="one row per person and shared key"),
        Stage(t.links, links_select(t.edges), note="links: t 1 by any rule, t 3 by high, t 2 by medium or high rules"),
        *labelled(t, t.prefix + "labels", t.links, passes),
    ]
    final = f"{t.prefix}labels_{passes}"
    stages += [
        Stage(t.members, members_select(t.people, in_set(final, 1)), note="the people in groups"),
        Stage(
            t.facts,
            facts_select(t, final, max_group_size=max_group_size, passes=passes, links=t.links),
            note="per group: rules, confidence, review",
        ),  # fmt: skip
        Stage(result, result_select(t), "result", note="the result table"),
    ]
    return stages
