"""Desensitization operators, one per module; each maps one Arrow array to a new one and never raises on a cell."""
