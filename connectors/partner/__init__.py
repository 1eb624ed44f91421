"""The dropship partner connector: X12 850 out, 855/856/846 in, 997 both ways, through a mailbox.

A partner that ships the merchant's customer orders from its own warehouse::

    connections:
      acme:
        connector: partner
        config:
          partner: acme-dropship            # config/partners/acme-dropship.yaml beside the job, or a path
          mailbox: {type: local, root: /srv/edi/acme}
          # mailbox: {type: sftp, host: sftp.acme.example, username: crossdock,
          #           password: "${env:ACME_SFTP_PASSWORD}", known_hosts: ~/.ssh/known_hosts, root: /edi}
          location_id: acme-dallas          # default: the profile's stock_location_id

    flows:
      - {name: orders-to-acme,   source: {connection: shop, stream: orders},   sink: {connection: acme, sink: purchase_orders}}
      - {name: acme-shipments,   source: {connection: acme, stream: shipments}, sink: {connection: shop, sink: fulfillments}}
      - {name: acme-stock,       source: {connection: acme, stream: stock},     sink: {connection: shop, sink: inventory}}

The sink sends each order's lines routed to the partner as one dropship 850 (a batch is one
interchange), exactly once; the streams give the partner's 856s as shipments of the *customer*
orders, its 855s as acknowledgements and its 846s as stock levels, and every inbound group gets our
997. ``README.md`` beside this file explains the inbox step, the spool, the PO ↔ order links and
the partner simulator (``crossdock sandbox serve partner``).
"""

from ._config import FLOWS, LocalMailboxSettings, PartnerConnectorConfig, SftpMailboxSettings, SimulatorMailboxSettings
from ._connector import SANDBOX_PARTNER, SANDBOX_ROOT_ENV, PartnerConnector
from ._order_links import CustomerOrder, OrderLinks
from ._purchase_orders import dropship_purchase_order, purchase_order_number
from ._sink import PurchaseOrdersSink
from ._streams import AcknowledgementsStream, ShipmentsStream, StockStream

__all__ = [
    "PartnerConnector",
    "PartnerConnectorConfig",
    "LocalMailboxSettings",
    "SftpMailboxSettings",
    "SimulatorMailboxSettings",
    "FLOWS",
    "PurchaseOrdersSink",
    "ShipmentsStream",
    "AcknowledgementsStream",
    "StockStream",
    "OrderLinks",
    "CustomerOrder",
    "purchase_order_number",
    "dropship_purchase_order",
    "SANDBOX_PARTNER",
    "SANDBOX_ROOT_ENV",
]
