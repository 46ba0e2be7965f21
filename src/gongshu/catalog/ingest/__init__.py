"""Ingest of data resources (CSV, Excel, Parquet, JSON Lines, database tables) into Parquet."""

from gongshu.catalog.ingest.errors import IngestError
from gongshu.catalog.ingest.result import Column, IngestResult
from gongshu.catalog.ingest.services import ingest_database, ingest_file

__all__ = ["Column", "IngestError", "IngestResult", "ingest_database", "ingest_file"]
