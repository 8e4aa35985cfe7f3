"""The workspace settings the engine runs under (Customer.io's Workspace Settings that change what a request does)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Mode = Literal["email_or_id", "id_only"]
MODES: tuple[str, ...] = ("email_or_id", "id_only")


@dataclass(frozen=True)
class WorkspaceSettings:
    """Defaults are those of a new Customer.io workspace where documented, else the engine's assumed choice.

    - ``mode``: ``email_or_id`` (email is an identifier; the default) or ``id_only`` (email is a plain attribute).
    - ``auto_merge``: "Multi-identifier profile merge" (on for workspaces created after 2021-09-24).
    - ``email_update_by_id``: "Allow updates to email using ID" (assumed off).
    - ``phone_identifiers``: phone enabled as an identifier (off unless the workspace enables it).
    - ``anonymous_merge``: anonymous event merging (assumed on).
    - ``ignore_older_updates``: a v2 identify whose ``timestamp`` is older than the person's last attribute update
      is ignored (operator-reported, assumed; on).
    - ``trim_event_names``: leading/trailing spaces of event names are trimmed (workspaces created after
      2021-09-21).
    """

    mode: Mode = "email_or_id"
    auto_merge: bool = True
    email_update_by_id: bool = False
    phone_identifiers: bool = False
    anonymous_merge: bool = True
    ignore_older_updates: bool = True
    trim_event_names: bool = True

    @property
    def email_is_identifier(self) -> bool:
        return self.mode == "email_or_id"


# Days of history the documented merges move: anonymous events logged within the last 30 days join the person
# identified with their anonymous_id; merge_customers moves "the most recent 30 days of event history".
ANONYMOUS_MERGE_DAYS = 30
MERGE_HISTORY_DAYS = 30
DAY = 86_400
