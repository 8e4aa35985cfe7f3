"""JSON values as types: what ``json.loads`` returns and what a request body may hold.

``JSONValue`` is a real recursive union (not an alias of ``Any``), so code that reads a body it did not build has
to narrow before it indexes: ``as_object`` / ``as_list`` are the narrowing helpers the parse boundaries use. Code
that only passes a value on to ``json.dumps`` takes ``object``. A leaf module: it imports nothing from cio_tui.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeAlias

JSONScalar: TypeAlias = str | int | float | bool | None
JSONValue: TypeAlias = JSONScalar | list["JSONValue"] | dict[str, "JSONValue"]
JSONObject: TypeAlias = dict[str, JSONValue]
JSONArray: TypeAlias = list[JSONValue]
# Read-only view of an object: a ``dict[str, str]`` is one, where it is not a ``JSONObject`` (dict is invariant).
JSONMapping: TypeAlias = Mapping[str, object]


def as_object(value: object) -> JSONObject | None:
    """``value`` when it is a JSON object (a dict), else None."""
    return value if isinstance(value, dict) else None


def object_or_empty(value: object) -> JSONObject:
    """``value`` when it is a JSON object, else a new empty one (a missing or malformed part of a body)."""
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> JSONArray | None:
    """``value`` when it is a JSON array (a list), else None."""
    return value if isinstance(value, list) else None


def list_or_empty(value: object) -> JSONArray:
    return value if isinstance(value, list) else []


def str_or_none(value: object) -> str | None:
    """``value`` when it is a string, else None (no conversion: a number is not an id here)."""
    return value if isinstance(value, str) else None


__all__ = [
    "JSONArray",
    "JSONMapping",
    "JSONObject",
    "JSONScalar",
    "JSONValue",
    "as_list",
    "as_object",
    "list_or_empty",
    "object_or_empty",
    "str_or_none",
]
