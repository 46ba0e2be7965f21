"""HTTP API adapter (FastAPI), versioned under /api/v1."""
