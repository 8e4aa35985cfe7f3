"""Attribute name sizes are counted in UTF-8 bytes (the limit is 150): the shortcut that skips encoding short
ASCII names must not let a short name of wide characters through, nor change what any other name does."""

from __future__ import annotations

import pytest

from cio_tui.model.validation import MAX_ATTR_NAME_BYTES, InvalidRequest, check_attributes


def test_an_ascii_name_at_the_limit_passes_and_one_byte_more_is_refused() -> None:
    check_attributes({"a" * MAX_ATTR_NAME_BYTES: 1})
    with pytest.raises(InvalidRequest, match="attribute name is longer than 150 bytes"):
        check_attributes({"a" * (MAX_ATTR_NAME_BYTES + 1): 1})


def test_a_short_name_of_wide_characters_is_counted_in_bytes() -> None:
    check_attributes({"é" * (MAX_ATTR_NAME_BYTES // 2): 1})  # 150 bytes
    with pytest.raises(InvalidRequest, match="attribute name is longer"):
        check_attributes({"é" * 76: 1})  # 76 characters, 152 bytes
    with pytest.raises(InvalidRequest, match="attribute name is longer"):
        check_attributes({"😀" * 38: 1})  # 38 characters, 152 bytes
