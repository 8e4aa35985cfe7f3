"""One sample call per Segment call type, written as application code pastes them (used by the TUI and tests)."""

from __future__ import annotations

SAMPLES: dict[str, str] = {
    "identify": (
        "analytics.identify('user-1001', {\n"
        "  email: 'ada@example.com',\n"
        "  name: 'Ada Lovelace',\n"
        "  plan: 'pro',\n"
        "  createdAt: '2024-03-01T09:30:00Z',\n"
        "})\n"
    ),
    "track": "analytics.track('Order Completed', {\n  order_id: 'o-42',\n  total: 99.5,\n  currency: 'EUR',\n})\n",
    "page": "analytics.page('Pricing', {\n  url: 'https://example.com/pricing',\n  title: 'Pricing',\n})\n",
    "screen": "analytics.screen('Checkout', {\n  step: 2,\n})\n",
    "group": (
        "analytics.group('acme-inc', {\n  name: 'Acme Inc',\n  objectAttributes: {plan: 'enterprise', seats: 50},\n})\n"
    ),
    "alias": "analytics.alias('user-1001', 'ada@example.com')\n",
}


def sample(kind: str) -> str:
    return SAMPLES[kind]


def all_samples() -> str:
    """Every sample in one paste (the identify first, so later calls carry its userId as analytics.js does)."""
    return "".join(SAMPLES[k] for k in ("identify", "track", "page", "screen", "group", "alias"))
