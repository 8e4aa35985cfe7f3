"""Typed Customer.io identifiers and the one place their wire forms (v1 path, v2 body) are built.

Track v1 paths take an id, an email or ``cio_<cio_id>`` and guess the kind from the *shape* of the value,
so an id that looks like an email or starts with ``cio_`` would be misread; such ids are refused here.
Track v2 identifiers and merge bodies take the raw value under a typed key (``{"cio_id": "a3000001"}``).
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from cio_tui.errors import UserError

# Customer.io reads an email-shaped value as an email (one @, something on each side, a dot in the domain, no
# spaces): the one rule lives in the engine, with the id length limit.
from cio_tui.model.validation import MAX_ID_BYTES
from cio_tui.model.validation import looks_like_email as looks_like_email  # re-exported: the one email rule

CIO_PREFIX = "cio_"


class IdKind(StrEnum):
    ID = "id"
    EMAIL = "email"
    CIO_ID = "cio_id"


class IdentifierError(UserError, ValueError):
    """A value that cannot be used as the identifier kind it was given as. The message says what to do."""


def normalize_email(value: str) -> str:
    """Emails are case-insensitive identifiers in Customer.io: compare them trimmed and lower-cased."""
    return value.strip().lower()


_CONTROL_NAMES = {0: "NUL", 7: "BEL", 8: "BS", 9: "TAB", 10: "LF", 11: "VT", 12: "FF", 13: "CR", 27: "ESC", 127: "DEL"}


def unprintable_reason(value: str, what: str = "the id") -> str | None:
    """Why ``value`` cannot be an identifier because of what it contains, naming the first bad character and its
    position (1-based): a control character (NUL, BEL, TAB, CR/LF, ESC of an ANSI sequence...) or another code
    point that does not print (format characters such as zero-width or bidirectional marks, unassigned ones); or
    nothing left once Unicode-normalised (NFC). None when it is fine."""
    for index, ch in enumerate(value, start=1):
        if ch == " " or ch.isprintable():
            continue
        code = ord(ch)
        name = _CONTROL_NAMES.get(code) or unicodedata.name(ch, "")
        kind = "a control character" if unicodedata.category(ch) == "Cc" else "a character that does not print"
        label = f"U+{code:04X}" + (f" ({name})" if name else "")
        return f"character {index} of {what} is {label}, {kind}; remove it (it is invisible or steers a terminal)"
    if not unicodedata.normalize("NFC", value).strip():
        return f"{what} is empty once Unicode-normalised (NFC)"
    return None


def check_new_id(value: str) -> None:
    """Raise IdentifierError when ``value`` cannot safely be an id (used before assigning or changing one)."""
    if not value or not value.strip():
        raise IdentifierError("the id is empty")
    if (reason := unprintable_reason(value)) is not None:
        raise IdentifierError(reason)
    if value != value.strip():
        raise IdentifierError("the id has leading or trailing spaces; remove them")
    if len(value.encode()) > MAX_ID_BYTES:
        raise IdentifierError(f"the id is {len(value.encode())} bytes; Customer.io allows at most {MAX_ID_BYTES}")
    if looks_like_email(value):
        raise IdentifierError(
            "the id looks like an email; Customer.io would read it as an email in a request path. "
            "Use the person's real user id"
        )
    if value[: len(CIO_PREFIX)].lower() == CIO_PREFIX:
        raise IdentifierError(
            f"the id starts with '{value[: len(CIO_PREFIX)]}'; Customer.io would read it as a cio_id (the prefix is "
            "matched in any case). Choose an id without that prefix"
        )


class Identifier(BaseModel):
    """One way to name a person: ``id``, ``email`` or ``cio_id`` (stored raw, without the ``cio_`` prefix)."""

    model_config = ConfigDict(frozen=True)

    kind: IdKind
    value: str

    @field_validator("value")
    @classmethod
    def _not_empty(cls, v: str) -> str:
        if not v or not v.strip():
            raise IdentifierError("an identifier cannot be empty")
        return v

    @model_validator(mode="after")
    def _check_shape(self) -> Identifier:
        if self.kind is not IdKind.CIO_ID and (reason := unprintable_reason(self.value, f"the {self.kind.value}")):
            raise IdentifierError(reason)
        if self.kind is IdKind.ID:
            if len(self.value.encode()) > MAX_ID_BYTES:
                raise IdentifierError(f"an id is at most {MAX_ID_BYTES} bytes; this one is {len(self.value.encode())}")
        elif self.kind is IdKind.EMAIL:
            if not looks_like_email(self.value):
                raise IdentifierError(f"'{self.value}' is not a valid email address")
        elif self.kind is IdKind.CIO_ID:
            if self.value.startswith(CIO_PREFIX):
                object.__setattr__(self, "value", self.value[len(CIO_PREFIX) :])
            if not re.fullmatch(r"[A-Za-z0-9]+", self.value):
                raise IdentifierError("a cio_id is letters and digits only (with or without the 'cio_' prefix)")
        return self

    # -- constructors -------------------------------------------------------------------------------
    @classmethod
    def _make(cls, kind: IdKind, value: str) -> Identifier:
        """Build one from operator input; a refusal is an ``IdentifierError`` with its plain reason (pydantic
        would otherwise wrap it in a ValidationError whose text is not for operators)."""
        try:
            return cls(kind=kind, value=value)
        except ValidationError as exc:
            errors = exc.errors()
            original = errors[0].get("ctx", {}).get("error") if errors else None
            raise IdentifierError(
                str(original) if original else str(errors[0]["msg"]) if errors else str(exc)
            ) from None

    @classmethod
    def id(cls, value: str) -> Identifier:
        return cls._make(IdKind.ID, value)

    @classmethod
    def email(cls, value: str) -> Identifier:
        return cls._make(IdKind.EMAIL, value)

    @classmethod
    def cio(cls, value: str) -> Identifier:
        return cls._make(IdKind.CIO_ID, value)

    @classmethod
    def detect(cls, text: str, kind: IdKind | str | None = None) -> Identifier:
        """Build an identifier from operator input, auto-detecting the kind unless ``kind`` is given.

        ``cio_…`` is a cio_id, anything email-shaped is an email, everything else is an id.
        """
        text = text.strip()
        if kind is not None:
            return cls._make(IdKind(kind), text)
        if text.startswith(CIO_PREFIX):
            return cls.cio(text)
        if "@" in text:
            return cls.email(text)
        return cls.id(text)

    # -- wire forms: the only two builders ----------------------------------------------------------
    def path_segment(self) -> str:
        """Track v1 path form, percent-encoded: ``u1``, ``a%40b.co``, ``cio_a3000001``.

        Refuses an id that Customer.io would misread as another kind.
        """
        if self.kind is IdKind.CIO_ID:
            raw = CIO_PREFIX + self.value
        elif self.kind is IdKind.ID:
            if looks_like_email(self.value) or self.value[: len(CIO_PREFIX)].lower() == CIO_PREFIX:
                raise IdentifierError(
                    f"the id '{self.value}' would be read by Customer.io as "
                    f"{'an email' if looks_like_email(self.value) else 'a cio_id'} in a request path; "
                    "address this person by cio_id instead"
                )
            raw = self.value
        else:
            raw = self.value
        return quote(raw, safe="")

    def customer_path(self, *rest: str) -> str:
        """Track v1 ``/api/v1/customers/<path form>[/rest...]``: the one builder of a person's v1 path (the client
        sends it, plans record it, reviews show it). ``rest`` are fixed path words such as ``suppress``."""
        return "/".join(("/api/v1/customers", self.path_segment(), *rest))

    def app_path_segment(self) -> str:
        """App API path form (used with ``id_type``): the raw value, percent-encoded."""
        return quote(self.value, safe="")

    def body(self) -> dict[str, str]:
        """Track v2 ``identifiers`` / merge body form: ``{"cio_id": "a3000001"}`` (raw, no prefix)."""
        return {self.kind.value: self.value}

    def __str__(self) -> str:
        return f"{CIO_PREFIX}{self.value}" if self.kind is IdKind.CIO_ID else self.value

    def describe(self) -> str:
        return f"{self.kind.value} {self}"
