"""Fixed, documented sandbox credentials. They are not secrets: `cio-tui sandbox serve` prints them."""

SITE_ID = "sandbox"
TRACK_KEY = "sandbox-track-key"
APP_KEY = "sandbox-app-key"
