"""Modal screens: confirmations, help, area picker, profile forms (import each module directly)."""
