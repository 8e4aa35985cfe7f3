"""A mapping and the Actions framework's validation fused into one function per (action, mapping, batching):
exactly ``validate_payload(fields, compile_mapping(mapping)(message), single=single)``, with what cannot change
between calls decided once.

A preset's or a subscription's settings live for a whole replay, and most of their fields are literals (``true``,
``50``) or paths. A literal is resolved, coerced and checked once (its value and its errors are the same on every
call); a setting that is not a field of the action is dropped once (unless it is a directive, which still runs: it
may refuse the message); only the directives' values are checked per call. The payload keeps the mapping's key
order and the errors their order (missing required fields first, then each field's in the mapping's order). The
function is generated as straight-line code, one block per setting (no loop, no per-call lookups of the plan).
``tests/unit/test_replay_fast_path.py`` compares both on generated mappings and messages.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from typing import cast

from cio_tui.segment.action_fields import Field
from cio_tui.segment.action_validation import checked_value, plan_of, required_of, validate_payload
from cio_tui.segment.mapping_compiled import compile_mapping, single_key
from cio_tui.segment.mapping_kit import UNDEFINED, is_directive

Payload = dict[str, object]
Validated = Callable[[object], tuple[Payload, list[str]]]
_SCALARS = (str, int, float, bool, type(None))

# The fused functions, by the mapping's content: its JSON text (key order kept: it is the payload's order), the
# action's field list and the batching. An equal mapping (a subscription read again for the next replay) reuses the
# compiled one; a mapping changed in place has a new text and is compiled afresh. At most CACHE_SIZE entries, the
# least recently used one dropped first, so a long session replaying many mappings does not grow without end.
CACHE_SIZE = 64
_Key = tuple[str, int, bool]
_BY_CONTENT: OrderedDict[_Key, tuple[list[Field], Validated]] = OrderedDict()
# What a replay calls per message: the same mapping object again. Checking it is still equal to a copy taken when it
# was compiled costs far less than writing its JSON every time (also at most CACHE_SIZE entries; an entry holds the
# mapping, which keeps its id from being reused while it is here).
_BY_ID: dict[tuple[int, int, bool], tuple[object, object, list[Field], Validated]] = {}


def validated_payload(fields: list[Field], mapping: object, *, single: bool) -> Validated:
    """The fused function of ``mapping`` for the action of ``fields``; kept per mapping content (see above)."""
    hot_key = (id(mapping), id(fields), single)
    hot = _BY_ID.get(hot_key)
    if hot is not None and hot[0] is mapping and hot[2] is fields and _same(mapping, hot[1]):
        return hot[3]
    try:
        text = json.dumps(mapping, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError):  # not JSON (an object, a cycle): compiled for this call only
        return _fused(fields, mapping, single)
    key = (text, id(fields), single)
    found = _BY_CONTENT.get(key)
    copy = json.loads(text)  # the caller's mapping may change later: the compiled function and the check use this
    if found is not None and found[0] is fields:
        _BY_CONTENT.move_to_end(key)
        fn = found[1]
    else:
        fn = _fused(fields, copy, single)
        _BY_CONTENT[key] = (fields, fn)
        if len(_BY_CONTENT) > CACHE_SIZE:
            _BY_CONTENT.popitem(last=False)
    if len(_BY_ID) >= CACHE_SIZE:
        del _BY_ID[next(iter(_BY_ID))]
    _BY_ID[hot_key] = (mapping, copy, fields, fn)
    return fn


def _same(mapping: object, copy: object) -> bool:
    """``mapping`` is still what ``copy`` was made from. ``==`` runs in C; it does not tell ``1`` from ``True`` or
    ``1.0``, nor a nested object's key order (changes no caller makes in place: a changed value or field is seen)."""
    return mapping == copy and (
        type(mapping) is not dict or list(cast("dict[str, object]", mapping)) == list(cast("dict[str, object]", copy))
    )


def cache_size() -> int:
    """How many fused functions are kept (for tests: the cache is bounded)."""
    return len(_BY_CONTENT)


def _fused(fields: list[Field], mapping: object, single: bool) -> Validated:
    if not isinstance(mapping, dict) or is_directive(mapping):
        whole = compile_mapping(mapping)

        def generic(message: object) -> tuple[Payload, list[str]]:
            resolved = whole(message)
            return validate_payload(fields, resolved if isinstance(resolved, dict) else {}, single=single)

        return generic
    plan = plan_of(fields)
    required = required_of(fields)
    # The function is written out as straight-line code, one block per setting in the mapping's order (what a loop
    # over the settings would do, with every decision that depends on the mapping alone taken here); names only
    # reach the code as repr() of strings, every other value through the namespace.
    space: dict[str, object] = {"UNDEFINED": UNDEFINED, "checked_value": checked_value}
    lines = ["def fused(message):", "    payload = {}", "    found = []"]
    for n, (name, setting) in enumerate(mapping.items()):
        entry = plan.get(name)
        key = repr(name)
        if type(setting) in _SCALARS:
            if entry is None:
                continue  # not a field: dropped
            field, kinds, plain, checks = entry
            if setting is None or (setting == "" and ("string" not in kinds or single)):
                continue  # removed on every call
            value: object = setting
            errors: list[str] = []
            if checks or not isinstance(value, plain) or (isinstance(value, bool) and bool not in plain):
                value, errors = checked_value(field, kinds, value)
            space[f"v{n}"] = value
            lines.append(f"    payload[{key}] = v{n}")
            if errors:
                space[f"e{n}"] = errors
                lines.append(f"    found += e{n}")
            continue
        space[f"g{n}"] = compile_mapping(setting)
        if entry is None:  # not a field: its value is dropped, but a directive may still refuse the message
            lines.append(f"    g{n}(message)")
            continue
        field, kinds, plain, checks = entry
        one = single_key(setting)
        if one is not None:
            lines.append(f"    v = message.get({one!r}, UNDEFINED) if isinstance(message, dict) else g{n}(message)")
        else:
            lines.append(f"    v = g{n}(message)")
        empty = ' and v != ""' if ("string" not in kinds or single) else ""
        lines.append(f"    if v is not UNDEFINED and v is not None{empty}:")
        space[f"f{n}"], space[f"k{n}"], space[f"p{n}"] = field, kinds, plain
        if checks:
            test = "True"
        else:
            test = f"not isinstance(v, p{n})" + ("" if bool in plain else " or v is True or v is False")
        lines += [f"        if {test}:", f"            v, e = checked_value(f{n}, k{n}, v)", "            if e:",
                  "                found += e", f"        payload[{key}] = v"]  # fmt: skip
    if required:
        space["required"] = required
        lines.append("    if " + " or ".join(f"{n!r} not in payload" for n in required) + ":")
        lines.append("        missing = [f\"The root value is missing the required field '{n}'.\" for n in required")
        lines.append("                   if n not in payload]")
        lines.append("        return payload, missing + found")
    lines.append("    return payload, found")
    exec(compile("\n".join(lines), f"<fused mapping of {len(fields)} fields>", "exec"), space)  # noqa: S102
    return cast(Validated, space["fused"])
