"""Segment's mapping-kit: how an Actions subscription's ``settings`` turn a Segment message into an action payload.

A setting is a literal (copied as it is) or a directive object (``{"@path": "$.traits.email"}``). Modelled, with the
behaviour of Segment's ``@segment/actions-core`` mapping-kit (https://github.com/segmentio/action-destinations,
``packages/core/src/mapping-kit``):

- ``@path``: the value at a ``$.a.b[0]`` path; missing is *undefined* (the field is then not sent).
- ``@template``: ``{{a.b}}`` placeholders; a missing or null value renders ``''``.
- ``@if``: ``exists`` (not undefined or null) or ``blank`` (also not ``''``), then ``then`` / ``else``.
- ``@case``: ``lower`` / ``upper`` of a string value.
- ``@replace``: plain-text ``pattern`` (at most 10 characters) -> ``replacement``, ``global`` (default on),
  ``ignorecase``, an optional second ``pattern2``/``replacement2``; numbers and booleans are replaced as strings.
- ``@arrayPath``: ``[path, item shape]``: the array at ``path``, each item mapped through the shape.
- ``@literal``, ``@json`` (``encode``/``decode``), ``@merge`` (``objects``, ``direction``), ``@flatten``
  (``separator``, ``omitArrays``), ``@excludeWhenNull``.

Not modelled: ``@liquid`` and ``@transform`` (and any directive Segment does not have): ``unmodelled_directives``
finds them before anything runs so the preview can say which subscription and field use them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Final

from cio_tui.errors import UserError


class Undefined:
    """JavaScript's ``undefined``: a field mapped to it is not sent (``null`` is sent). One instance, ``UNDEFINED``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "undefined"

    def __bool__(self) -> bool:
        return False


UNDEFINED: Final = Undefined()
MODELLED = (
    "@path", "@template", "@if", "@case", "@replace", "@arrayPath", "@literal", "@json", "@merge", "@flatten",
    "@excludeWhenNull",
)  # fmt: skip
NOT_MODELLED = ("@liquid", "@transform")
MAX_PATTERN_LENGTH = 10
_PATH_SPLIT_RE = re.compile(r"\[(?=\"|'|\d)|\.|(?<=\"|'|\d)]+")


class MappingError(UserError, ValueError):
    """A mapping that mapping-kit would refuse, or one this preview does not model."""


def is_directive(value: object) -> bool:
    if not isinstance(value, dict):
        return False
    keys = list(value)
    return any(k.startswith("@") for k in keys) and all(k.startswith("@") or k == "_metadata" for k in keys)


def unmodelled_directives(mapping: object, where: str = "") -> list[tuple[str, str]]:
    """(field path, directive) for every directive in ``mapping`` that this preview does not model."""
    found: list[tuple[str, str]] = []
    if isinstance(mapping, dict):
        if is_directive(mapping):
            name = next(k for k in mapping if k.startswith("@"))
            if name not in MODELLED:
                found.append((where, name))
            found += unmodelled_directives(mapping[name], where)
        else:
            for key, value in mapping.items():
                found += unmodelled_directives(value, f"{where}.{key}" if where else key)
    elif isinstance(mapping, list):
        for value in mapping:
            found += unmodelled_directives(value, where)
    return found


def get(obj: object, path: str) -> object:
    """mapping-kit's ``get``: dot and ``[0]`` / ``['a']`` paths; a falsy step returns that falsy value."""
    if path in ("", "."):
        return obj
    return _walk(obj, _split(path))


def _walk(obj: object, keys: list[str]) -> object:
    """``get`` along a path already split into its keys."""
    node = obj
    for key in keys:
        if node is UNDEFINED or node is None or (not node and not isinstance(node, dict | list)):
            return node  # JavaScript's ``prev && prev[key]``
        if isinstance(node, dict):
            node = node.get(key, UNDEFINED)
        elif isinstance(node, list) and key.isdigit():
            node = node[int(key)] if int(key) < len(node) else UNDEFINED
        elif isinstance(node, str) and key == "length":
            node = len(node)
        else:
            node = UNDEFINED
    return node


