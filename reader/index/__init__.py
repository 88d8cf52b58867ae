"""The persistent full-text index: a SQLite FTS5 database per opened root."""
