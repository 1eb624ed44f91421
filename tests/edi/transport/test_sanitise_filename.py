"""sanitise_filename: whatever a partner calls a file, the name stays one plain component of its folder."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossdock.edi.transport import sanitise_filename


@pytest.mark.parametrize(
    ("partner_name", "safe_name"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\x.edi", "x.edi"),
        ("/abs.edi", "abs.edi"),
        ("a\x00b.edi", "ab.edi"),
        ("C:\\Users\\edi\\810.edi", "810.edi"),
        ("C:drive-relative.edi", "drive-relative.edi"),
        (".hidden.edi", "hidden.edi"),
        ("...", None),
        ("", None),
        ("line\r\nbreak\t.edi", "linebreak.edi"),
        ("nul.edi", "_nul.edi"),
        ('what?<is>"this"|*.edi', "what__is__this___.edi"),
    ],
)
def test_path_traversal_names_are_sanitised(partner_name: str, safe_name: str | None) -> None:
    result = sanitise_filename(partner_name)
    if safe_name is None:
        assert result.startswith("file-") and len(result) == len("file-") + 12
    else:
        assert result == safe_name


def test_sanitising_a_long_name_keeps_its_extension() -> None:
    result = sanitise_filename("é" * 300 + ".x12")
    assert result.endswith(".x12")
    assert len(result.encode("utf-8")) <= 200


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400) | st.from_regex(r"[./\\a-z:\x00-\x1f]{0,40}"))
def test_any_name_becomes_one_plain_component(partner_name: str) -> None:
    result = sanitise_filename(partner_name)
    assert result and result not in (".", "..")
    assert not result.startswith(".")
    assert not {"/", "\\", "\x00"} & set(result)
    assert all(ord(ch) >= 0x20 and ord(ch) != 0x7F for ch in result)
    assert len(result.encode("utf-8")) <= 200
    assert sanitise_filename(result) == result  # stable: a sanitised name is left as it is