def js_string(value: object) -> str:
    """How JavaScript turns a value into text (template placeholders, string concatenation)."""
    if value is None or value is UNDEFINED:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict):
        return "[object Object]"
    if isinstance(value, list):
        return ",".join(js_string(v) for v in value)
    return str(value)


_TRIPLE_RE = re.compile(r"\{\{\{([^}]+)\}\}\}")
_DOUBLE_RE = re.compile(r"\{\{([^}]+)\}\}")


def render(template: str, data: object) -> str:
    def one(match: re.Match[str]) -> str:
        value = get(data, match.group(1).strip())
        return js_string(value)

    return _DOUBLE_RE.sub(one, _TRIPLE_RE.sub(one, template))


def _path(value: object, payload: object) -> object:
    path = _string_arg("@path", value, payload)
    return get(payload, path.replace("$.", "", 1))


def _template(value: object, payload: object) -> object:
    return render(_string_arg("@template", value, payload), payload)


def _string_arg(name: str, value: object, payload: object) -> str:
    text = resolve(value, payload)
    if not isinstance(text, str):
        raise MappingError(f"{name} expects a string, got {_kind(text)}")
    return text


def _if(opts: object, payload: object) -> object:
    if not isinstance(opts, dict) or not (opts.get("exists") or opts.get("blank")):
        raise MappingError('@if requires an "exists" key or a "blank" key')
    if opts.get("exists") is not None:
        value = resolve(opts["exists"], payload)
        condition = value is not UNDEFINED and value is not None
    else:
        value = resolve(opts["blank"], payload)
        condition = value is not UNDEFINED and value is not None and value != ""
    if condition and "then" in opts:
        return resolve(opts["then"], payload)
    if not condition and opts.get("else"):
        return resolve(opts["else"], payload)
    return UNDEFINED


def _case(opts: object, payload: object) -> object:
    if not isinstance(opts, dict) or not opts.get("operator"):
        raise MappingError('@case requires an "operator" key')
    if not opts.get("value"):
        return UNDEFINED
    value = resolve(opts["value"], payload)
    if isinstance(value, str):
        if opts["operator"] == "lower":
            return value.lower()
        if opts["operator"] == "upper":
            return value.upper()
        raise MappingError('@case "operator" must be "lower" or "upper"')
    return value


def _replace_once(value: str, pattern: str, replacement: str, is_global: bool, ignorecase: bool) -> str:
    if len(pattern) > MAX_PATTERN_LENGTH or len(replacement) > MAX_PATTERN_LENGTH:
        raise MappingError(f"@replace takes a pattern and a replacement of at most {MAX_PATTERN_LENGTH} characters")
    flags = re.I if ignorecase else 0
    return re.sub(re.escape(pattern), lambda _m: replacement, value, count=0 if is_global else 1, flags=flags)


def _replace(opts: object, payload: object) -> object:
    if not isinstance(opts, dict) or not opts.get("pattern"):
        raise MappingError('@replace requires a "pattern" key')
    if not opts.get("value"):
        return UNDEFINED
    value = resolve(opts["value"], payload)
    if isinstance(value, bool | int | float):
        value = js_string(value)
    replacement = opts.get("replacement")
    replacement = "" if replacement is None else replacement
    ignorecase = bool(opts.get("ignorecase", False))
    is_global = opts.get("global", True)
    is_global = True if is_global is None else is_global
    pattern = opts["pattern"]
    if not (isinstance(value, str) and isinstance(pattern, str) and isinstance(replacement, str)):
        return ""
    out = _replace_once(value, pattern, replacement, bool(is_global), ignorecase)
    if isinstance(opts.get("pattern2"), str) and opts["pattern2"]:
        second = opts.get("replacement2")
        out = _replace_once(out, opts["pattern2"], "" if second is None else str(second), bool(is_global), ignorecase)
    return out


