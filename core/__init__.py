"""Crossdock's canonical core: models, the connector contract, typed outcomes, redaction.

Depends on pydantic and the standard library only; the runtime (``crossdock.runtime``) holds
everything that does I/O.
"""
