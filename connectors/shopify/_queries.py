"""The GraphQL documents the connector sends, and Shopify search-syntax quoting.

Each operation is named: Shopify reports cost per call, and the client keeps the last
``requestedQueryCost`` per operation name as the estimate for the next call of the same shape.
Money is read as ``shopMoney`` (the shop's currency, the one the books are kept in).
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = [
    "ORDERS",
    "ORDER_LINE_ITEMS",
    "FULFILLMENT_STATE",
    "FULFILLMENT_ORDER_LINE_ITEMS",
    "FULFILLMENT_CREATE",
    "INVENTORY_SET_QUANTITIES",
    "SHOP_CHECK",
    "inventory_lookup",
    "inventory_item_skus",
    "search_value",
    "search_time",
]

_MONEY = "fragment Money on MoneyBag { shopMoney { amount currencyCode } }"
_ADDRESS = (
    "fragment Address on MailingAddress { name firstName lastName company address1 address2 city "
    "provinceCode zip countryCodeV2 phone }"
)
_LINE_ITEM = """
fragment LineItemFields on LineItem {
  id sku title name quantity requiresShipping
  originalUnitPriceSet { ...Money }
  discountAllocations { allocatedAmountSet { ...Money } }
  taxLines { title rate priceSet { ...Money } }
}"""

ORDERS = f"""
query CrossdockOrders($first: Int!, $after: String, $query: String, $lineItems: Int!) {{
  orders(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{
      id name createdAt updatedAt cancelledAt closedAt currencyCode email phone note tags
      displayFinancialStatus displayFulfillmentStatus
      customer {{ id displayName email phone }}
      shippingAddress {{ ...Address }}
      billingAddress {{ ...Address }}
      shippingLine {{ title code carrierIdentifier source originalPriceSet {{ ...Money }} }}
      subtotalPriceSet {{ ...Money }}
      totalDiscountsSet {{ ...Money }}
      totalShippingPriceSet {{ ...Money }}
      totalTaxSet {{ ...Money }}
      totalPriceSet {{ ...Money }}
      lineItems(first: $lineItems) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ ...LineItemFields }} }}
    }}
  }}
}}
{_MONEY}
{_ADDRESS}
{_LINE_ITEM}
"""

ORDER_LINE_ITEMS = f"""
query CrossdockOrderLineItems($id: ID!, $first: Int!, $after: String) {{
  order(id: $id) {{
    lineItems(first: $first, after: $after) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ ...LineItemFields }} }}
  }}
}}
{_MONEY}
{_LINE_ITEM}
"""
ORDER_LINE_ITEMS_PAGE = 100
"""Line items per follow-up page: 2 + 100 × 9 points stays under the 1,000-point limit."""

_FO_FIELDS = """
fragment FulfillmentOrderFields on FulfillmentOrder {
  id status
  assignedLocation { location { id } }
  lineItems(first: 40) {
    pageInfo { hasNextPage endCursor }
    nodes { id remainingQuantity totalQuantity lineItem { id sku } }
  }
}"""

FULFILLMENT_STATE = f"""
query CrossdockFulfillmentState($id: ID!, $after: String) {{
  order(id: $id) {{
    id name displayFulfillmentStatus
    fulfillments(first: 20) {{ id status trackingInfo(first: 5) {{ company number url }} }}
    fulfillmentOrders(first: 8, after: $after) {{
      pageInfo {{ hasNextPage endCursor }}
      nodes {{ ...FulfillmentOrderFields }}
    }}
  }}
}}
{_FO_FIELDS}
"""

FULFILLMENT_ORDER_LINE_ITEMS = """
query CrossdockFulfillmentOrderLineItems($id: ID!, $after: String) {
  fulfillmentOrder(id: $id) {
    lineItems(first: 200, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { id remainingQuantity totalQuantity lineItem { id sku } }
    }
  }
}
"""

FULFILLMENT_CREATE = """
mutation CrossdockFulfillmentCreate($fulfillment: FulfillmentInput!, $message: String) {
  fulfillmentCreate(fulfillment: $fulfillment, message: $message) {
    fulfillment { id status trackingInfo { company number url } }
    userErrors { field message }
  }
}
"""

INVENTORY_SET_QUANTITIES = """
mutation CrossdockInventorySetQuantities($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id createdAt reason referenceDocumentUri }
    userErrors { code field message }
  }
}
"""

SHOP_CHECK = """
query CrossdockCheck {
  shop { id name myshopifyDomain currencyCode }
  locations(first: 50) { nodes { id name isActive } }
}
"""


def inventory_lookup(location_count: int, quantity_name: str) -> str:
    """Inventory items by SKU with their level at each of ``location_count`` locations (aliases ``l0``…).

    Cost: 2 + first × (1 + 2 × locations); callers size ``first`` to stay under 1,000.
    """
    variables = "".join(f", $l{i}: ID!" for i in range(location_count))
    levels = " ".join(
        f'l{i}: inventoryLevel(locationId: $l{i}) {{ id quantities(names: ["{quantity_name}"]) {{ name quantity }} }}'
        for i in range(location_count)
    )
    return f"""
query CrossdockInventoryLookup($first: Int!, $after: String, $query: String!{variables}) {{
  inventoryItems(first: $first, after: $after, query: $query) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{ id sku {levels} }}
  }}
}}
"""


def inventory_item_skus(count: int) -> str:
    """The SKUs of ``count`` inventory items by GID (aliases ``i0``…): 1 point each."""
    variables = ", ".join(f"$i{i}: ID!" for i in range(count))
    fields = " ".join(f"i{i}: inventoryItem(id: $i{i}) {{ id sku }}" for i in range(count))
    return f"query CrossdockInventoryItemSkus({variables}) {{ {fields} }}"


def search_value(value: str) -> str:
    """``value`` quoted for Shopify's search syntax (backslash-escaped inside double quotes)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def search_time(moment: datetime) -> str:
    """A timestamp as Shopify's search syntax takes it: quoted ISO 8601 in UTC."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return "'" + aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") + "'"
