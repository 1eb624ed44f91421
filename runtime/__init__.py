"""crossdock.runtime."""
