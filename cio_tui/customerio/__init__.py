"""Customer.io API client: no Textual, no knowledge of plans or screens."""
