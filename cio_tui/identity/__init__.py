"""The domain: duplicate rules, leads, identifier fixes, plans, the apply engine and its journal."""
