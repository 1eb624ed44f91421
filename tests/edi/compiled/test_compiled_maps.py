"""The map folder compiles once into structures the validator walks: every registered map, the envelope
maps, pyx12's node layout (paths, counters, qualifiers), and a clear refusal of a broken map."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crossdock.edi.compiled import CompiledMaps, MapCompileError, compile_maps
from crossdock.edi.pyx12_maps import MAP_PATH, registered_transactions


@pytest.fixture(scope="module")
def maps() -> CompiledMaps:
    return compile_maps()


def test_compiles_every_registered_map(maps: CompiledMaps) -> None:
    registered = registered_transactions()
    assert registered, "the map folder registers transaction sets"
    for entry in registered:
        transaction = maps.find(entry.icvn, entry.vriic, entry.fic)
        assert transaction is not None, entry
        assert transaction.file == entry.file
        st = transaction.node_at("/ISA_LOOP/GS_LOOP/ST_LOOP/ST")
        se = transaction.node_at("/ISA_LOOP/GS_LOOP/ST_LOOP/SE")
        assert st is not None and se is not None and st.rule is not None and se.rule is not None
        assert all(node.rule is not None and node.rule.items for node in transaction.segments), entry.file
    for icvn in ("00401", "00501"):
        control = maps.control(icvn)
        assert control.node_at("/ISA_LOOP/ISA") is not None and control.node_at("/ISA_LOOP/IEA") is not None


def test_a_group_pyx12_has_no_map_for_finds_none(maps: CompiledMaps) -> None:
    assert maps.find("00401", "003010", "PO") is None
    assert maps.find("00501", "005010", "OW") is None
    assert maps.find("00401", "004010VICS", "SH") is maps.find("00501", "004010VICS", "SH")


def test_counters_follow_pyx12_paths_and_a_loop_resets_its_descendants_in_one_range(maps: CompiledMaps) -> None:
    ship_notice = maps.find("00401", "004010", "SH")
    assert ship_notice is not None
    hl_loop = ship_notice.node_at("/ISA_LOOP/GS_LOOP/ST_LOOP/HL")
    assert hl_loop is not None and hl_loop.is_loop
    low, high = hl_loop.reset
    inside = set(ship_notice.counter_paths[low:high])
    assert "/ISA_LOOP/GS_LOOP/ST_LOOP/HL/N1/N1" in inside and "/ISA_LOOP/GS_LOOP/ST_LOOP/HL/HL" in inside
    assert all(path.startswith("/ISA_LOOP/GS_LOOP/ST_LOOP/HL/") for path in inside)
    assert "/ISA_LOOP/GS_LOOP/ST_LOOP/CTT" not in inside


def test_same_id_segments_are_told_apart_by_their_qualifier(maps: CompiledMaps) -> None:
    ship_notice = maps.find("00401", "004010", "SH")
    assert ship_notice is not None
    ((element, component, codes),) = ship_notice.qualifiers["HL"]
    assert (element, component) == (3, None) and {"S", "O", "P", "I"} <= codes


def test_element_rules_carry_type_length_codes_and_syntax_from_the_maps(maps: CompiledMaps) -> None:
    purchase_order = maps.find("00401", "004010", "PO")
    assert purchase_order is not None
    beg = purchase_order.node_at("/ISA_LOOP/GS_LOOP/ST_LOOP/BEG")
    assert beg is not None and beg.rule is not None
    beg01 = beg.rule.items[0]
    assert (beg01.data_element, beg01.data_type, beg01.usage) == ("353", "ID", "R")  # type: ignore[union-attr]
    assert "00" in beg01.codes and "99" not in beg01.codes  # type: ignore[union-attr, operator]
    po1 = purchase_order.node_at("/ISA_LOOP/GS_LOOP/ST_LOOP/PO1/PO1")
    assert po1 is not None and po1.rule is not None
    assert ("P", (6, 7)) in {(rule.kind, rule.positions) for rule in po1.rule.syntax}


def test_a_map_naming_an_undefined_data_element_is_refused_at_compile_time(tmp_path: Path) -> None:
    folder = tmp_path / "maps"
    shutil.copytree(MAP_PATH, folder, ignore=shutil.ignore_patterns("spec", "__pycache__"))
    broken = folder / "846.4010.xml"
    broken.write_text(broken.read_text().replace("<data_ele>353</data_ele>", "<data_ele>99999</data_ele>", 1))
    with pytest.raises(MapCompileError, match=r"846\.4010\.xml: .*99999"):
        compile_maps(folder)
    lazy = compile_maps(folder, lazy=True)  # compiles each map when a group first needs it
    assert lazy.find("00401", "004010", "PO") is not None
    with pytest.raises(MapCompileError, match="99999"):
        lazy.find("00401", "004010", "IB")
