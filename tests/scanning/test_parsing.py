"""Feed parsing: what a scanner would notice in the queue if it went wrong — wrong letters,
a script in a summary, a link to javascript:, the same story twice, a feed that hangs."""

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import translation

from scanning.keywords import matches
from scanning.parsing import (
    FeedParseError,
    NotAFeed,
    canonical_url,
    discover_feed_links,
    parse_feed,
    title_fingerprint,
)

SAMPLES = Path(__file__).resolve().parents[2] / "scanning" / "sample_feeds"
SAMPLE_FILES = sorted(p.name for p in SAMPLES.iterdir() if p.suffix in {".rss", ".atom", ".json"})
FEED_URL = "https://www.example.se/nyheter/feed.xml"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def rss(items: str, *, channel: str = "", prolog: str = '<?xml version="1.0"?>') -> bytes:
    return (
        f'{prolog}<rss version="2.0"><channel><title>Kanal</title>'
        f"<link>https://www.example.se/</link>{channel}{items}</channel></rss>"
    ).encode()


def item(title="Rubrik", link="https://www.example.se/a", guid="", description="Text", date=""):
    parts = [f"<title>{title}</title>" if title is not None else ""]
    parts.append(f"<link>{link}</link>" if link else "")
    parts.append(f"<guid>{guid}</guid>" if guid else "")
    parts.append(f"<description>{description}</description>" if description else "")
    parts.append(f"<pubDate>{date}</pubDate>" if date else "")
    return "<item>" + "".join(parts) + "</item>"


def one(body: bytes, **kwargs):
    feed = parse_feed(body, url=kwargs.pop("url", FEED_URL), **kwargs)
    assert len(feed.entries) == 1
    return feed.entries[0]


def everything(feed) -> str:
    """All text parse_feed produced, to search for what must never come out."""
    parts = [feed.title, feed.site_url]
    for e in feed.entries:
        parts += [e.key, e.title, e.link, e.summary_html, e.summary_text, e.author]
    return "\n".join(parts)


# The bundled sample feeds


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_each_sample_feed_reads_with_more_than_ten_entries(name):
    feed = parse_feed(sample(name), url=f"https://feeds.example/{name}")
    assert len(feed.entries) > 10
    assert feed.title
    for entry in feed.entries:
        assert entry.title and entry.summary_text
        assert entry.link.startswith("https://")
        assert entry.published_at is not None and entry.published_at.tzinfo == UTC
    assert len({e.key for e in feed.entries}) == len(feed.entries)
    # No mojibake: åäö read as UTF-8 when they were latin-1, or the other way round.
    assert "Ã" not in everything(feed) and "\ufffd" not in everything(feed)


def test_latin1_sample_has_correct_swedish_letters():
    feed = parse_feed(sample("lansstyrelsen-halland.rss"), url=FEED_URL)
    assert feed.title == "Länsstyrelsen i Hallands län - Nyheter"
    assert feed.entries[0].title == "Beslut om vattenskyddsområde för Lygnern"
    assert "försörjer" in feed.entries[0].summary_text


def test_boverket_sample_is_cleaned_and_its_relative_links_resolved():
    feed = parse_feed(sample("boverket-nyheter.atom"), url="https://www.boverket.se/rss")
    text = everything(feed)
    for banned in ("<script", "trackView", "<form", "<input", "<iframe", "<style", "color:red"):
        assert banned not in text
    assert "javascript:" not in text and "<img" not in text
    first = feed.entries[0]
    assert (
        first.link == "https://www.boverket.se/sv/om-boverket/nyheter/2026/ny-vagledning-skyfall/"
    )
    assert (
        'href="https://www.boverket.se/sv/planering/klimatanpassning/skyfall/"'
        in first.summary_html
    )
    costs = feed.entries[1]
    assert 'href="https://www.boverket.se/sv/bostadsmarknad/byggkostnader/"' in costs.summary_html
    assert 'rel="noopener noreferrer' in costs.summary_html


