"""Ledger: append-only, tamper-evident Merkle log of every event."""
