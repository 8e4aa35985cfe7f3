"""Compiled mappings: a function of the payload giving exactly ``mapping_kit.resolve(mapping, payload)``, with the
directives' shapes decided once per mapping (a preset's or a subscription's settings live for a whole replay).

Compiled: ``@path``, ``@if`` with ``exists``, ``@template`` without triple braces, and objects of those; any other
directive runs through ``resolve`` as it is. Tests compare both on generated mappings.
"""

from __future__ import annotations

from collections.abc import Callable

from cio_tui.segment.mapping_kit import (
    _DOUBLE_RE,
    _TRIPLE_RE,
    UNDEFINED,
    _split,
    _walk,
    get,
    is_directive,
    js_string,
    resolve,
)

Compiled = Callable[[object], object]


def _one_key(path: str) -> str | None:
    """The key of a path that is one plain key (``$.userId``), None for any other path."""
    if path in ("", "."):
        return None
    keys = _split(path)
    if len(keys) == 1 and not keys[0].isdigit() and keys[0] != "length":
        return keys[0]
    return None


def single_key(mapping: object) -> str | None:
    """``key`` when ``compile_mapping(mapping)`` is ``payload.get(key, UNDEFINED)`` for a dict payload (an
    ``@path`` of one plain key), else None: a caller may then read the key itself."""
    if not isinstance(mapping, dict) or not is_directive(mapping):
        return None
    name = next(k for k in mapping if k.startswith("@"))
    value = mapping[name]
    if name != "@path" or not isinstance(value, str):
        return None
    return _one_key(value.replace("$.", "", 1))


def _getter(path: str) -> Compiled:
    if path in ("", "."):
        return lambda obj: obj
    key = _one_key(path)
    if key is not None:
        return lambda obj: obj.get(key, UNDEFINED) if isinstance(obj, dict) else get(obj, path)
    keys = _split(path)
    return lambda obj: _walk(obj, keys)


def _get_compiled(path: str) -> Compiled:
    """``get(obj, path)`` with the path split once."""
    if path in ("", "."):
        return lambda obj: obj
    keys = _split(path)
    return lambda obj: _walk(obj, keys)


def _compiled_template(template: str) -> Compiled:
    """``render`` of a template without triple braces: its placeholders found once (the first substitution of
    ``render`` changes nothing, the second replaces each placeholder in turn)."""
    pieces: list[str | Compiled] = []
    start = 0
    for match in _DOUBLE_RE.finditer(template):
        pieces.append(template[start : match.start()])
        pieces.append(_get_compiled(match.group(1).strip()))
        start = match.end()
    pieces.append(template[start:])
    if len(pieces) == 3 and pieces[0] == "" and pieces[2] == "" and callable(pieces[1]):
        only = pieces[1]
        return lambda payload: js_string(only(payload))
    return lambda payload: "".join(p if isinstance(p, str) else js_string(p(payload)) for p in pieces)


def compile_mapping(mapping: object) -> Compiled:
    """A function of the payload giving ``resolve(mapping, payload)``. Not cached here: ``action_compiled`` keeps
    the fused functions (which hold these) per mapping content, bounded."""
    return _compile(mapping)


def _compile(mapping: object) -> Compiled:
    if isinstance(mapping, dict):
        if is_directive(mapping):
            name = next(k for k in mapping if k.startswith("@"))
            value = mapping[name]
            if name == "@path" and isinstance(value, str):
                return _getter(value.replace("$.", "", 1))
            if name == "@if" and isinstance(value, dict) and value.get("exists") is not None and "blank" not in value:
                exists, then = _compile(value["exists"]), _compile(value.get("then", UNDEFINED))
                otherwise = _compile(value["else"]) if value.get("else") else (lambda _p: UNDEFINED)
                has_then = "then" in value

                def if_exists(payload: object) -> object:
                    found = exists(payload)
                    if found is not UNDEFINED and found is not None:
                        return then(payload) if has_then else UNDEFINED
                    return otherwise(payload)

                return if_exists
            if name == "@template" and isinstance(value, str) and not _TRIPLE_RE.search(value):
                return _compiled_template(value)
            return lambda payload: resolve(mapping, payload)
        parts = [(key, _compile(value)) for key, value in mapping.items()]

        def an_object(payload: object) -> dict[str, object]:
            out = {}
            for key, part in parts:
                value = part(payload)
                if value is not UNDEFINED:
                    out[key] = value
            return out

        return an_object
    if isinstance(mapping, list):
        return lambda payload: resolve(mapping, payload)
    return lambda _payload: mapping