def test_the_same_story_in_two_sample_feeds_is_recognisable():
    skr = parse_feed(sample("skr-nyheter.rss"), url=FEED_URL)
    newsletter = parse_feed(sample("kommunal-omvarld.json"), url=FEED_URL)
    government = parse_feed(sample("regeringen-pressmeddelanden.atom"), url=FEED_URL)
    assert skr.entries[0].link != newsletter.entries[0].link
    assert skr.entries[0].canonical_url == newsletter.entries[0].canonical_url
    assert title_fingerprint(government.entries[0].title) == title_fingerprint(
        newsletter.entries[1].title
    )


def test_sample_feed_channel_details():
    skr = parse_feed(sample("skr-nyheter.rss"), url=FEED_URL)
    assert skr.site_url == "https://skr.se/skr/tjanster/press/nyheter.html"
    assert skr.ttl_minutes == 60
    scb = parse_feed(sample("scb-statistik.rss"), url=FEED_URL)
    assert scb.ttl_minutes == 720  # sy:updatePeriod daily, sy:updateFrequency 2


@pytest.mark.parametrize("name", [n for n in SAMPLE_FILES if not n.endswith(".json")])
def test_a_broken_copy_of_a_sample_reads_the_same_through_feedparser(name):
    """An undefined entity makes the document not well-formed, so feedparser reads it instead
    of the fast reader; the entries must come out the same either way."""
    body = sample(name)
    broken = body.replace(b"</title>", b" &nbsp;</title>", 1)
    fast = parse_feed(body, url=FEED_URL)
    careful = parse_feed(broken, url=FEED_URL)
    assert [e.key for e in careful.entries] == [e.key for e in fast.entries]
    for a, b in zip(fast.entries, careful.entries, strict=True):
        assert (a.title, a.link, a.published_at, a.summary_text) == (
            b.title,
            b.link,
            b.published_at,
            b.summary_text,
        )
        assert a.summary_html == b.summary_html


# Formats


def test_rss_091():
    body = (
        b'<?xml version="1.0"?><rss version="0.91"><channel><title>Gammal</title>'
        b"<link>https://www.example.se/</link><item><title>Nyhet</title>"
        b"<link>https://www.example.se/1</link><description>Kort</description></item>"
        b"</channel></rss>"
    )
    entry = one(body)
    assert (entry.title, entry.link, entry.summary_text) == (
        "Nyhet",
        "https://www.example.se/1",
        "Kort",
    )
    assert entry.key == "link://www.example.se/1"


def test_rss_20_with_content_encoded_and_creator():
    body = (
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>K</title><item>'
        "<title>Rubrik</title><link>https://www.example.se/a</link><guid>g-1</guid>"
        "<description>Kort</description>"
        "<content:encoded><![CDATA[<p>Lång <em>text</em></p>]]></content:encoded>"
        "<dc:creator>Anna Åberg</dc:creator><pubDate>Mon, 02 Nov 2026 08:30:00 +0100</pubDate>"
        "</item></channel></rss>"
    ).encode()
    entry = one(body)
    assert entry.summary_html == "<p>Lång <em>text</em></p>"
    assert entry.summary_text == "Lång text"
    assert entry.author == "Anna Åberg"
    assert entry.published_at == datetime(2026, 11, 2, 7, 30, tzinfo=UTC)
    assert entry.key == "id:g-1"


