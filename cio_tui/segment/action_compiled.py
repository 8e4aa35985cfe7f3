"""A mapping and the Actions framework's validation fused into one function per (action, mapping, batching):
exactly ``validate_payload(fields, compile_mapping(mapping)(message), single=single)``, with what cannot change
between calls decided once.

A preset's or a subscription's settings live for a whole replay, and most of their fields are literals (``true``,
``50``) or paths. A literal is resolved, coerced and checked once (its value and its errors are the same on every
call); a setting that is not a field of the action is dropped once (unless it is a directive, which still runs: it
may refuse the message); only the directives' values are checked per call. The payload keeps the mapping's key
order and the errors their order (missing required fields first, then each field's in the mapping's order).
``tests/unit/test_replay_fast_path.py`` compares both on generated mappings and messages.
"""

from __future__ import annotations

from collections.abc import Callable

from cio_tui.segment.action_fields import Field
from cio_tui.segment.action_validation import checked_value, plan_of, required_of, validate_payload
from cio_tui.segment.mapping_compiled import compile_mapping
from cio_tui.segment.mapping_kit import UNDEFINED, is_directive

Payload = dict[str, object]
Validated = Callable[[object], tuple[Payload, list[str]]]
# per field of the mapping: key, the compiled value (None: a literal), the literal's value and errors, the field's
# schema types, the Python types that need no coercion, whether the field has checks (None: not a field)
_Compiled = Callable[[object], object]
_Step = tuple[str, _Compiled | None, object, list[str], tuple[str, ...], tuple[type, ...], bool, Field | None]
_CACHE: dict[tuple[int, int, bool], tuple[object, list[Field], Validated]] = {}
_SCALARS = (str, int, float, bool, type(None))


def validated_payload(fields: list[Field], mapping: object, *, single: bool) -> Validated:
    """The fused function of ``mapping`` for the action of ``fields``; kept per mapping (by identity)."""
    key = (id(mapping), id(fields), single)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] is mapping and cached[1] is fields:
        return cached[2]
    fn = _fused(fields, mapping, single)
    if isinstance(mapping, dict):
        _CACHE[key] = (mapping, fields, fn)
    return fn


def _fused(fields: list[Field], mapping: object, single: bool) -> Validated:
    if not isinstance(mapping, dict) or is_directive(mapping):
        whole = compile_mapping(mapping)

        def generic(message: object) -> tuple[Payload, list[str]]:
            resolved = whole(message)
            return validate_payload(fields, resolved if isinstance(resolved, dict) else {}, single=single)

        return generic
    plan = plan_of(fields)
    required = required_of(fields)
    steps: list[_Step] = []
    for name, setting in mapping.items():
        entry = plan.get(name)
        literal = type(setting) in _SCALARS
        if entry is None:
            if not literal:  # not a field: its value is dropped, but a directive may still refuse the message
                steps.append((name, compile_mapping(setting), None, [], (), (), False, None))
            continue
        field, kinds, plain, checks = entry
        if not literal:
            steps.append((name, compile_mapping(setting), None, [], kinds, plain, checks, field))
            continue
        if setting is None or (setting == "" and ("string" not in kinds or single)):
            continue  # removed on every call
        value: object = setting
        errors: list[str] = []
        if checks or not isinstance(value, plain) or (isinstance(value, bool) and bool not in plain):
            value, errors = checked_value(field, kinds, value)
        steps.append((name, None, value, errors, kinds, plain, checks, field))

    def fused(message: object) -> tuple[Payload, list[str]]:
        payload: Payload = {}
        found: list[str] = []
        for name, compiled, value, errors, kinds, plain, checks, field in steps:
            if compiled is None:
                payload[name] = value
                if errors:
                    found += errors
                continue
            value = compiled(message)
            if field is None or value is UNDEFINED or value is None:
                continue
            if value == "" and ("string" not in kinds or single):
                continue
            if checks or not isinstance(value, plain) or (isinstance(value, bool) and bool not in plain):
                value, errors = checked_value(field, kinds, value)
                if errors:
                    found += errors
            payload[name] = value
        missing = [f"The root value is missing the required field '{n}'." for n in required if n not in payload]
        return payload, missing + found if missing else found

    return fused
