"""The workspace profiles table of Connect: columns sized to their content and the terminal (``FitTable``)."""

from __future__ import annotations

from cio_tui.tui.widgets.fit_table import Col, FitTable


class ProfilesTable(FitTable):
    """One row per profile (and the environment profile); the row key is the profile name."""

    FIT_COLUMNS = (
        Col("profile", "Profile", priority=1, min=8),
        Col("region", "Region", priority=1, min=6),
        Col("site_id", "Site id", priority=2, min=8),
        Col("keys", "Keys", priority=2, min=10),
        Col("default", "Default", priority=1, min=7),
    )


__all__ = ["ProfilesTable"]
