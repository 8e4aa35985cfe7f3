"""What duplicates cost: every person in a duplicate group beyond one is a profile billed for nothing.

Customer.io bills by profiles; the price per profile is the operator's own (their plan), set with
``--price-per-profile`` or ``CIO_TUI_PRICE_PER_PROFILE``. Without a price no cost is guessed.
"""

from __future__ import annotations

import os

from cio_tui.errors import UserError

PRICE_ENV = "CIO_TUI_PRICE_PER_PROFILE"


class PriceError(UserError, ValueError):
    """The price per profile is not a number; the message says how to set it."""


def price_per_profile(flag: float | None = None) -> float | None:
    """The operator's price per profile per month: ``flag`` (``--price-per-profile``), else the environment; None
    when neither is set."""
    if flag is not None:
        return flag
    raw = os.environ.get(PRICE_ENV, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value >= 0:  # also refuses nan
        raise PriceError(f"{PRICE_ENV}={raw!r} is not a price; set it to the price per profile, e.g. 0.002")
    return value


def monthly_cost(extra_profiles: int, price: float) -> float:
    return round(extra_profiles * price, 2)


def cost_line(extra_profiles: int, price: float | None) -> str | None:
    """``duplicates cost about $X a month (...)``; None without a price."""
    if price is None:
        return None
    return (
        f"duplicates cost about ${extra_profiles * price:,.2f} a month ({extra_profiles:,} duplicate profile(s) "
        f"at ${price:g} per profile; people in groups beyond one each)"
    )


__all__ = ["PRICE_ENV", "PriceError", "cost_line", "monthly_cost", "price_per_profile"]
