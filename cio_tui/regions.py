"""Customer.io's regions and their documented API hosts.

A leaf module: the profile (``config``) and the API client (``customerio``) both need the hosts of a region, and the
configuration layer must not import the client. A workspace's fingerprint (which workspace the keys reach) is
derived from its region's hosts, so it lives here too. Hosts: https://docs.customer.io/accounts-and-workspaces/data-centers/
"""

from __future__ import annotations

import hashlib
from typing import Literal

Region = Literal["us", "eu"]  # the one list of Customer.io's regions (a profile's ``region``)

US_TRACK = "https://track.customer.io"
EU_TRACK = "https://track-eu.customer.io"
US_APP = "https://api.customer.io"
EU_APP = "https://api-eu.customer.io"


def default_origins(region: str) -> tuple[str, str]:
    """(track_origin, app_origin) for a region. Origins have no path: the client adds /api/v1, /api/v2, /v1."""
    return (EU_TRACK, EU_APP) if region == "eu" else (US_TRACK, US_APP)


def fingerprint(region: str, site_id: str, origins: tuple[str, str] | None = None) -> str:
    """Workspace fingerprint: ``region + ':' + sha256(site_id)[:16]`` for the region's documented API hosts, and
    a hash of the site id *and* the (track, app) origins for any other hosts (the sandbox, a served sandbox, a
    proxy), so that two workspaces the keys actually reach never share a fingerprint, a data folder or a journal.

    Plans record it and the engine refuses a plan whose fingerprint differs from the open workspace's. The site id
    itself never appears in a plan file.
    """
    material = site_id
    if origins is not None:
        track, app = (o.rstrip("/").lower() for o in origins)
        if (track, app) != tuple(o.lower() for o in default_origins(region)):
            material = "\n".join((site_id, track, app))
    return f"{region}:{hashlib.sha256(material.encode()).hexdigest()[:16]}"


__all__ = ["EU_APP", "EU_TRACK", "US_APP", "US_TRACK", "Region", "default_origins", "fingerprint"]
