"""Segment spec calls as typed models (the Segment Spec: https://segment.com/docs/connections/spec/).

Every call keeps unknown fields (``extra="allow"``): the destinations' mappings read paths such as
``$.context.device.token`` and an operator's message may carry fields we do not model.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from cio_tui.errors import UserError

CallType = Literal["identify", "track", "page", "screen", "group", "alias"]
CALL_TYPES: tuple[str, ...] = ("identify", "track", "page", "screen", "group", "alias")


def _stringify_id(value: object) -> Any:
    """Segment libraries accept numeric ids and send them as they are; the destinations coerce them to strings."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return str(value)
    return value


class SegmentCall(BaseModel):
    """The common fields of every Segment call (https://segment.com/docs/connections/spec/common/)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    type: CallType
    messageId: str | None = None
    timestamp: str | int | float | None = None
    originalTimestamp: str | None = None
    sentAt: str | None = None
    receivedAt: str | None = None
    userId: str | None = None
    anonymousId: str | None = None
    integrations: dict[str, Any] | None = None
    context: dict[str, Any] | None = None
    version: int | str | None = None

    @field_validator("userId", "anonymousId", "messageId", mode="before")
    @classmethod
    def _ids_as_strings(cls, value: object) -> Any:
        return _stringify_id(value)

    def to_message(self) -> dict[str, Any]:
        """The call as a Segment JSON message (unset fields left out, unknown fields kept)."""
        return self.model_dump(mode="json", exclude_none=True)

    @property
    def identified(self) -> bool:
        return bool(self.userId)


class IdentifyCall(SegmentCall):
    type: Literal["identify"] = "identify"
    traits: dict[str, Any] | None = None


class TrackCall(SegmentCall):
    type: Literal["track"] = "track"
    event: str | None = None
    properties: dict[str, Any] | None = None

    @field_validator("event", mode="before")
    @classmethod
    def _event_as_string(cls, value: object) -> Any:
        return _stringify_id(value)


class PageCall(SegmentCall):
    type: Literal["page"] = "page"
    name: str | None = None
    category: str | None = None
    properties: dict[str, Any] | None = None


class ScreenCall(SegmentCall):
    type: Literal["screen"] = "screen"
    name: str | None = None
    category: str | None = None
    properties: dict[str, Any] | None = None


class GroupCall(SegmentCall):
    type: Literal["group"] = "group"
    groupId: str | None = None
    traits: dict[str, Any] | None = None

    @field_validator("groupId", mode="before")
    @classmethod
    def _group_as_string(cls, value: object) -> Any:
        return _stringify_id(value)


class AliasCall(SegmentCall):
    type: Literal["alias"] = "alias"
    previousId: str | None = None

    @field_validator("previousId", mode="before")
    @classmethod
    def _previous_as_string(cls, value: object) -> Any:
        return _stringify_id(value)


AnyCall = Annotated[
    IdentifyCall | TrackCall | PageCall | ScreenCall | GroupCall | AliasCall,
    Field(discriminator="type"),
]
_CALL_ADAPTER: TypeAdapter[Any] = TypeAdapter(AnyCall)


class MessageError(UserError, ValueError):
    """A JSON value that is not a Segment call; the message says what is wrong."""


def call_from_message(message: object) -> SegmentCall:
    """Validate one Segment message (a dict with a ``type``) into its typed call."""
    if not isinstance(message, dict):
        raise MessageError(f"a Segment message is a JSON object, not {type(message).__name__}")
    kind = message.get("type")
    if kind is None:
        raise MessageError("the message has no 'type'; expected one of " + ", ".join(CALL_TYPES))
    if kind not in CALL_TYPES:
        raise MessageError(f"unknown message type {kind!r}; expected one of " + ", ".join(CALL_TYPES))
    try:
        return cast("SegmentCall", _CALL_ADAPTER.validate_python(message))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"][1:]) or "message"
        raise MessageError(f"{kind} message: field '{where}': {first['msg']}") from None


def get_path(message: dict[str, Any], dotted: str) -> Any:
    """``$.a.b`` lookup on a plain message dict; missing -> None (like mapping-kit's ``@path``)."""
    node: object = message
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node
