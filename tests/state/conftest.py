"""Every state-store test runs once per backend: SQLite always, PostgreSQL when configured.

``store`` is an open scratch store; ``state_url`` a scratch URL for tests that open and reopen stores.
"""

from crossdock.runtime.state.testing import state_url_backends, store_backends

store = store_backends()
state_url = state_url_backends()