def test_rss_10():
    body = (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<channel rdf:about="https://www.example.se/rss"><title>RDF</title>'
        "<link>https://www.example.se/</link></channel>"
        '<item rdf:about="https://www.example.se/x"><title>Befolkning ökar</title>'
        "<link>https://www.example.se/x</link><description>Fler invånare</description>"
        "<dc:date>2026-11-01T10:00:00+01:00</dc:date></item></rdf:RDF>"
    ).encode()
    feed = parse_feed(body, url=FEED_URL)
    assert feed.title == "RDF" and feed.site_url == "https://www.example.se/"
    entry = feed.entries[0]
    assert entry.title == "Befolkning ökar"
    assert entry.key == "id:https://www.example.se/x"
    assert entry.published_at == datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def test_atom_text_html_and_xhtml_constructs():
    body = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title>'
        '<link rel="self" href="https://www.example.se/feed"/>'
        '<link href="https://www.example.se/"/>'
        "<entry><id>urn:uuid:1</id><title>A &lt;b&gt; B</title>"
        '<link rel="alternate" href="https://www.example.se/1"/>'
        "<updated>2026-11-01T10:00:00Z</updated><author><name>Kim</name></author>"
        '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hej '
        "<strong>där</strong></p></div></content></entry>"
        '<entry><id>urn:uuid:2</id><title type="html">&lt;em&gt;Viktigt&lt;/em&gt;</title>'
        '<summary type="html">&lt;p&gt;Sammanfattning&lt;/p&gt;</summary>'
        "<published>2026-11-02T10:00:00Z</published><updated>2026-11-03T10:00:00Z</updated>"
        "</entry></feed>"
    ).encode()
    feed = parse_feed(body, url=FEED_URL)
    assert feed.site_url == "https://www.example.se/"
    first, second = feed.entries
    assert first.title == "A <b> B"  # type="text": the brackets are the title's own text
    assert first.summary_html == "<p>Hej <strong>där</strong></p>"
    assert first.author == "Kim"
    assert second.title == "Viktigt"
    assert second.summary_html == "<p>Sammanfattning</p>"
    assert second.published_at == datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # published wins


def test_json_feed():
    body = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "JSON",'
        b' "home_page_url": "https://www.example.se/", "items": ['
        b'{"id": 7, "url": "/artiklar/7", "title": "Sju <b>saker</b>",'
        b' "content_html": "<p>Om <a href=\\"/x\\">x</a></p><script>bad()</script>",'
        b' "date_published": "2026-11-01T10:00:00+01:00", "authors": [{"name": "Redaktionen"}]},'
        b' {"id": "t", "content_text": "Bara text <inte html>"},'
        b' "not an item"]}'
    )
    feed = parse_feed(body, url=FEED_URL, content_type="application/feed+json")
    assert feed.title == "JSON" and feed.site_url == "https://www.example.se/"
    first, second = feed.entries
    assert first.key == "id:7"
    assert first.link == "https://www.example.se/artiklar/7"
    assert first.title == "Sju <b>saker</b>"  # JSON Feed titles are plain text
    assert first.summary_html == (
        '<p>Om <a href="https://www.example.se/x" rel="noopener noreferrer nofollow">x</a></p>'
    )
    assert first.author == "Redaktionen"
    assert first.published_at == datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    assert second.summary_text == "Bara text <inte html>"


@pytest.mark.parametrize(
    "body",
    [
        b'{"version": "1", "items": []}',
        b'{"items": [',
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["not-json-feed", "broken", "deeply-nested"],
)
def test_json_that_is_not_a_json_feed(body):
    with pytest.raises(FeedParseError):
        parse_feed(body, url=FEED_URL)


# Encodings

LATIN1_ITEM = "<title>Vägar över ån</title><link>https://www.example.se/1</link>"


def test_iso_8859_1_declared_in_the_prolog():
    body = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel>'
        f"<title>Län</title><item>{LATIN1_ITEM}</item></channel></rss>"
    ).encode("iso-8859-1")
    assert one(body).title == "Vägar över ån"


def test_iso_8859_1_only_in_the_http_charset():
    body = f'<rss version="2.0"><channel><item>{LATIN1_ITEM}</item></channel></rss>'
    encoded = body.encode("iso-8859-1")
    assert one(encoded, content_type="text/xml; charset=ISO-8859-1").title == "Vägar över ån"
    assert one(encoded, charset="iso-8859-1").title == "Vägar över ån"


