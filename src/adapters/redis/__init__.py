"""Redis adapters: the shared cache and rate limiter (ARCHITECTURE.md Caching, Scale-out)."""
