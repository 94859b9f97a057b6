"""Auth: server keys, short-lived client secrets bound to a session, rate limits, caller identity."""
