"""Customer.io's regions and their documented API hosts.

A leaf module: the profile (``config``) and the API client (``customerio``) both need the hosts of a region, and the
configuration layer must not import the client. Hosts: https://docs.customer.io/accounts-and-workspaces/data-centers/
"""

from __future__ import annotations

from typing import Literal

Region = Literal["us", "eu"]  # the one list of Customer.io's regions (a profile's ``region``)

US_TRACK = "https://track.customer.io"
EU_TRACK = "https://track-eu.customer.io"
US_APP = "https://api.customer.io"
EU_APP = "https://api-eu.customer.io"


def default_origins(region: str) -> tuple[str, str]:
    """(track_origin, app_origin) for a region. Origins have no path: the client adds /api/v1, /api/v2, /v1."""
    return (EU_TRACK, EU_APP) if region == "eu" else (US_TRACK, US_APP)


__all__ = ["EU_APP", "EU_TRACK", "US_APP", "US_TRACK", "Region", "default_origins"]
