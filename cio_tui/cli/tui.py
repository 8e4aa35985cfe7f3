"""Placeholder: builds services and runs the Textual app. Owner: issue 4."""


def run_tui(ctx: object) -> None:
    raise SystemExit("The terminal UI is not built yet.")
