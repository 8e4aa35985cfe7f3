"""What the Walkthrough screen and its task mixins share: the open workspace's service and the state on show."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the mixins are typed as the screen they are mixed into
    from cio_tui.tui.screens.base import AreaScreen as _Host
    from cio_tui.walkthrough.service import Overview, WalkthroughService
else:
    _Host = object


class WalkthroughHost(_Host):
    service: WalkthroughService | None = None  # made by the screen when a workspace is open
    overview: Overview | None = None  # what the panels show, after the first load

    @property
    def _current_service(self) -> WalkthroughService:
        """The open workspace's service: the tasks that use it run only once the screen has made it."""
        if self.service is None:
            raise RuntimeError("the Walkthrough has no workspace open")
        return self.service

    @property
    def _current_overview(self) -> Overview:
        """What the panels show: set before any panel can ask for a task."""
        if self.overview is None:
            raise RuntimeError("the Walkthrough has not shown its state yet")
        return self.overview


__all__ = ["WalkthroughHost"]
