"""File stores: local disk (the default, under ``var/media``); the memory store is in
``adapters.memory.files``."""
