"""The grouping stages of the portable rules (``portable.py`` has the people and the rules' edges): links, label
passes, the groups' tiers, members with their primary, the group facts and the result table. Neutral SQL, rendered
per engine by ``dialects.py``."""

from __future__ import annotations

from dataclasses import dataclass

from cio_tui.identity.duplicates.portable_values import created_ts, ql, real_id
from cio_tui.identity.duplicates.rules import RULES


def _tier(col: str) -> str:
    return f"CASE {col} " + " ".join(f"WHEN {r.code} THEN {r.confidence.rank}" for r in RULES) + " END"


_ORDERED = sorted(RULES, key=lambda r: (-r.confidence.rank, r.code))  # strongest first, then rule number


@dataclass(frozen=True)
class Tables:
    """Names of the stage tables (one prefix, so a script never touches the operator's own tables)."""

    prefix: str = "cio_dup_"

    def __getattr__(self, name: str) -> str:
        return f"{self.prefix}{name}"


# Link sets: 1 = every rule (the groups); 3 and 2 = only the rules of that confidence tier or above: whether those
# links alone still connect a group decides its confidence. Sets 3 and 2 are labelled in a second phase, only for the
# groups whose rules mix tiers (a group linked by one tier is that tier): a few groups, not every linked person.
LINK_SETS = (1, 3, 2)


def _star(edges: str, sets: tuple[int, ...]) -> str:
    """Links member <-> first member of each (rule, key), both ways, per link set ``t``: as connected as all pairs,
    far smaller. A rule's tier is the same for all its keys, so a set is the star filtered by tier."""
    union = " UNION ALL ".join(
        f"SELECT {n} AS t, a, b, tier FROM star WHERE a <> b" + (f" AND tier >= {n}" if n > 1 else "") for n in sets
    )
    return (
        f"WITH star AS (SELECT node AS a, MIN(node) OVER (PARTITION BY rule, key) AS b, {_tier('rule')} AS tier "
        f"FROM {edges}),\nsets AS ({union})\n"
        "SELECT t, a, b FROM sets UNION ALL SELECT t, b AS a, a AS b FROM sets"
    )


def links_select(edges: str) -> str:
    """The links of every rule (set 1): the groups."""
    return _star(edges, (1,))


def group_rules_select(edges: str, labels: str) -> str:
    """Per group: its strongest and weakest tier and which rules link it (``r1`` .. ``r5``: 1 or 0)."""
    flags = ", ".join(f"MAX(CASE WHEN e.rule = {r.code} THEN 1 ELSE 0 END) AS r{r.code}" for r in RULES)
    return (
        f"SELECT l.label AS gid, MAX({_tier('e.rule')}) AS tier, MIN({_tier('e.rule')}) AS min_tier, {flags} "
        f"FROM {edges} e JOIN {in_set(labels, 1)} l ON l.node = e.node GROUP BY l.label"
    )


def mixed_select(group_rules: str) -> str:
    """The groups whose rules are of more than one tier (their confidence depends on which links connect them)."""
    return f"SELECT gid FROM {group_rules} WHERE tier <> min_tier"


def tier_links_select(edges: str, labels: str, mixed: str) -> str:
    """The links of sets 3 and 2 among the people of the mixed groups."""
    mixed_edges = (
        f"(SELECT e.rule, e.key, e.node FROM {edges} e JOIN {in_set(labels, 1)} l ON l.node = e.node "
        f"WHERE l.label IN (SELECT gid FROM {mixed})) AS me"
    )
    return _star(mixed_edges, (3, 2))


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


def labels_unsettled_select(links: str, labels: str) -> str:
    """1 when some link still joins two labels, else 0 (links are stored both ways: one way is checked). None
    left means the labels are final: each group then has one label, and it is its smallest node (that node's
    label never rises above itself, and every label is a node of the group), so a runner stops there instead
    of making one more pass to see nothing change."""
    return (
        f"SELECT COUNT(*) AS n FROM (SELECT 1 AS x FROM {links} u JOIN {labels} a ON a.t = u.t AND a.node = u.a "
        f"JOIN {labels} b ON b.t = u.t AND b.node = u.b WHERE u.a > u.b AND a.label <> b.label LIMIT 1) AS k"
    )


def in_set(labels: str, n: int) -> str:
    """The labels of one link set, as a table expression."""
    return f"(SELECT node, label FROM {labels} WHERE t = {n})"


PRIMARY_ORDER = "real_id DESC, CASE WHEN ts IS NULL THEN 1 ELSE 0 END, ts, CIO_ORD(cio_id)"


def members_select(people: str, labels: str, nid: str = "node") -> str:
    """The people in groups: ``gid`` (the group's smallest cio_id), ``label`` and ``node`` (as the links name them:
    the same as gid and cio_id unless ``nid`` is DuckDB's rowid), and ``is_primary`` (1 or 0), the survivor: a
    person holding a real id first, then the oldest, then the lowest cio_id."""
    gid = "label" if nid == "node" else "MIN(cio_id) OVER (PARTITION BY label)"  # one window pass with the primary's
    return (
        f"SELECT {gid} AS gid, label, node, cio_id, id, email, real_id, ts, CASE WHEN ROW_NUMBER() OVER (PARTITION BY "
        f"label ORDER BY {PRIMARY_ORDER}) = 1 THEN 1 ELSE 0 END AS is_primary\n"
        f"FROM (SELECT label, node, cio_id, id, email, {real_id('id')} AS real_id, {created_ts('cs')} AS ts\n"
        f"FROM (SELECT l.label, l.node, p.node AS cio_id, p.id, COALESCE(p.email_raw, p.email_norm) AS email, "
        f"TRIM(p.created_at) AS cs FROM {labels} l JOIN {people} p ON p.{nid} = l.node) AS q) AS r"
    )