def test_windows_1252_bytes_in_a_document_declared_iso_8859_1():
    title = "“Citat” kostar 5 € – nu"
    body = (
        '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><item>'
        f"<title>{title}</title><link>https://www.example.se/1</link></item></channel></rss>"
    ).encode("windows-1252")
    assert b"\x93" in body and b"\x80" in body
    assert one(body).title == title


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no-bom", "bom"])
def test_utf8_with_and_without_bom(bom):
    body = bom + rss(item(title="Åtgärder för äldreomsorg"))
    assert one(body).title == "Åtgärder för äldreomsorg"


def test_document_declared_utf8_served_with_a_default_latin1_charset():
    body = rss(item(title="Skärgården"), prolog='<?xml version="1.0" encoding="utf-8"?>')
    assert one(body, content_type="text/xml; charset=ISO-8859-1").title == "Skärgården"


def test_letters_written_decomposed_are_stored_composed():
    # "ö" as "o" and a combining diaeresis (NFD): one letter to rules, search and dedup.
    decomposed = "Ny fo\u0308rskola i A\u030asa"
    entry = one(rss(item(title=decomposed, description=f"<p>{decomposed}</p>")))
    assert entry.title == "Ny förskola i Åsa"
    assert entry.summary_text == "Ny förskola i Åsa"
    assert matches("förskola", entry.title)
    assert not matches("skola", entry.title)


def test_undeclared_latin1_bytes_are_still_read():
    body = rss(item(title="Höst")).replace("Höst".encode(), "Höst".encode("latin-1"))
    assert one(body).title == "Höst"


# Addresses


def test_relative_links_resolve_against_the_feed_address():
    entry = one(
        rss(item(link="/nyheter/1", description="&lt;a href='../bilaga'&gt;bilaga&lt;/a&gt;"))
    )
    assert entry.link == "https://www.example.se/nyheter/1"
    # A relative link in the text is relative to the item's own page.
    assert 'href="https://www.example.se/bilaga"' in entry.summary_html


def test_relative_and_absolute_links_in_one_text_and_text_that_reads_like_a_link():
    text = (
        "&lt;p&gt;Se &lt;a href='https://www.example.se/a'&gt;a&lt;/a&gt;, "
        "&lt;a href='//cdn.example.se/b'&gt;b&lt;/a&gt; och &lt;a href='c?d=1'&gt;c&lt;/a&gt;"
        ' (skriv href="/x" själv)&lt;/p&gt;'
    )
    entry = one(rss(item(link="https://www.example.se/nyheter/1", description=text)))
    assert entry.summary_html == (
        '<p>Se <a href="https://www.example.se/a" rel="noopener noreferrer nofollow">a</a>, '
        '<a href="https://cdn.example.se/b" rel="noopener noreferrer nofollow">b</a> och '
        '<a href="https://www.example.se/nyheter/c?d=1" rel="noopener noreferrer nofollow">c</a>'
        ' (skriv href="/x" själv)</p>'
    )


def test_without_a_base_relative_links_are_dropped_and_absolute_ones_kept():
    from scanning.feed_html import clean_html

    cleaned = clean_html('<a href="/a">a</a> <a href="https://www.example.se/b">b</a>')
    assert cleaned == (
        '<a rel="noopener noreferrer nofollow">a</a> '
        '<a href="https://www.example.se/b" rel="noopener noreferrer nofollow">b</a>'
    )


def test_atom_xml_base_on_feed_and_entry():
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://www.example.se/sv/">'
        b"<title>Bas</title><entry xml:base="
        b'"nyheter/"><id>1</id><title>T</title><link href="2026/artikel"/>'
        b'<content type="html">&lt;a href="bilaga.pdf"&gt;Bilaga&lt;/a&gt;</content>'
        b"</entry></feed>"
    )
    entry = one(body, url="https://other.example/feed")
    assert entry.link == "https://www.example.se/sv/nyheter/2026/artikel"
    assert 'href="https://www.example.se/sv/nyheter/bilaga.pdf"' in entry.summary_html


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://www.example.se/x", "mailto:a@b.se"],
)
def test_links_other_than_http_are_dropped(link):
    entry = one(rss(item(link=link)))
    assert entry.link == "" and entry.canonical_url == ""


