"""The generic REST connector: any JSON API, described in the job YAML.

For systems without a connector of their own (Deposco, Shopventory, Scout TopShelf, an in-house ERP)::

    connections:
      erp:
        connector: rest
        config:
          base_url: https://erp.example.com/api
          auth: {type: bearer, token: "${env:ERP_TOKEN}"}   # or {type: header, name: X-Api-Key, value: …},
                                                            #    {type: basic, username: …, password: …}, {type: none}
          rate_limit: {requests_per_second: 5, burst: 10}     # or {limit: 150, window_seconds: 30}
          check_path: /orders?limit=1
          streams:
            orders:
              path: /orders
              entity: Order                    # defaults from the name: orders, stock, shipments
              mapping: rest/order              # a packaged mapping or a YAML file beside the job
              record_path: data                # JMESPath to the list of records in a response
              key_path: id                     # the record's ID (trace key)
              cursor: {param: updated_since, field: updated_at, format: iso}
              pagination: {type: cursor, cursor_path: meta.next_cursor, param: cursor}
              # or {type: page, param: page, size_param: per_page}, {type: offset, param: offset, limit_param: limit},
              #    {type: link_header}, {type: none}
              page_size: 100
          sinks:
            orders: {path: /orders, method: POST, mapping: rest/order_out, key_header: Idempotency-Key, id_path: id}
            stock:  {path: /stock/batch, method: POST, mapping: rest/stock_out, batch: true, batch_size: 100,
                     items_key: items, results_path: results, write_mode: latest_state}

Reads follow the configured pagination and pass the cursor's lower bound as a query parameter; writes
send the runtime's idempotency key in ``key_header``; a record the API refuses (4xx) goes to the error
queue while the rest of the batch proceeds. The sandbox (``crossdock sandbox serve rest``) is an
ERP/WMS-like API that the default mappings fit.
"""

from ._config import (
    AuthConfig,
    CursorConfig,
    PaginationConfig,
    RateLimitConfig,
    RestConfig,
    SinkConfig,
    StreamConfig,
)
from ._connector import SANDBOX_TOKEN, RestConnector
from ._sink import RestSink
from ._stream import RestStream

__all__ = [
    "AuthConfig",
    "CursorConfig",
    "PaginationConfig",
    "RateLimitConfig",
    "RestConfig",
    "RestConnector",
    "RestSink",
    "RestStream",
    "SANDBOX_TOKEN",
    "SinkConfig",
    "StreamConfig",
]
