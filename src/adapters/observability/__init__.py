"""Metrics (and later tracing) shared by the adapters and entrypoints."""
