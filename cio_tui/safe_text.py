"""Text from a file or a workspace, made safe to print on a terminal: control characters become visible escapes.

A name in an operator's file could carry ANSI escape sequences or carriage returns that rewrite the screen; every
headless command prints such values through ``terminal_safe``.
"""

from __future__ import annotations

import re

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """``text`` with every control character except newline and tab shown as ``\\xNN``."""
    return _CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
