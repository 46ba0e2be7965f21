"""Catalog: data resources (目录), versions stored as Parquet, metadata, search, 一数一源."""
