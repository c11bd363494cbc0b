"""SQL persistence: SQLAlchemy 2 Core tables, mappers, repositories, unit of work, migrations."""
