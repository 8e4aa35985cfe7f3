"""The audit step: count what the classic setup left behind, from a people export (CSV) or the live workspace.

The live audit asks Customer.io for a people export (the same file an operator downloads from the UI) and counts it;
duplicate groups come from the duplicates engine (``cio_tui.identity.duplicates``) over the same file.
"""

from __future__ import annotations

import asyncio
import gzip
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from cio_tui.customerio.contract import CioClient
from cio_tui.errors import UserError
from cio_tui.identity.csv_reader import CsvFormatError, iter_records
from cio_tui.model.validation import looks_like_email
from cio_tui.walkthrough.models import AuditCounts, DuplicateRuleCount

TRUE_VALUES = {"true", "1", "yes", "t"}
# (groups and people per rule, distinct groups, duplicate profiles: people in groups beyond one per group)
DuplicateCounter = Callable[[Path], tuple[list[DuplicateRuleCount], int, int]]


class AuditError(UserError):
    """The export cannot be audited; the message says what is wrong and what to do."""

    exit_code = 1


def _cell(row: list[str], index: int | None) -> str:
    """The cell at ``index`` of a record, "" when the column is absent or the record is short."""
    return row[index] if index is not None and index < len(row) else ""


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in TRUE_VALUES


def audit_export(
    path: Path,
    *,
    now: datetime,
    source: str = "export",
    duplicates: DuplicateCounter | None = None,
    price_per_profile: float | None = None,
) -> AuditCounts:
    """Count people, leads, email-as-id, case-variant ids, unsubscribed, suppressed, anonymous-only in a CSV export.

    ``duplicates`` counts duplicate groups by rule, distinct groups and duplicate profiles over the same file
    (default: the duplicates engine); with ``price_per_profile`` (the operator's, per month) the counts carry the
    line "duplicates cost about $X a month".
    """
    path = Path(path)
    try:
        if path.suffix == ".gz":
            fh = gzip.open(path, "rt", newline="", encoding="utf-8-sig")
        else:
            fh = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise AuditError(f"cannot open the export {path}: {exc.strerror or exc}") from exc
    with fh:
        # the one CSV reader (identity.csv_reader): BOM, blank lines, an unclosed quote, an overlong cell or text
        # that is not UTF-8 are refused naming the line, and the file is streamed (exports can be large)
        records = (r for r in iter_records(fh, str(path)) if any(cell.strip() for cell in r.cells))
        try:
            first = next(records, None)
            header = {name.strip().lower(): i for i, name in enumerate(first.cells if first else [])}
            missing = [col for col in ("cio_id", "id", "email") if col not in header]
            if missing:
                raise AuditError(
                    f"{path} has no {', '.join(missing)} column: export people from Customer.io (or `cio-tui "
                    "duplicates --live`) so the header includes cio_id, id and email"
                )
            col = {key: header.get(key) for key in ("cio_id", "id", "email", "unsubscribed", "suppressed")}
            people = leads = email_as_id = unsubscribed = suppressed = anonymous_only = 0
            ids_by_fold: dict[str, set[str]] = defaultdict(set)
            id_counts: Counter[str] = Counter()
            for record in records:
                row = record.cells
                people += 1
                pid = _cell(row, col["id"]).strip()
                email = _cell(row, col["email"]).strip()
                if email and not pid:
                    leads += 1
                if not email and not pid:
                    anonymous_only += 1
                if pid:
                    id_counts[pid] += 1
                    ids_by_fold[pid.casefold()].add(pid)
                    if looks_like_email(pid):
                        email_as_id += 1
                if col["unsubscribed"] is not None and _truthy(_cell(row, col["unsubscribed"])):
                    unsubscribed += 1
                if col["suppressed"] is not None and _truthy(_cell(row, col["suppressed"])):
                    suppressed += 1
        except CsvFormatError as exc:
            raise AuditError(str(exc)) from None
    case_variants = sum(id_counts[i] for variants in ids_by_fold.values() if len(variants) > 1 for i in variants)
    notes: list[str] = []
    if col["suppressed"] is None:
        notes.append(
            "Suppressed people are deleted by Customer.io and are not in exports; list them from Segment's "
            "suppressions (Privacy > Deletion & Suppression) and use the clean-up step."
        )
    if col["unsubscribed"] is None:
        notes.append("The export has no `unsubscribed` column; add it to the export's attributes to count them.")
    counter = duplicates or duplicate_groups_by_rule
    total: int | None = None
    extra: int | None = None
    try:
        dup, total, extra = counter(path)
    except AuditError as exc:
        dup = []
        notes.append(str(exc))
    return AuditCounts(
        source="live" if source == "live" else "export",
        source_detail=str(path) if source != "live" else "people export requested from the workspace",
        taken_at=now,
        people=people,
        leads=leads,
        email_as_id=email_as_id,
        case_variant_ids=case_variants,
        unsubscribed=unsubscribed,
        suppressed=suppressed if col["suppressed"] is not None else None,
        anonymous_only=anonymous_only,
        duplicate_groups=dup,
        duplicate_groups_total=total,
        duplicate_profiles=extra,
        price_per_profile=price_per_profile,
        notes=notes,
    )


def duplicate_groups_by_rule(path: Path) -> tuple[list[DuplicateRuleCount], int, int]:
    """Duplicate groups per rule, distinct groups and duplicate profiles, from the duplicates engine
    (``cio_tui.identity.duplicates``)."""
    from cio_tui.walkthrough import _duplicates_adapter

    return _duplicates_adapter.count_by_rule(Path(path))


async def export_live(client: CioClient, dest_dir: Path, *, timeout: float = 3600.0) -> Path:
    """Ask the workspace for a people export, wait for it, download it to ``dest_dir``; return the file's path."""
    from cio_tui.walkthrough import _duplicates_adapter

    return await _duplicates_adapter.live_export(client, Path(dest_dir), timeout=timeout)


async def audit_live(
    client: CioClient, *, now: datetime, work_dir: Path | None = None, price_per_profile: float | None = None
) -> AuditCounts:
    """Audit the live workspace through a people export."""
    if work_dir is None:
        with tempfile.TemporaryDirectory(prefix="cio-tui-audit-") as tmp:
            return await audit_live(client, now=now, work_dir=Path(tmp), price_per_profile=price_per_profile)
    path = await export_live(client, work_dir)
    counts = await asyncio.to_thread(audit_export, path, now=now, source="live", price_per_profile=price_per_profile)
    # Unsubscribed is a person flag, not always an export column: count it with a search instead.
    counts.unsubscribed = await count_search(client, UNSUBSCRIBED)
    counts.notes = [n for n in counts.notes if "unsubscribed" not in n]
    return counts


UNSUBSCRIBED = {"attribute": {"field": "unsubscribed", "operator": "eq", "value": "true"}}


async def count_search(client: CioClient, audience: dict[str, Any]) -> int:
    """How many people match a filter (App API search, 1000 per page)."""
    n = 0
    async for _ref in client.iter_search(audience, limit=1000):
        n += 1
    return n
