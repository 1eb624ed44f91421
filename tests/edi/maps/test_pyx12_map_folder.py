"""The retail map folder is complete for pyx12: every registered map loads, every element it names
is defined, every code list it references exists, and the XML is what the spec renders."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from importlib.resources import files

import pytest

import pyx12.map_if
import pyx12.params
from crossdock.edi.maps.spec.render import render_all
from crossdock.edi.pyx12_maps import MAP_PATH, find_map, registered_transactions

RETAIL_GROUPS = {"PO": "850", "PR": "855", "SH": "856", "IB": "846", "IN": "810", "FA": "997"}
CONTROL_MAPS = ("x12.control.00401.xml", "x12.control.00501.xml")


def _map_files() -> list[str]:
    return sorted({entry.file for entry in registered_transactions()} | set(CONTROL_MAPS))


def _elements(root: pyx12.map_if.map_if) -> list[pyx12.map_if.element_if]:
    out: list[pyx12.map_if.element_if] = []
    for node in root.loop_segment_iterator():
        if isinstance(node, pyx12.map_if.segment_if):
            for child in node.children:
                out += child.children if isinstance(child, pyx12.map_if.composite_if) else [child]
    return out


@pytest.mark.parametrize("file_name", _map_files())
def test_every_registered_map_loads_in_pyx12(file_name: str) -> None:
    root = pyx12.map_if.load_map_file(file_name, pyx12.params.ParamsBase(), str(MAP_PATH))
    elements = _elements(root)
    assert elements, f"{file_name} has no elements"
    for element in elements:
        assert element.data_type, f"{element.id} has no type"  # raises EngineError when undefined
        if element.external_codes:
            assert element.external_codes in root.ext_codes.codes, f"{element.id}: code list missing"
    expected_id = "X12" if file_name in CONTROL_MAPS else file_name.split(".")[0]
    assert root.id == expected_id


def test_dataele_defines_every_element_the_maps_use() -> None:
    defined = {e.get("ele_num") for e in ET.parse(MAP_PATH / "dataele.xml").getroot().iter("data_ele")}
    used: dict[str, set[str]] = {}
    for file_name in _map_files():
        for element in ET.parse(MAP_PATH / file_name).getroot().iter("element"):
            used.setdefault(element.findtext("data_ele") or "", set()).add(file_name)
    missing = {number: sorted(where) for number, where in used.items() if number not in defined}
    assert not missing, f"undefined data elements: {missing}"


def test_external_code_lists_referenced_by_the_maps_are_in_codes_xml() -> None:
    code_sets = {c.findtext("id") for c in ET.parse(MAP_PATH / "codes.xml").getroot().iter("codeset")}
    referenced = {
        valid.get("external")
        for file_name in _map_files()
        for valid in ET.parse(MAP_PATH / file_name).getroot().iter("valid_codes")
        if valid.get("external")
    }
    assert referenced and referenced <= code_sets


def test_map_folder_matches_its_spec() -> None:
    rendered = render_all()
    stale = [name for name, text in rendered.items() if (MAP_PATH / name).read_text(encoding="utf-8") != text]
    assert not stale, f"regenerate with `python -m crossdock.edi.maps.spec`: {stale}"
    on_disk = {p.name for p in MAP_PATH.glob("*.xml")}
    assert on_disk == set(rendered), "the folder holds XML the spec does not produce"


@pytest.mark.parametrize(
    ("icvn", "vriic"),
    [("00401", "004010"), ("00401", "004010VICS"), ("00501", "005010"), ("00501", "005010VICS")],
)
def test_retail_transaction_sets_are_registered_for_each_release(icvn: str, vriic: str) -> None:
    for fic, transaction_set in RETAIL_GROUPS.items():
        file_name = find_map(icvn, vriic, fic)
        assert file_name is not None, (icvn, vriic, fic)
        assert file_name.startswith(f"{transaction_set}.{vriic[2:6]}")


def test_999_is_registered_for_the_005010_acknowledgment_guide() -> None:
    assert find_map("00501", "005010X231A1", "FA") == "999.5010.xml"
    assert find_map("00501", "005010X230", "FA") == "997.5010.xml"


def test_unregistered_group_has_no_map() -> None:
    assert find_map("00401", "003010", "PO") is None
    assert find_map("00501", "005010", "OW") is None


def test_map_folder_ships_as_package_data() -> None:
    assert MAP_PATH.is_dir()
    assert files("crossdock.edi").joinpath("maps", "maps.xml").is_file()
    assert all(entry.file.endswith(".xml") for entry in registered_transactions())
