"""810 both ways: TDS and SAC amounts carry two implied decimals; TXI is a plain decimal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from crossdock.core.models import Invoice, InvoiceLine, Money
from crossdock.edi.errors import X12WriteError
from crossdock.edi.partners import PartnerProfile
from crossdock.edi.translate import render_810
from translate_support import only_result, x12

INVOICE = """
BIG*20260301*INV-88**PO-1001
CUR*SE*USD
N1*RI*Merchant Inc
N4*Austin*TX*73301
ITD*01*3****20260331*30*****Net 30
IT1*1*3*EA*10.25*PE*VN*SKU-1
IT1*2*1*EA*5*PE*VN*SKU-2
TDS*4150
TXI*TX*1.25
SAC*C*D240***750
SAC*A*C310***300
CTT*2
"""


def test_810_tds_is_implied_decimal() -> None:
    result = only_result(x12("810", INVOICE))
    assert result.ok and result.issues == [], [str(i) for i in result.issues]
    (invoice,) = result.documents
    assert invoice.total == Money(amount=Decimal("41.50"), currency="USD")  # TDS*4150
    assert invoice.shipping == Money(amount=Decimal("7.50"), currency="USD")  # SAC05 750
    assert invoice.allowances == Money(amount=Decimal("3.00"), currency="USD")  # SAC05 300
    assert invoice.tax == Money(amount=Decimal("1.25"), currency="USD")  # TXI02 is not implied
    assert [line.unit_price.amount for line in invoice.lines] == [Decimal("10.25"), Decimal("5")]
    assert (invoice.invoice_date, invoice.due_date, invoice.terms) == (date(2026, 3, 1), date(2026, 3, 31), "Net 30")
    assert invoice.remit_to is not None and invoice.remit_to.city == "Austin"


def test_810_total_is_written_in_cents_and_read_back(bigbox: PartnerProfile) -> None:
    invoice = Invoice(
        number="INV-9",
        partner_id="bigbox-retail",
        invoice_date=date(2026, 3, 1),
        currency="USD",
        lines=[InvoiceLine(line_number="1", sku="SKU-1", quantity=2, unit_price=Money(amount=Decimal("0.03"), currency="USD"))],
        total=Money(amount=Decimal("0.06"), currency="USD"),
    )
    body = render_810(invoice, bigbox).body
    assert [str(s) for s in body if s.id == "TDS"] == ["TDS*6"]
    with pytest.raises(X12WriteError, match="TDS01: 0.065 has more than 2 decimals"):
        render_810(invoice.model_copy(update={"total": Money(amount=Decimal("0.065"), currency="USD")}), bigbox)


def test_a_tds_that_is_not_digits_withholds_the_invoice() -> None:
    result = only_result(x12("810", INVOICE.replace("TDS*4150", "TDS*41.50")))
    assert result.documents == []
    (error,) = result.errors
    assert (error.segment_id, error.element_position, error.code) == ("TDS", 1, "bad-amount")
    assert error.message == "TDS at segment 9: TDS01 '41.50' is not an amount with 2 implied decimals (digits only)"