# Cleaning


def test_summary_html_keeps_only_harmless_markup():
    dirty = (
        '<p onclick="steal()" style="color:red">Hej <a href="javascript:alert(1)">js</a> '
        '<a href="data:text/html;base64,PHNjcmlwdD4=">data</a> '
        '<a href="https://www.example.se/ok" onmouseover="x()" target="_blank">ok</a></p>'
        "<script>steal()</script><style>p{display:none}</style>"
        '<form action="https://evil.example/"><input name="pw">Logga in</form>'
        '<iframe src="https://evil.example/">ram</iframe><img src="https://spy.example/p.gif">'
        "<h2>Rubrik</h2><!-- kommentar -->"
    )
    entry = one(rss(item(description=f"<![CDATA[{dirty}]]>")))
    html = entry.summary_html
    for banned in (
        "onclick", "style", "steal", "javascript:", "data:", "onmouseover", "target",
        "<form", "<input", "Logga in", "<iframe", "ram", "<img", "spy.example", "<h2", "kommentar",
    ):  # fmt: skip
        assert banned not in html, banned
    assert '<a href="https://www.example.se/ok" rel="noopener noreferrer nofollow">ok</a>' in html
    assert "<p>Rubrik</p>" in html
    assert entry.summary_text == "Hej js data ok Rubrik"


def test_long_summaries_are_capped():
    entry = one(rss(item(description="&lt;p&gt;" + "ord " * 20_000 + "&lt;/p&gt;")))
    assert len(entry.summary_html) <= 20_100
    assert len(entry.summary_text) <= 2_000


def test_title_is_plain_text():
    entry = one(rss(item(title="&lt;b&gt;Hej&lt;/b&gt; &amp;amp; &lt;script&gt;x&lt;/script&gt;")))
    # Tags go, with a script's content: a reader sees the words, never the markup.
    assert entry.title == "Hej &"


def test_title_entities_whitespace_and_length():
    entry = one(
        rss(item(title="Tom &amp;amp; Jerry\n\t  på   &lt;i&gt;turné&lt;/i&gt; " + "x" * 400))
    )
    assert entry.title.startswith("Tom & Jerry på turné x")
    assert len(entry.title) <= 300


def test_bidi_controls_are_stripped_from_titles_and_text():
    entry = one(rss(item(title="Rapport \u202efdp.exe", description="A\u2066B\u200f")))
    assert entry.title == "Rapport fdp.exe"
    assert entry.summary_text == "AB"


# Identity


def test_key_is_the_guid_else_the_link_else_a_hash():
    feed = parse_feed(
        rss(
            item(guid="abc-1", link="https://www.example.se/1")
            + item(link="https://www.example.se/2?utm_source=rss")
            + item(link="", title="Utan länk", description="Bara text")
        ),
        url=FEED_URL,
    )
    keys = [e.key for e in feed.entries]
    assert keys[0] == "id:abc-1"
    assert keys[1] == "link://www.example.se/2"
    assert keys[2].startswith("hash:") and len(keys[2]) == 5 + 64


def test_entries_without_an_id_that_share_an_address_are_told_apart_by_what_they_say():
    feed = parse_feed(
        rss(
            item(link="https://www.example.se/nyheter", title="Ny detaljplan")
            + item(link="https://www.example.se/nyheter?utm_source=rss", title="Budget antagen")
            + item(link="https://www.example.se/nyheter/badhus", title="Nytt badhus")
            + item(guid="abc-1", link="https://www.example.se/nyheter/badhus")
        ),
        url=FEED_URL,
    )
    keys = [e.key for e in feed.entries]
    assert len(set(keys)) == 4
    assert keys[0].startswith("hash:") and keys[1].startswith("hash:")
    # An address the entry has to itself is its key, as it was before it stored.
    assert keys[2] == "link://www.example.se/nyheter/badhus"
    assert keys[3] == "id:abc-1"


