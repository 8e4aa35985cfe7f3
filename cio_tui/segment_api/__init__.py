"""Segment's Public API: the client (``client.py``), its transport (``http.py``), typed objects (``models.py``),
errors (``errors.py``), hosts and media types (``versions.py``). No Textual, no knowledge of plans or screens."""
