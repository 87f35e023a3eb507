"""What a keyword rule's phrase matches: whole words, ignoring case, with å, ä and ö as
letters; a * at the end for the words that start so, at the start for those that end so."""

import pytest

from scanning import feed_services as services
from scanning.keywords import Rule, kept, matches


@pytest.mark.parametrize(
    ("phrase", "text", "found"),
    [
        ("skola", "Ny SKOLA byggs", True),
        ("skola", "Skolan byggs", False),
        ("skola", "Folkhögskola i Kungsbacka", False),
        ("skola", "Ny skola, nya lärare", True),
        ("äldreomsorg", "Äldreomsorgen i Halland", False),
        ("äldreomsorg", "Om ÄLDREOMSORG.", True),
        ("ål", "Ålgräs och ål i Kattegatt", True),
        ("skol*", "Skolverket och skolan", True),
        ("skol*", "Förskolan", False),
        ("*skola", "Ny förskola öppnar", True),
        ("*skola", "Folkhögskola", True),
        ("*skola", "Förskolan", False),
        ("*skol*", "Förskolans lokaler", True),
        ("ny skola", "En ny\n skola", True),
        ("ny skola", "En ny förskola", False),
        ("c++", "Kurs i C++ för lärare", True),
    ],
)
def test_a_phrase_matches_whole_words(phrase, text, found):
    assert matches(phrase, text) is found


def test_an_exclude_rule_hides_and_an_include_rule_lets_only_its_matches_in():
    rules = [Rule("exclude", "sport"), Rule("include", "*skola")]
    assert kept(rules, "Ny förskola i Åsa")
    assert not kept(rules, "Sport: förskola vann")
    assert not kept(rules, "Ny väg i Åsa")


@pytest.mark.parametrize(
    ("written", "stored"),
    [('"klimat"', "klimat"), ("“ny skola”", "ny skola"), ("  skol*  ", "skol*")],
)
def test_quotes_around_a_phrase_are_left_out(written, stored):
    assert services.rule_phrase(written) == stored
