"""The NetSuite connector: SuiteTalk REST web services (record service, SuiteQL, TBA / OAuth 2.0).

Flows it serves: orders from storefronts and marketplaces become NetSuite sales orders (``orders``
sink, upserted by external ID ``<channel>-<number>``); the warehouse's item fulfilments come back as
shipments with tracking numbers (``fulfilments`` stream); stock per item and location feeds the
channels (``stock`` stream). See ``_config`` for an example configuration and
``crossdock sandbox serve netsuite`` for the in-process account it is tested against.
"""

from . import _transforms  # noqa: F401 - registers the mappings' transforms before they compile
from ._auth import RefreshTokenAuth, TokenBasedAuth
from ._config import AuthConfig, NetSuiteConfig, OAuth2AuthConfig, TbaAuthConfig
from ._connector import NetSuiteConnector
from ._fulfilments import FulfilmentsStream
from ._orders import SalesOrdersSink, idempotency_uuid
from ._stock import StockStream
from ._transforms import external_id

__all__ = [
    "AuthConfig",
    "FulfilmentsStream",
    "NetSuiteConfig",
    "NetSuiteConnector",
    "OAuth2AuthConfig",
    "RefreshTokenAuth",
    "SalesOrdersSink",
    "StockStream",
    "TbaAuthConfig",
    "TokenBasedAuth",
    "external_id",
    "idempotency_uuid",
]
