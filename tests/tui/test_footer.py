"""The area footer: whole keys only; ``? Help`` and the screen's main actions stay when the terminal is narrow."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from cio_tui.tui.widgets.footer import AreaFooter, choose_keys, key_width, where_width

from .conftest import SMALL, settle


def shown(app) -> list[str]:
    footer = app.screen.query_one(AreaFooter)
    return [f"{k.key_display} {k.description}" for k in footer.query(FooterKey)]


def fits(app) -> bool:
    footer = app.screen.query_one(AreaFooter)
    used = sum(key_width(k, compact=footer.compact) for k in footer.query(FooterKey))
    where = str(footer.query_one(".footer-where").render())
    return used + where_width(where) <= app.size.width


async def test_the_footer_says_where_the_keys_go(make_app) -> None:
    app = make_app("identifiers", sandbox=False)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        # nothing picked yet: letters go to the person box although focus is on the table, and the footer says so
        assert str(app.screen.query_one(".footer-where").render()) == "▸ person: typing"
        await pilot.press("tab", "shift+tab")  # the operator moves focus themselves: letters are the table's keys
        await settle(pilot)
        where = str(app.screen.query_one(".footer-where").render())
        assert where.startswith("▸ ") and "typing" not in where
        await pilot.press("p")
        await settle(pilot)
        assert str(app.screen.query_one(".footer-where").render()) == "▸ person: typing"


@pytest.mark.parametrize(
    ("size", "compact", "expected"),
    [
        (SMALL, True, ["r Load leads", "o Open export", "c Check ids", "m Make plan", "? Help"]),
        (
            (180, 30),
            False,
            [
                "r Load leads",
                "o Open export",
                "f Filter",
                "i Type id",
                "v Paste CSV",
                "l Load ids CSV",
                "c Check ids",
                "m Make plan",
                "x Plan merges",
                "? Help",
            ],
        ),
    ],
)
async def test_a_narrow_footer_keeps_help_and_the_main_actions_whole(make_app, size, compact, expected) -> None:
    app = make_app("leads", sandbox=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("escape")  # no text field focused: the area's own keys
        await settle(pilot)
        keys = [k for k in shown(app) if not k.startswith(("g ", "q ", "^p "))]
        assert keys == expected
        assert ("q Quit" in shown(app)) is not compact  # the app's own keys give way first
        assert app.screen.query_one(AreaFooter).compact is compact and fits(app)


async def test_the_footer_follows_a_resize(make_app) -> None:
    app = make_app("leads", sandbox=False)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert "x Plan merges" in shown(app)
        await pilot.resize_terminal(*SMALL)
        await settle(pilot)
        assert "x Plan merges" not in shown(app) and "m Make plan" in shown(app) and "? Help" in shown(app)


def test_choose_keys_keeps_order_and_never_lets_a_later_short_key_jump_ahead() -> None:
    keys = [
        FooterKey(k, k, d, a)
        for k, d, a in [
            ("a", "Alpha long label", "x1"),
            ("b", "Beta", "x2"),
            ("m", "Main", "x3"),
            ("?", "Help", "help"),
        ]
    ]
    width = key_width(keys[2], compact=True) + key_width(keys[3], compact=True) + key_width(keys[1], compact=True)
    chosen = choose_keys(keys, width, compact=True, first=["id.main"], ids={"m": "id.main"})
    assert [k.key for k in chosen] == ["m", "?"]  # "b" is short enough but comes after "a", which did not fit
