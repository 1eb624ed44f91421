"""Segment dictionary for the retail transaction sets (004010, with the 005010 differences).

Element lists are complete per release, so a partner who fills an optional trailing element is
never told the segment has too many elements.  Syntax notes are the standard's relational
conditions (P paired, R at least one, C conditional); only notes that hold in both releases are
listed.  First-element qualifiers carry no inline codes, so same-ID segments match any qualifier
(one N1 loop accepts ST, BT, VN ...); closed lists are enforced through ``external`` code sets.
"""

from __future__ import annotations

from .model import M, O, X, Composite, Element, SegmentDef, id_pairs, paired_syntax


def _seg(seg_id: str, name: str, *elements: Element | Composite, syntax: tuple[str, ...] = ()) -> SegmentDef:
    return SegmentDef(seg_id, name, tuple(elements), syntax)


def _unit_of_measure(requirement: str) -> Composite:
    """C001 Composite Unit of Measure: a unit followed by five exponent/multiplier groups."""
    components: list[Element] = [M("355")]
    for index in range(5):
        components += [O("1018"), O("649")]
        if index < 4:
            components.append(X("355"))
    return Composite("C001", "Composite Unit of Measure", requirement, tuple(components))  # type: ignore[arg-type]


C001_OPTIONAL = _unit_of_measure("X")
C040 = Composite(
    "C040", "Reference Identifier", "O", (M("128"), M("127"), X("128"), X("127"), X("128"), X("127"))
)
C002 = Composite("C002", "Actions Indicated", "O", (M("704"), O("704"), O("704"), O("704"), O("704")))

_CUR_SYNTAX = ("C0807", "C0907", "C1110", "C1210", "C1413", "C1513", "C1716", "C1816", "C2019", "C2120")

