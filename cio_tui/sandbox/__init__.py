"""The sandbox: the engine (``cio_tui.model``) served over HTTP on a SQLite workspace, and its tooling."""
