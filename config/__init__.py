"""crossdock.config."""
