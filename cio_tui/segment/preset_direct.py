"""Track Event, Track Page View and Track Screen View with their default mappings, from the message to the body in
one step, for a replay (most of its calls are these).

The default mapping of each reads a few plain keys of the message (``userId``, ``anonymousId``, ``messageId``,
``timestamp``, ``properties`` and the event's name); validation keeps a value of the field's own type as it is and
drops ``null`` (and ``""`` on the single path). So when each of those values is a string, an object or absent, the
payload is those values under the fields' names, and the body is ``preset_bodies``' of it: this module reads them
from the message and builds the body without the payload in between. Any other value (a number into a string
field, an object into the name...) returns ``FALLBACK``: the caller then takes the general path, which coerces it
or reports it. Only used while a preset's default mapping is the one written here (``direct_sender`` checks);
``tests/unit/test_replay_fast_mapping.py`` compares every preset sender with the destination's general path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cio_tui.segment.action_fields import path
from cio_tui.segment.preset_bodies import Body, _event_body


class Fallback:
    """The message needs the general path."""


FALLBACK = Fallback()
Direct = Callable[[dict[str, Any]], Body | None | Fallback]

_COMMON = {"id": path("userId"), "anonymous_id": path("anonymousId"), "event_id": path("messageId"),
           "timestamp": path("timestamp"), "data": path("properties")}  # fmt: skip
_BATCHING = {"convert_timestamp": True, "enable_batching": True, "batch_size": 50}
# Per preset: the action, where the name comes from (a key of the message, or the key of ``properties``), and the
# default mapping that reading assumes.
_PRESETS: dict[str, tuple[str, str, bool, dict[str, object]]] = {
    "trackEvent": ("event", "event", False, {**_COMMON, "name": path("event"), **_BATCHING}),
    "trackScreenView": ("screen", "name", False, {**_COMMON, "name": path("name"), **_BATCHING}),
    "trackPageView": ("page", "url", True, {**_COMMON, "url": path("properties.url"), **_BATCHING}),
}


def direct_sender(slug: str, mapping: dict[str, Any], *, single: bool) -> Direct | None:
    """The body of ``slug`` for a message (None: nothing is sent, the required name is missing), or None when
    ``mapping`` is not the default mapping this module knows."""
    preset = _PRESETS.get(slug)
    if preset is None or mapping != preset[3]:
        return None
    action, name_key, in_properties, _ = preset
    fallback = FALLBACK

    def send(message: dict[str, Any]) -> Body | None | Fallback:
        get = message.get
        data = get("properties")
        if data is not None and type(data) is not dict:
            return fallback
        if in_properties:
            name = data.get(name_key) if data is not None else None
        else:
            name = get(name_key)
        person_id, anonymous_id, event_id, timestamp = (
            get("userId"), get("anonymousId"), get("messageId"), get("timestamp"))  # fmt: skip
        if (
            type(name) is not str
            or (person_id is not None and type(person_id) is not str)
            or (anonymous_id is not None and type(anonymous_id) is not str)
            or (event_id is not None and type(event_id) is not str)
            or (timestamp is not None and type(timestamp) is not str)
        ):
            return None if name is None else fallback  # no name: the required field is missing, nothing is sent
        if single and name == "":  # the single path drops empty strings (the others' "" is sent as their None)
            return None
        return _event_body(action, name, event_id, data, timestamp, anonymous_id, person_id)

    return send
