from core.lib.text import strip_bidi_controls, swedish_key
from core.templatetags.user_text import isolate

CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def test_every_bidirectional_control_is_removed():
    assert strip_bidi_controls(f"Rapport {CONTROLS}fdp.exe") == "Rapport fdp.exe"


def test_right_to_left_text_itself_is_kept():
    assert strip_bidi_controls("تقرير Rapport עברית") == "تقرير Rapport עברית"


def test_anything_but_text_is_left_as_it_is():
    assert strip_bidi_controls(None) is None
    assert strip_bidi_controls(3) == 3


def test_isolate_wraps_escaped_text_without_controls_in_bdi():
    assert isolate("<b>\u202eA & B</b>") == "<bdi>&lt;b&gt;A &amp; B&lt;/b&gt;</bdi>"
    assert isolate("") == ""
    assert isolate(None) == ""


def test_swedish_order_puts_the_three_letters_after_z_ignoring_case():
    names = ["Östra", "ängelholm", "Zon", "Åre", "alingsås", "Borås"]
    assert sorted(names, key=swedish_key) == [
        "alingsås",
        "Borås",
        "Zon",
        "Åre",
        "ängelholm",
        "Östra",
    ]
