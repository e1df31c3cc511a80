"""SQL adapters: the workspace on SQLite or PostgreSQL, schema by shipped migrations."""
