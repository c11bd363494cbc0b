"""Use cases: commands and queries working only through ports."""
