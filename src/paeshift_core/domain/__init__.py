"""Entities, value objects, state machines, domain events and errors (DOMAIN.md)."""