def test_long_ids_and_links_are_hashed_to_fit():
    long_path = "a" * 400
    feed = parse_feed(
        rss(item(guid="g" * 400) + item(link=f"https://www.example.se/{long_path}")),
        url=FEED_URL,
    )
    first, second = feed.entries
    assert first.key.startswith("id#") and len(first.key) <= 255
    assert second.key.startswith("link#") and len(second.key) <= 255
    assert second.link.endswith(long_path)


def test_keys_are_stable_and_hashes_follow_the_content():
    body = rss(item(link="", title="Samma", description="Text ett"))
    assert one(body).key == one(body).key
    changed = rss(item(link="", title="Samma", description="Text två"))
    assert one(changed).key != one(body).key


def test_an_entry_twice_in_one_document_is_kept_once():
    feed = parse_feed(
        rss(item(guid="x", title="Först") + item(guid="x", title="Sedan") + item(guid="y")),
        url=FEED_URL,
    )
    assert [(e.key, e.title) for e in feed.entries] == [("id:x", "Först"), ("id:y", "Rubrik")]


def test_entries_without_title_link_or_content_are_skipped():
    feed = parse_feed(
        rss("<item><guid>tom</guid></item>" + item(title=None, link="", description="Text")),
        url=FEED_URL,
    )
    assert [e.summary_text for e in feed.entries] == ["Text"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://Skr.SE/nyheter/a/?utm_source=rss&utm_medium=x", "//skr.se/nyheter/a"),
        ("http://skr.se/nyheter/a", "//skr.se/nyheter/a"),
        ("https://skr.se:443/nyheter/a#del-2", "//skr.se/nyheter/a"),
        ("http://skr.se:80/", "//skr.se/"),
        ("https://skr.se", "//skr.se/"),
        ("https://skr.se:8443/a", "//skr.se:8443/a"),
        ("https://skr.se/a?b=2&a=1&fbclid=z&gclid=y", "//skr.se/a?a=1&b=2"),
        ("https://skr.se/a?mc_cid=1&mc_eid=2&_hsenc=3&_hsmi=4&igshid=5&ref_src=6", "//skr.se/a"),
        ("https://skr.se/Sok?q=%C3%A4ldre", "//skr.se/Sok?q=%C3%A4ldre"),
        # The plain article address, the most common, in each of its variants.
        ("HTTPS://WWW.Skr.se./Nyheter/Ärende-1/", "//www.skr.se/Nyheter/Ärende-1"),
        ("https://skr.se//a//", "//skr.se//a"),
        ("https://skr.se/", "//skr.se/"),
        ("javascript:alert(1)", ""),
        ("/relative/only", ""),
        ("", ""),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Ny skollag – regeringen föreslår ändringar!",
            "Ny skollag: regeringen föreslår ändringar",
        ),
        ("”Vi måste prioritera”, säger ordföranden", "Vi måste prioritera säger ordföranden"),
        ("ÄLDREOMSORG  i  Kris", "äldreomsorg i kris"),
        ("Ska\u0308rgården", "Skärgården"),  # a decomposed ä
    ],
)
def test_title_fingerprints_that_match(a, b):
    assert title_fingerprint(a) == title_fingerprint(b)


def test_title_fingerprint_keeps_swedish_letters_apart():
    assert title_fingerprint("Ny skollag: ändringar!") == "ny skollag ändringar"
    assert title_fingerprint("Får") != title_fingerprint("Far")


# Not a feed

HTML_PAGE = """<!DOCTYPE html><html lang="sv"><head><title>Kommunen</title>
<base href="https://www.example.se/sv/">
<link rel="alternate" type="application/rss+xml" href="nyheter.rss" title="Nyheter">
<link rel="Alternate" type="application/atom+xml; charset=utf-8" href="https://www.example.se/atom">
<link rel="alternate" type="application/rss+xml" href="nyheter.rss">
<link rel="alternate" type="application/feed+json" href="/feed.json">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
<link rel="alternate" hreflang="en" href="/en/">
<link rel="stylesheet" type="text/css" href="/s.css">
</head><body><p>Välkommen</p></body></html>""".encode()


