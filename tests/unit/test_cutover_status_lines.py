"""``segment status`` and the Walkthrough's Segment section show each mapping's condition whole (QA 16: the
condition of a long trigger was cut at 70 characters, with nothing to say so)."""

from __future__ import annotations

from cio_tui.cutover.status import DestinationStatus, SegmentStatus
from cio_tui.segment_api.models import ACTIONS_METADATA_ID, Destination, MetadataRef, Source, Subscription

TRIGGER = (
    'type = "track" and event != "Application Installed" and event != "Application Opened" and '
    'event != "Order Completed"'
)


def test_a_long_mapping_condition_is_listed_whole() -> None:
    destination = Destination(
        id="dst_actions", name="Customer.io Actions", enabled=False, metadata=MetadataRef(id=ACTIONS_METADATA_ID),
        source_id="src_website",
    )  # fmt: skip
    mapping = Subscription(id="sub_1", action_id="act_1", action_slug="trackEvent", trigger=TRIGGER)
    status = SegmentStatus(
        sources=[Source(id="src_website", slug="website", name="Website")],
        destinations=[DestinationStatus(destination=destination, subscriptions=[mapping])],
    )
    [line] = [line for line in status.lines() if "mapping trackEvent" in line]
    assert line.endswith(f"when {TRIGGER}"), line
