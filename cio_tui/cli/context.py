"""Placeholder: the CLI context (settings, credentials, workspace opening, exit codes). Owner: issue 2."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class CliContext:
    profile_name: str | None
    sandbox: bool

    @classmethod
    def create(cls, profile_name: str | None, sandbox: bool) -> CliContext:
        return cls(profile_name=profile_name, sandbox=sandbox)