def test_an_html_page_is_not_a_feed_and_names_the_feeds_it_announces():
    with pytest.raises(NotAFeed) as caught:
        parse_feed(HTML_PAGE, url="https://www.example.se/", content_type="text/html")
    assert caught.value.feed_links == [
        "https://www.example.se/sv/nyheter.rss",
        "https://www.example.se/atom",
        "https://www.example.se/feed.json",
    ]
    with translation.override("en"):
        assert str(caught.value) == "The address gives an HTML page, not a feed."
    with translation.override("sv"):
        assert str(caught.value) == "Adressen ger en webbsida, inte ett flöde."


def test_an_html_page_without_announcements():
    with pytest.raises(NotAFeed) as caught:
        parse_feed(b"<html><body>Hej</body></html>", url=FEED_URL)
    assert caught.value.feed_links == []


def test_discover_feed_links_directly():
    assert discover_feed_links(HTML_PAGE, url="https://www.example.se/")[0] == (
        "https://www.example.se/sv/nyheter.rss"
    )


@pytest.mark.parametrize("body", [b"", b"   \n\t "], ids=["empty", "whitespace"])
def test_an_empty_body(body):
    with pytest.raises(FeedParseError) as caught:
        parse_feed(body, url=FEED_URL)
    with translation.override("en"):
        assert str(caught.value) == "The feed is empty."
    with translation.override("sv"):
        assert str(caught.value) == "Flödet är tomt."


@pytest.mark.parametrize(
    "body",
    [b"Hello, this is plain text.", b"\x00\x01\x02\xff\xfe garbage", b"<<<>>>&&&;;"],
)
def test_garbage_is_a_parse_error(body):
    with pytest.raises(FeedParseError) as caught:
        parse_feed(body, url=FEED_URL)
    assert not isinstance(caught.value, NotAFeed)
    assert str(caught.value)


def test_well_formed_xml_that_is_not_a_feed():
    with pytest.raises(FeedParseError):
        parse_feed(b"<urlset><url><loc>https://www.example.se/</loc></url></urlset>", url=FEED_URL)


def test_a_slightly_broken_feed_still_gives_its_entries():
    body = rss(item(title="Skola & vård", guid="1") + item(title="Två&nbsp;ord", guid="2"))
    feed = parse_feed(body, url=FEED_URL)
    assert [e.key for e in feed.entries] == ["id:1", "id:2"]
    assert feed.entries[0].title == "Skola & vård"


def test_an_empty_but_valid_feed_has_no_entries():
    feed = parse_feed(rss(""), url=FEED_URL)
    assert feed.entries == [] and feed.title == "Kanal"


# Safety

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>T &xxe;</title>
<item><title>Hemligt: &xxe;</title><link>https://www.example.se/1</link>
<description>&xxe;</description></item></channel></rss>"""


@pytest.mark.parametrize("broken", [False, True], ids=["well-formed", "needs-feedparser"])
def test_external_entities_are_never_read(broken):
    assert "root:" in Path("/etc/passwd").read_text()  # there is something to leak
    body = XXE.replace(b"<item>", b"<item>&nbsp;") if broken else XXE
    try:
        feed = parse_feed(body, url=FEED_URL)
    except FeedParseError:
        return
    assert "root:" not in everything(feed)
    assert "/bin/" not in everything(feed)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>https://www.example.se/1</link></item></channel></rss>"""


@pytest.mark.parametrize("broken", [False, True], ids=["well-formed", "needs-feedparser"])
def test_entity_expansion_is_refused_quickly(broken):
    body = BILLION_LAUGHS.replace(b"<item>", b"<item>&nbsp;") if broken else BILLION_LAUGHS
    started = time.perf_counter()
    try:
        feed = parse_feed(body, url=FEED_URL)
    except FeedParseError:
        feed = None
    assert time.perf_counter() - started < 1
    if feed is not None:
        assert "lollol" not in everything(feed)