SEGMENTS_4010: dict[str, SegmentDef] = {
    s.id: s
    for s in (
        _seg("ACK", "Line Item Acknowledgment",
             M("668", external="668"), X("380"), X("355"), X("374"), O("373"), O("326"),
             *id_pairs(10), O("559"), X("822"), X("1271"),
             syntax=("P0203", *paired_syntax(7, 10), "C2827")),
        _seg("AMT", "Monetary Amount", M("522"), M("782"), O("478")),
        _seg("BAK", "Beginning Segment for Purchase Order Acknowledgment",
             M("353", external="353"), M("587", external="587"), M("324"), M("373"), O("328"),
             O("326"), O("367"), O("127"), O("373"), O("640")),
        _seg("BEG", "Beginning Segment for Purchase Order",
             M("353", external="353"), M("92"), M("324"), O("328"), M("373"), O("367"), O("587"),
             O("1019"), O("1166"), O("1232"), O("786"), O("640")),
        _seg("BIA", "Beginning Segment for Inventory Inquiry/Advice",
             M("353", external="353"), M("755"), M("127"), M("373"), O("337"), O("306")),
        _seg("BIG", "Beginning Segment for Invoice",
             M("373"), M("76"), O("373"), O("324"), O("328"), O("327"), O("640"),
             O("353", external="353"), O("306"), O("76")),
        _seg("BSN", "Beginning Segment for Ship Notice",
             M("353", external="353"), M("396"), M("373"), M("337"), O("1005"), X("640"), O("641"),
             syntax=("C0706",)),
        _seg("CAD", "Carrier Detail",
             O("91"), O("206"), O("207"), X("140"), X("387"), O("368"), O("128"), X("127"), O("284"),
             syntax=("R0405", "P0708")),
        _seg("CSH", "Sales Requirements",
             O("563"), X("306"), X("610"), O("508"), X("373"), X("559"), O("560"), O("566"),
             O("954"), O("1004")),
        _seg("CTP", "Pricing Information",
             O("687"), X("236"), X("212"), X("380"), C001_OPTIONAL, O("648"), X("649"), O("782"),
             O("639"), O("499"), O("289"),
             syntax=("C0405", "C0607")),
        _seg("CTT", "Transaction Totals",
             M("354"), O("347"), X("81"), X("355"), X("183"), X("355"), O("352"),
             syntax=("P0304", "P0506")),
        _seg("CUR", "Currency",
             M("98"), M("100"), O("280"), O("98"), O("100"), O("669"),
             X("374"), X("373"), X("337"), X("374"), X("373"), X("337"), X("374"), X("373"),
             X("337"), X("374"), X("373"), X("337"), X("374"), X("373"), X("337"),
             syntax=_CUR_SYNTAX),
        _seg("DTM", "Date/Time Reference",
             M("374"), X("373"), X("337"), O("623"), X("1250"), X("1251"),
             syntax=("R020305", "C0403", "P0506")),
        _seg("FOB", "F.O.B. Related Instructions",
             M("146"), X("309"), O("352"), O("334"), X("335"), X("309"), O("352"), O("54"), O("352"),
             syntax=("C0302", "C0405", "C0706")),
        _seg("HL", "Hierarchical Level", M("628"), O("734"), M("735"), O("736")),
        _seg("ISS", "Invoice Shipment Summary",
             X("382"), X("355"), X("81"), X("355"), X("183"), X("355"), O("380"), O("81"),
             syntax=("P0102", "P0304", "P0506")),
        _seg("IT1", "Baseline Item Data (Invoice)",
             O("350"), X("358"), X("355"), X("212"), O("639"), *id_pairs(10),
             syntax=("P020304", *paired_syntax(6, 10))),
        _seg("ITD", "Terms of Sale/Deferred Terms of Sale",
             O("336"), O("333"), O("338"), X("370"), X("351"), X("446"), O("386"), O("362"),
             X("388"), X("389"), X("342"), O("352"), X("765"), O("107"), O("954")),
        _seg("LIN", "Item Identification",
             O("350"), M("235"), M("234"), *id_pairs(14),
             syntax=paired_syntax(4, 14)),
        _seg("MAN", "Marks and Numbers",
             M("88"), M("87"), O("87"), X("88"), X("87"), O("87"),
             syntax=("P0405",)),
        _seg("MEA", "Measurements",
             O("737"), X("738"), X("739"), _unit_of_measure("X"), X("740"), X("741"), O("935"),
             X("936"), O("752"), O("1373"),
             syntax=("R03050608", "C0504", "C0604")),
        _seg("MSG", "Message Text", M("933"), X("934"), O("1470"), syntax=("C0302",)),
        _seg("N1", "Name",
             M("98"), X("93"), X("66"), X("67"), O("706"), O("98"),
             syntax=("R0203", "P0304")),
        _seg("N2", "Additional Name Information", M("93"), O("93")),
        _seg("N3", "Address Information", M("166"), O("166")),
        _seg("N4", "Geographic Location",
             O("19"), O("156"), O("116"), O("26"), X("309"), O("310"),
             syntax=("C0605",)),
        _seg("N9", "Reference Identification",
             M("128"), X("127"), X("369"), O("373"), X("337"), O("623"), C040,
             syntax=("R0203", "C0605")),
        _seg("NTE", "Note/Special Instruction", O("363"), M("352")),
        _seg("PER", "Administrative Communications Contact",
             M("366"), O("93"), X("365"), X("364"), X("365"), X("364"), X("365"), X("364"), O("443"),
             syntax=("P0304", "P0506", "P0708")),
        _seg("PID", "Product/Item Description",
             M("349", external="349"), O("750"), X("559"), X("751"), X("352"), O("752"), O("822"),
             O("1073"), O("819"),
             syntax=("C0403", "R0405", "C0703", "C0804", "C0905")),
        _seg("PKG", "Marking, Packaging, Loading",
             X("349"), O("753"), O("559"), X("754"), X("352"), O("400"),
             syntax=("R0405", "C0304")),
        _seg("PO1", "Baseline Item Data",
             O("350"), X("330"), O("355"), X("212"), O("639"), *id_pairs(10),
             syntax=("C0302", "C0504", *paired_syntax(6, 10))),
        _seg("PO3", "Additional Item Detail",
             M("371"), O("373"), X("236"), X("212"), O("639"), M("380"), M("355"), O("352")),
        _seg("PO4", "Item Physical Details",
             O("356"), X("357"), X("355"), X("103"), O("187"), X("384"), X("355"), X("385"),
             X("355"), X("82"), X("189"), X("65"), X("355"), O("810"), O("752"), X("350"),
             O("350"), O("1470"),
             syntax=("C0203", "C0506", "C0607", "C0809", "C1013", "C1113", "C1213")),
        _seg("PRF", "Purchase Order Reference",
             M("324"), O("328"), O("327"), O("373"), O("367"), O("127"), O("92")),
        _seg("PWK", "Paperwork",
             M("755"), O("756"), O("757"), O("98"), X("66"), X("67"), O("352"), C002, O("1525"),
             syntax=("P0506",)),
        _seg("QTY", "Quantity",
             M("673"), X("380"), _unit_of_measure("O"), X("61"),
             syntax=("R0204",)),
        _seg("REF", "Reference Identification",
             M("128"), X("127"), X("352"), C040,
             syntax=("R0203",)),
        _seg("SAC", "Service, Promotion, Allowance, or Charge Information",
             M("248", external="248"), X("1300"), X("559"), X("1301"), O("610"), X("378"),
             O("332"), O("118"), X("355"), X("380"), O("380"), O("331"), X("127"), O("770"),
             X("352"), O("819"),
             syntax=("R0203", "P0304", "P0607", "P0910", "C1110", "C1413", "C1613", "C1615")),
        _seg("SCH", "Line Item Schedule",
             M("380"), M("355"), X("98"), X("93"), M("374"), M("373"), O("337"), O("374"),
             X("373"), O("337"), O("326"), O("350"),
             syntax=("C0304", "C0908")),
        _seg("SDQ", "Destination Quantity",
             M("355"), O("66"), M("67"), M("380"), *id_pairs(9, qualifier="67", value="380"),
             O("310"),
             syntax=paired_syntax(5, 9)),
        _seg("SLN", "Subline Item Detail",
             M("350"), O("350"), M("662"), X("380"), _unit_of_measure("X"), X("212"), O("639"),
             O("662"), *id_pairs(10),
             syntax=paired_syntax(9, 10)),
        _seg("SN1", "Item Detail (Shipment)",
             O("350"), M("382"), M("355"), O("646"), X("330"), X("355"), O("728"), O("668"),
             syntax=("P0506",)),
        _seg("TAX", "Tax Reference",
             X("325"), X("309"), X("310"), X("309"), X("310"), X("309"), X("310"), X("309"),
             X("310"), X("309"), X("310"), O("441"), O("1179")),
        _seg("TD1", "Carrier Details (Quantity and Weight)",
             O("103"), X("80"), O("23"), X("22"), O("79"), O("187"), X("81"), X("355"), X("183"),
             X("355"),
             syntax=("C0102", "C0304", "C0607", "P0708", "P0910")),
        _seg("TD3", "Carrier Details (Equipment)",
             X("40"), O("206"), X("207"), O("187"), X("81"), X("355"), O("102"), O("407"),
             O("225"), O("24"),
             syntax=("C0203",)),
        _seg("TD4", "Carrier Details (Special Handling, or Hazardous Materials, or Both)",
             X("152"), X("208"), X("209"), X("352"), O("1073"),
             syntax=("R010204", "C0203")),
        _seg("TD5", "Carrier Details (Routing Sequence/Transit Time)",
             O("133"), X("66"), X("67"), X("91"), X("387"), X("368"), O("309"), X("310"),
             O("731"), X("732"), X("733"), X("284"), X("284"), X("284"), O("26"),
             syntax=("R0204050612", "C0203", "C0708")),
        _seg("TDS", "Total Monetary Value Summary", M("610"), O("610"), O("610"), O("610")),
        _seg("TXI", "Tax Information",
             M("963"), X("782"), X("954"), X("955"), X("956"), X("441"), O("662"), O("828"),
             O("325"), O("350"),
             syntax=("R020306", "P0405", "C0803")),
        _seg("UIT", "Unit Detail", _unit_of_measure("M"), X("212"), O("639")),
        # Functional acknowledgment (997)
        _seg("AK1", "Functional Group Response Header", M("479", external="479"), M("28")),
        _seg("AK2", "Transaction Set Response Header", M("143", regex=r"^[0-9]{3}$"), M("329")),
        _seg("AK3", "Data Segment Note", M("721"), M("719"), O("447"), O("720")),
        _seg("AK4", "Data Element Note",
             Composite("C030", "Position in Segment", "M", (M("722"), O("1528"))),
             O("725"), M("723"), O("724")),
        _seg("AK5", "Transaction Set Response Trailer",
             M("717", external="717"), O("718"), O("718"), O("718"), O("718"), O("718")),
        _seg("AK9", "Functional Group Response Trailer",
             M("715", external="715"), M("97"), M("123"), M("2"), O("716"), O("716"), O("716"),
             O("716"), O("716")),
    )
}


