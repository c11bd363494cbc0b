"""The HTTP driving adapter: Litestar controllers, msgspec schemas, auth and error mapping."""
