"""SQL engines the sandbox runs checked queries on: DuckDB (embedded default) and Apache Spark."""
