"""View-models of the TUI: what a screen shows, computed from engine objects without Textual or IO, so that
screens and widgets stay thin and these rules are tested without an app."""
