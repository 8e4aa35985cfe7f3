"""Reserved event names of the Actions destination's Track Event preset (docs/reference/segment-actions.md)."""

from __future__ import annotations

# Section 3, "Track Event exclusions": names routed to other actions instead of trackEvent.
RESERVED_EVENTS: dict[str, str] = {
    "Application Installed": "createUpdateDevice",
    "Application Opened": "createUpdateDevice",
    "Device Created or Updated": "createUpdateDevice",
    "Application Uninstalled": "deleteDevice",
    "Device Deleted": "deleteDevice",
    "Relationship Deleted": "deleteRelationship",
    "User Deleted": "deletePerson",
    "User Suppressed": "suppressPerson",
    "User Unsuppressed": "unsuppressPerson",
    "Object Deleted": "deleteObject",
    "Report Delivery Event": "reportDeliveryEvent",
    "Report Content Event": "reportContentEvent",
}
APP_LIFECYCLE_EVENTS = ("Application Installed", "Application Opened", "Application Uninstalled")

__all__ = ["RESERVED_EVENTS", "APP_LIFECYCLE_EVENTS"]
