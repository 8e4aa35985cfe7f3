"""Fixed, documented sandbox credentials. They are not secrets: `cio-tui sandbox serve` prints them."""

ORIGIN = "http://sandbox.cio-tui.local"
"""Where the embedded sandbox answers (in-process: no such host is ever resolved)."""
SITE_ID = "sandbox"
TRACK_KEY = "sandbox-track-key"
APP_KEY = "sandbox-app-key"