# Dates


def test_absurd_dates_count_as_none_and_updated_stands_in_for_published():
    in_a_week = (datetime.now(UTC) + timedelta(days=7)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    feed = parse_feed(
        rss(
            item(guid="1", date="Thu, 01 Jan 1970 00:00:00 +0000")
            + item(guid="2", date=in_a_week)
            + item(guid="3", date="inte ett datum")
            + item(guid="4", date=tomorrow.strftime("%a, %d %b %Y %H:%M:%S +0000"))
            + item(guid="5", date="Tue, 03 Nov 2026 23:30:00 -0500")
        ),
        url=FEED_URL,
    )
    dates = [e.published_at for e in feed.entries]
    assert dates == [None, None, None, tomorrow, datetime(2026, 11, 4, 4, 30, tzinfo=UTC)]

    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id><title>T</title>'
        b"<updated>2026-11-05T12:00:00+01:00</updated></entry></feed>"
    )
    assert one(atom).published_at == datetime(2026, 11, 5, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("written", "utc_hour"),
    [
        ("Mon, 02 Nov 2026 10:00:00 CET", 9),
        ("Mon, 02 Nov 2026 10:00:00 cet", 9),
        ("Fri, 02 Oct 2026 10:00:00 CEST", 8),
        ("Fri, 02 Oct 2026 10:00:00 EEST", 7),
        ("Mon, 02 Nov 2026 10:00:00 EST", 15),  # the standard library's own
        ("Mon, 02 Nov 2026 10:00:00 GMT", 10),
        ("Mon, 02 Nov 2026 10:00:00 IST", 10),  # India, Ireland or Israel: read as UTC
    ],
)
def test_a_swedish_publishers_zone_name_puts_the_entry_at_its_real_time(written, utc_hour):
    """A Swedish feed writing "CET" means an hour ahead of UTC, not UTC."""
    (entry,) = parse_feed(rss(item(guid="1", date=written)), url=FEED_URL).entries
    assert entry.published_at.astimezone(UTC).hour == utc_hour


@pytest.mark.parametrize(
    "written",
    [
        "Mon, 02 Nov 2026 08:30:00 +0100",
        "Mon, 2 Nov 2026 8:30 -0500",
        "Mon,02 Nov 2026 08:30:00 GMT",
        "Mon, 02 nov 2026 08:30:00 UT",
        "Mon, 02 Nov 2026 08:30:00 -0000",
        "Mon, 02 Nov 2026 08:30:00 +0530",
        "Mon, 02 Nov 2026 08:30:00 Z",
        "Mon, 31 Feb 2026 08:30:00 +0100",  # no such day: neither reads it
        "Mon, 02 Nov 2026 24:00:00 +0100",
    ],
)
def test_the_common_rss_date_reads_as_the_standard_library_reads_it(written):
    # RSS's usual shape is read by a quick reader of its own; every other shape, and every
    # date it cannot read, by the standard library's general one. Both must agree.
    from email.utils import parsedate_to_datetime

    from scanning.feed_dates import parse_date

    try:
        general = parsedate_to_datetime(written)
    except ValueError:
        general = None
    else:
        general = general if general.tzinfo else general.replace(tzinfo=UTC)
    assert parse_date(written, now=datetime(2026, 11, 3, tzinfo=UTC)) == general


def test_characters_xml_forbids_are_removed_and_the_feed_read():
    # A control character or U+FFFE/U+FFFF in a title makes a feed ill-formed; removed, the
    # feed is read (and the text around them, å, ä, ö and U+FFFD included, kept).
    body = rss(item(title="Ny\x0b plan\x1f för Åsa\ufffe\uffff\ufffd"))
    assert one(body).title == "Ny plan för Åsa\ufffd"
