"""cio-tui: migrate Customer.io from Segment's classic destination to Destination Actions, safely."""

__version__ = "0.1.0"
