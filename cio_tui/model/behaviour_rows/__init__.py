"""The rows of the engine's behaviour table, one module per area; ``cio_tui.model.behaviours`` assembles them."""
