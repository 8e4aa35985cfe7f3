"""Rehearse the switch on real traffic: replay a file of Segment calls through the classic and the Actions
destinations into two what-if copies of the workspace (the model of Customer.io over memory) and diff the people.

``replay(traffic, people, ...)`` -> ``ReplayResult`` (``to_json`` is the ``cio-tui replay --json`` shape);
``read_people_export`` loads the starting people; ``replay_markdown`` writes the report.
"""

from cio_tui.segment.replay.people import read_people_export
from cio_tui.segment.replay.report import replay_markdown, replay_text
from cio_tui.segment.replay.run import Malformed, Progress, ReplayResult, replay
from cio_tui.segment.replay.traffic import TrafficError

__all__ = [
    "Malformed",
    "Progress",
    "ReplayResult",
    "TrafficError",
    "read_people_export",
    "replay",
    "replay_markdown",
    "replay_text",
]
