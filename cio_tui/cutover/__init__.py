"""The Segment side of the migration: status, cut-over and rollback plans of Segment Public API writes, their apply
engine (journaled, resumable, exactly once), and delivery verification. Uses ``segment_api``; no Textual."""
