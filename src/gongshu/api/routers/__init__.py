"""One router per bounded context."""