def _with(base: SegmentDef, *elements: Element | Composite, syntax: tuple[str, ...] | None = None) -> SegmentDef:
    """``base`` with trailing elements appended (005010 added elements at the end)."""
    return SegmentDef(base.id, base.name, base.elements + tuple(elements), base.syntax if syntax is None else syntax)


_C030_5010 = Composite("C030", "Position in Segment", "M", (M("722"), O("1528"), O("1686")))

SEGMENTS_5010: dict[str, SegmentDef] = {
    **SEGMENTS_4010,
    "N4": _with(SEGMENTS_4010["N4"], X("1715"), syntax=("C0605", "C0704")),
    "AK1": _with(SEGMENTS_4010["AK1"], O("480")),
    "AK2": _with(SEGMENTS_4010["AK2"], O("1705")),
    "AK4": SegmentDef("AK4", "Data Element Note", (_C030_5010, O("725"), M("723"), O("724"))),
    "MTX": _seg("MTX", "Text", X("363"), X("1551"), X("1551"), X("934"), X("1470")),
    "IK3": _seg("IK3", "Implementation Data Segment Note", M("721"), M("719"), O("447"), M("620")),
    "IK4": _seg("IK4", "Implementation Data Element Note", _C030_5010, O("725"), M("621"), O("724")),
    "IK5": _seg("IK5", "Implementation Transaction Set Response Trailer",
                M("717", external="717"), O("618"), O("618"), O("618"), O("618"), O("618")),
    "CTX": _seg("CTX", "Context",
                Composite("C998", "Context Identification", "M", (M("9999"), O("9998"))),
                O("721"), O("719"), O("447"), Composite("C030", "Position in Segment", "O", _C030_5010.components),
                Composite("C999", "Reference in Segment", "O", (M("725"), O("725")))),
}
"""005010: N4 gains N407, 997 segments gain AK103/AK203/C03003, 999 segments and MTX are added."""
