"""Paeshift's pure core: domain model, ports and use cases (standard library and attrs only)."""
