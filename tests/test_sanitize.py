"""Untrusted text is cleaned once, the same way, before it is stored or shown."""

from app.sanitize import clean_text


def test_controls_and_bidi_overrides_go_newlines_tabs_and_scripts_stay() -> None:
    text = "a\u202eevil\u202c b\x00c\r\nd\te \u05e9\u05dc\u05d5\u05dd e\u0301"
    assert clean_text(text) == "aevil bc\nd\te \u05e9\u05dc\u05d5\u05dd \u00e9"
