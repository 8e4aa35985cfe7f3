"""Hosts, media types and rate-limit buckets of Segment's Public API: the one place that knows them.

Every endpoint answers a versioned media type (``application/vnd.segment.<version>+json``); the version an endpoint
is stable at comes from the published SDKs (segmentio/public-api-sdk-python, ``api/*_api.py``): sources,
destinations, destination filters and the catalog are ``v1``; destination subscriptions exist only as ``v1alpha``;
the delivery overview and delivery metrics only as ``v1beta``.
"""

from __future__ import annotations

import re
from typing import Literal

US_HOST = "https://api.segmentapis.com"
EU_HOST = "https://eu1.api.segmentapis.com"

Version = Literal["v1", "v1beta", "v1alpha"]
Bucket = Literal["default", "subscriptions"]

_SUBSCRIPTIONS = re.compile(r"^/destinations/[^/]+/subscriptions(/[^/]+)?$")
_BETA = re.compile(r"^(/delivery-overview/|/destinations/[^/]+/delivery-metrics$)")


def default_host(region: str) -> str:
    """The Public API host of a Segment workspace region (``us`` or ``eu``)."""
    return EU_HOST if region == "eu" else US_HOST


def version_for(path: str) -> Version:
    """The media-type version of the endpoint at ``path`` (without query)."""
    if _SUBSCRIPTIONS.match(path):
        return "v1alpha"
    if _BETA.match(path):
        return "v1beta"
    return "v1"


def media_type(path: str) -> str:
    return f"application/vnd.segment.{version_for(path)}+json"


def bucket_for(path: str) -> Bucket:
    """Destination subscriptions have their own, much smaller, rate limit."""
    return "subscriptions" if _SUBSCRIPTIONS.match(path) else "default"


__all__ = ["EU_HOST", "US_HOST", "bucket_for", "default_host", "media_type", "version_for"]