def group_people_select(people: str, labels: str, nid: str) -> str:
    """The people in groups, only what the group facts need: ``label``, ``node`` (as the links name them),
    ``cio_id``, ``id`` and ``real_id``. The embedded engine's members stage: its listings add the email, created_at
    and the primary only for the groups they show (``member_details_select``), and the group id comes with the facts
    (``facts_select(by_label=True)``)."""
    return (
        f"SELECT l.label, l.node, p.node AS cio_id, p.id, {real_id('p.id')} AS real_id\n"
        f"FROM {labels} l JOIN {people} p ON p.{nid} = l.node"
    )


def member_details_select(members: str, people: str, nid: str, labels: str | None = None) -> str:
    """The members (of ``group_people_select``) with the email as written and ``ts`` (created_at as epoch seconds):
    what ranking them needs (``PRIMARY_ORDER``) and what a listing shows; ``labels`` (a table with a ``label``
    column): only the members of those groups."""
    where = f" WHERE m.label IN (SELECT label FROM {labels})" if labels else ""
    return (
        f"SELECT label, node, cio_id, id, email, real_id, {created_ts('cs')} AS ts\n"
        f"FROM (SELECT m.label, m.node, m.cio_id, m.id, COALESCE(p.email_raw, p.email_norm) AS email, m.real_id, "
        f"TRIM(p.created_at) AS cs FROM {members} m JOIN {people} p ON p.{nid} = m.node{where}) AS q"
    )


def _connected(members: str, labels: str, name: str, mixed: str, key: str = "gid") -> str:
    """Mixed groups whose members all carry one label of ``labels`` (the links of one tier alone connect them)."""
    return (
        f"{name} AS (SELECT m.{key}, CASE WHEN COUNT(t.label) = COUNT(*) AND COUNT(DISTINCT t.label) = 1 THEN 1 "
        f"ELSE 0 END AS ok FROM {members} m LEFT JOIN {labels} t ON t.node = m.node "
        f"WHERE m.label IN (SELECT gid FROM {mixed}) GROUP BY m.{key})"
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


def facts_select(
    t: Tables,
    labels_final: str,
    tier_labels: str,
    *,
    max_group_size: int,
    passes: int | None,
    by_label: bool = False,
) -> str:
    """Per group: rules (strongest first, '+'), confidence (the highest tier whose links alone connect the whole
    group) and the needs-review reason. ``labels_final``: the groups' labels; ``tier_labels``: sets 3 and 2 of the
    mixed groups; ``passes``: the label passes of a printed script (a group whose labels did not settle says so).
    ``by_label``: the members are ``group_people_select``'s (no group id): the facts group them by label and name
    each group by its smallest cio_id here, adding a ``label`` column."""
    labels, labels3, labels2 = in_set(labels_final, 1), in_set(tier_labels, 3), in_set(tier_labels, 2)
    rules = " || ".join(f"CASE WHEN x.r{r.code} = 1 THEN {ql('+' + r.name)} ELSE '' END" for r in _ORDERED)
    key = "label" if by_label else "gid"
    head = "label, MIN(cio_id) AS gid" if by_label else "gid, MIN(label) AS label"
    ctes = [
        f"x AS (SELECT * FROM {t.group_rules})",
        f"g AS (SELECT {head}, COUNT(*) AS size, SUM(real_id) AS real_ids, "
        "MIN(CASE WHEN real_id = 1 THEN CIO_ORD(id) END) AS real_min, "
        f"MAX(CASE WHEN real_id = 1 THEN CIO_ORD(id) END) AS real_max FROM {t.members} GROUP BY {key})",
        _connected(t.members, labels3, "c3", t.mixed, key),
        _connected(t.members, labels2, "c2", t.mixed, key),
    ]
    unsettled = ""
    if passes is not None:
        checks = [
            f"SELECT g.label AS gid FROM {links} k JOIN {final} a ON a.t = k.t AND a.node = k.a "
            f"JOIN {final} b ON b.t = k.t AND b.node = k.b JOIN {labels} g ON g.node = k.a WHERE a.label <> b.label"
            for links, final in ((t.links, labels_final), (t.tier_links, tier_labels))
        ]
        ctes.append(f"u AS (SELECT DISTINCT gid FROM ({' UNION ALL '.join(checks)}) AS k)")
        unsettled = " LEFT JOIN u ON u.gid = g.label"
    tier = (
        "CASE WHEN x.tier = x.min_tier THEN x.tier WHEN c3.ok = 1 THEN 3 WHEN x.tier >= 2 AND c2.ok = 1 THEN 2 "
        "ELSE x.min_tier END"
    )
    return (
        "WITH " + ",\n".join(ctes) + "\n"
        f"SELECT g.gid, {'g.label, ' if by_label else ''}g.size, g.real_ids, SUBSTRING({rules}, 2) AS rules,\n"
        f"  CASE {tier} WHEN 3 THEN 'high' WHEN 2 THEN 'medium' ELSE 'low' END AS confidence,\n"
        f"  {review_text(max_group_size, passes)} AS needs_review_reason\n"
        f"FROM g JOIN x ON x.gid = g.label LEFT JOIN c3 ON c3.{key} = g.{key} LEFT JOIN c2 ON c2.{key} = g.{key}"
        + unsettled
    )


def result_select(t: Tables) -> str:
    """One row per member, with its group's facts."""
    return (
        "SELECT m.gid AS group_id, m.cio_id, f.rules, f.confidence,\n"
        "  CASE WHEN m.is_primary = 1 THEN TRUE ELSE FALSE END AS is_primary, f.needs_review_reason\n"
        f"FROM {t.members} m JOIN {t.facts} f ON f.gid = m.gid"
    )
