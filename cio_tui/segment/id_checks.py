"""Warnings about the ids a paste sends: spaces, more than Customer.io's 150 bytes, and ids that differ only in case
from another id of the same paste (``identity.preview_ids`` adds the case variants of people already in the
workspace). No workspace needed here. Each warning follows the preview's form: what happens, then what to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cio_tui.model.validation import MAX_ID_BYTES
from cio_tui.segment.checks import PreviewWarning

if TYPE_CHECKING:
    from cio_tui.segment.models import SegmentCall
    from cio_tui.segment.preview import PreviewResult

CODES = ("id_has_space", "id_too_long", "id_case_variant")


def _ids(call: SegmentCall) -> list[tuple[str, str]]:
    out = [("userId", call.userId)]
    previous = getattr(call, "previousId", None)
    if isinstance(previous, str):
        out.append(("previousId", previous))
    return [(name, value) for name, value in out if isinstance(value, str) and value]


def shape_warnings(call: SegmentCall) -> list[PreviewWarning]:
    """Spaces and length, for one call (no workspace needed)."""
    out: list[PreviewWarning] = []
    for name, value in _ids(call):
        if any(ch.isspace() for ch in value):
            where = "starts or ends with a space" if value != value.strip() else "contains a space"
            out.append(PreviewWarning(
                code="id_has_space",
                explanation=f"{name} {value!r} {where}: Customer.io keeps the id exactly as sent, so it names a "
                "different person than the same id without the space.",
                todo="Trim the id in the app before calling identify; fix people already created with it from the "
                "Identifiers screen.",
            ))  # fmt: skip
        size = len(value.encode())
        if size > MAX_ID_BYTES:
            out.append(PreviewWarning(
                code="id_too_long",
                explanation=f"{name} is {size} bytes: Customer.io refuses ids longer than {MAX_ID_BYTES} bytes, so "
                "this call changes nobody.",
                todo=f"Send an id of at most {MAX_ID_BYTES} bytes (a database key, not a name or a token).",
            ))  # fmt: skip
    return out


def case_variant(name: str, value: str, other: str, where: str) -> PreviewWarning:
    return PreviewWarning(
        code="id_case_variant",
        explanation=f"{name} {value!r} differs only in case from the id {other!r} {where}: Customer.io ids are "
        "case-sensitive, so the two name different people (a duplicate).",
        todo="Send one spelling of each id (usually lower case); merge the duplicates from the Duplicates screen.",
    )


def paste_warnings(results: Sequence[PreviewResult]) -> None:
    """Add the shape warnings to each call, and a case-variant warning to each call whose id differs only in case
    from an id an earlier call of the paste sent (in place)."""
    first: dict[str, tuple[str, int]] = {}  # casefolded id -> (the spelling seen first, its call number)
    for number, result in enumerate(results, 1):
        result.warnings += shape_warnings(result.call)
        for name, value in _ids(result.call):
            seen = first.setdefault(value.casefold(), (value, number))
            if seen[0] != value:
                result.warnings.append(case_variant(name, value, seen[0], f"that call {seen[1]} sends"))


__all__ = ["CODES", "case_variant", "paste_warnings", "shape_warnings"]
