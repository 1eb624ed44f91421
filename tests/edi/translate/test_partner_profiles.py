"""Partner profiles: the shipped examples load, and every problem in a profile is reported with its line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from crossdock.edi import read_interchanges
from crossdock.edi.partners import PartnerConfigError, PartnerProfile, load_partner, load_partners, partner_for_interchange
from crossdock.edi.translate import SequentialControlNumbers, render_850, render_interchange, translate_interchange
from translate_support import simple_po

MINIMAL = """\
id: {id}
name: Test Partner
role: supplier
interchange:
  us: {{qualifier: ZZ, id: US}}
  them: {{qualifier: ZZ, id: {them}}}
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_profiles_load_with_their_settings(acme: PartnerProfile, bigbox: PartnerProfile) -> None:
    assert (acme.version, acme.isa_version, acme.release) == ("004010VICS", "00401", 4010)
    assert (bigbox.version, bigbox.isa_version, bigbox.release) == ("005010", "00501", 5010)
    assert acme.documents.outbound == ["850", "997"] and acme.documents.inbound == ["855", "856", "846", "997"]
    assert bigbox.documents.inbound == ["850", "997"] and bigbox.documents.outbound == ["855", "856", "810", "997"]
    assert acme.acknowledgements.window == timedelta(hours=24)
    assert bigbox.ship_notice.structure == "0002"
    assert acme.location_in("DC01") == "acme-dallas" and acme.location_out("acme-dallas") == "DC01"
    assert acme.unit_in("UN") == "EA" and acme.unit_out("EA") == "UN"
    assert acme.writer_separators().repetition is None  # 004010: ISA11 is U
    assert bigbox.writer_separators().repetition == "^"


def test_profile_errors_name_file_line_and_field(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "broken.yaml",
        """\
id: broken
name: Broken
role: seller
interchange:
  us: {qualifier: ZZ, id: US}
  them: {qualifier: 12, id: THEM}
version: 004010
separators: {element: "*", component: "*"}
documents: {inbound: ["850", "940"]}
acknowledgements: {windw: 24h}
defaults: {currency: XYZ}
timezone: Mars/Olympus
""",
    )
    with pytest.raises(PartnerConfigError) as caught:
        load_partner(path)
    lines = str(caught.value).splitlines()
    assert lines == [
        f"{path}:3: role: Input should be 'supplier' or 'retailer'",
        f"{path}:6: interchange.them.qualifier: must be text, not the number 12: write codes in quotes "
        "(YAML reads an unquoted 004010 as the number 2056 and 01 as 1)",
        f"{path}:7: version: must be text, not the number 2056: write codes in quotes "
        "(YAML reads an unquoted 004010 as the number 2056 and 01 as 1)",
        f"{path}:8: separators: the element and component separators are both '*'",
        f"{path}:9: documents.inbound: Crossdock does not translate 940 (supported: 810, 846, 850, 855, 856, 997, 999)",
        f"{path}:10: acknowledgements.windw: unknown key 'windw' (did you mean 'window'?); expected one of: "
        "expect_acknowledgement, functional, request_ta1, ta1_when_requested, window",
        f"{path}:11: defaults.currency: 'XYZ' is not an ISO 4217 currency code",
        f"{path}:12: timezone: 'Mars/Olympus' is not an IANA time zone (e.g. 'UTC', 'America/Chicago')",
    ]
    assert [issue.line for issue in caught.value.issues] == [3, 6, 7, 8, 9, 10, 11, 12]


def test_a_yaml_syntax_error_is_reported_on_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "syntax.yaml", "id: syntax\nname: [unclosed\n")
    with pytest.raises(PartnerConfigError, match=rf"{path}:3: YAML syntax error"):
        load_partner(path)


def test_the_id_must_match_the_file_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "acme.yaml", MINIMAL.format(id="acme-2", them="T1"))
    with pytest.raises(PartnerConfigError, match=r"acme.yaml:1: id: the id 'acme-2' must match the file name \('acme.yaml'\)"):
        load_partner(path)


def test_a_999_needs_005010(tmp_path: Path) -> None:
    path = _write(tmp_path, "p.yaml", MINIMAL.format(id="p", them="T1") + "acknowledgements: {functional: '999'}\n")
    with pytest.raises(PartnerConfigError, match="a 999 acknowledgment exists from 005010 on"):
        load_partner(path)


def test_a_folder_reports_every_file_and_identities_two_partners_share(tmp_path: Path) -> None:
    _write(tmp_path, "one.yaml", MINIMAL.format(id="one", them="SAME"))
    _write(tmp_path, "two.yaml", MINIMAL.format(id="two", them="SAME"))
    _write(tmp_path, "three.yaml", MINIMAL.format(id="three", them="T3") + "version: '003010'\n")
    with pytest.raises(PartnerConfigError) as caught:
        load_partners(tmp_path)
    messages = [str(issue) for issue in caught.value.issues]
    assert any("three.yaml:7: version: Input should be '004010', '004010VICS' or '005010'" in m for m in messages)
    assert any(m.startswith(f"{tmp_path / 'two.yaml'}: interchange.them: ZZ/SAME to ZZ/US is already the identity of one.yaml") for m in messages)


@pytest.mark.parametrize(
    ("written", "character"),
    [("'\\x1d'", "\x1d"), ('"\\x1d"', "\x1d"), ("'\\u001f'", "\x1f"), ("'\\n'", "\n"), ("'|'", "|")],
)
async def test_separators_may_be_any_character_given_as_an_escape(tmp_path: Path, written: str, character: str) -> None:
    text = MINIMAL.format(id="sep", them="THEM") + f"separators: {{segment: {written}}}\ndocuments: {{outbound: ['850']}}\n"
    partner = load_partner(_write(tmp_path, "sep.yaml", text))
    assert partner.separators.segment == character
    rendered = await render_interchange([render_850(simple_po("PO-1"), partner)], partner, SequentialControlNumbers())
    assert rendered.count(character) == 11  # ISA GS ST BEG CUR PO1 CTT AMT SE GE IEA
    (interchange,) = read_interchanges(rendered.encode("latin-1"))
    assert interchange.separators.segment == character and interchange.all_issues() == []
    (result,) = translate_interchange(interchange, partner)
    assert result.documents[0].number == "PO-1"


def test_the_partner_of_an_interchange_is_found_by_its_isa_identities(partners: dict[str, PartnerProfile]) -> None:
    isa = "ISA*00*          *00*          *12*5125550100     *ZZ*CROSSDOCKMERCH *260301*1200*U*00401*000000001*0*P*>~"
    data = (isa + "GS*PR*ACMEDS*CROSSDOCKMERCH*20260301*1200*1*X*004010VICS~GE*0*1~IEA*1*000000001~").encode()
    (interchange,) = read_interchanges(data)
    assert partner_for_interchange(partners.values(), interchange) is partners["acme-dropship"]
    stranger = read_interchanges(data.replace(b"5125550100", b"5125550199"))[0]
    assert partner_for_interchange(partners.values(), stranger) is None
