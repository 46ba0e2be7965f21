"""Grants: scenario applications, review chain, signed agreements and public disclosure (授权运营)."""