def _array_path(data: object, payload: object) -> object:
    if not isinstance(data, list) or not data:
        raise MappingError(f"@arrayPath expects an array, got {_kind(data)}")
    path, shape = data[0], data[1] if len(data) > 1 else None
    root = get(payload, path.replace("$.", "", 1)) if isinstance(path, str) else resolve(path, payload)
    if isinstance(root, dict | list) and isinstance(shape, dict) and shape:
        items = root if isinstance(root, list) else [root]
        return [resolve(shape, item) for item in items]
    return root


def _json(opts: object, payload: object) -> object:
    if not isinstance(opts, dict) or not opts.get("mode") or not opts.get("value"):
        raise MappingError('@json requires a "mode" key and a "value" key')
    value = resolve(opts["value"], payload)
    if opts["mode"] == "encode":
        return json.dumps(None if value is UNDEFINED else value, separators=(",", ":"), ensure_ascii=False)
    if opts["mode"] == "decode" and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value if opts["mode"] == "decode" else UNDEFINED


def _merge(opts: object, payload: object) -> object:
    if not isinstance(opts, dict) or not opts.get("direction") or not isinstance(opts.get("objects"), list):
        raise MappingError('@merge requires an "objects" array and a "direction" key')
    objects = [resolve(o, payload) for o in opts["objects"]]
    if resolve(opts["direction"], payload) == "left":
        objects.reverse()
    merged: dict[str, object] = {}
    for obj in objects:
        if isinstance(obj, dict):
            merged.update(obj)
    return merged


def _flatten(opts: object, payload: object) -> object:
    if not isinstance(opts, dict) or not isinstance(resolve(opts.get("separator"), payload), str):
        raise MappingError('@flatten requires a string "separator" key')
    separator = resolve(opts["separator"], payload)
    out: dict[str, object] = {}

    def walk(value: object, prefix: str) -> None:
        if isinstance(value, dict) or (isinstance(value, list) and not opts.get("omitArrays")):
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, sub in items:
                walk(sub, f"{prefix}{separator}{key}" if prefix else str(key))
        else:
            out[prefix] = value

    walk(resolve(opts.get("value"), payload), "")
    return out


def _exclude_when_null(value: object, payload: object) -> object:
    resolved = resolve(value, payload)
    if resolved is None:
        return UNDEFINED
    if isinstance(resolved, dict):
        return {k: (UNDEFINED if v is None else v) for k, v in resolved.items()}
    return resolved


_DIRECTIVES: dict[str, Callable[[object, object], object]] = {
    "@path": _path,
    "@template": _template,
    "@if": _if,
    "@case": _case,
    "@replace": _replace,
    "@arrayPath": _array_path,
    "@literal": lambda value, payload: resolve(value, payload),
    "@json": _json,
    "@merge": _merge,
    "@flatten": _flatten,
    "@excludeWhenNull": _exclude_when_null,
}


def _kind(value: object) -> str:
    if value is UNDEFINED:
        return "undefined"
    if value is None:
        return "null"
    return {dict: "object", list: "array", str: "string", bool: "boolean"}.get(type(value), "number")


def resolve(mapping: object, payload: object) -> object:
    """One mapping value against ``payload`` (a Segment message); ``UNDEFINED`` where mapping-kit gives undefined."""
    if isinstance(mapping, dict):
        if is_directive(mapping):
            name = next(k for k in mapping if k.startswith("@"))
            fn = _DIRECTIVES.get(name)
            if fn is None:
                raise MappingError(
                    f"{name} is not modelled by this preview"
                    if name in NOT_MODELLED
                    else f"{name} is not a mapping-kit directive"
                )
            return fn(mapping[name], payload)
        return {k: v for k, v in ((k, resolve(v, payload)) for k, v in mapping.items()) if v is not UNDEFINED}
    if isinstance(mapping, list):  # undefined items stay in arrays and serialise as null
        return [None if v is UNDEFINED else v for v in (resolve(v, payload) for v in mapping)]
    return mapping


def _split(path: str) -> list[str]:
    return [p.replace("'", "").replace('"', "") for p in _PATH_SPLIT_RE.split(path) if p]
