"""OPML export and import: a round trip between organisations, and hostile files refused with a
message, never a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import override

from scanning.models import Feed, Subscription
from scanning.opml import OPMLError, opml_document, parse_opml

from ..factories import FeedFactory, SubscriptionFactory

pytestmark = pytest.mark.usefixtures("english")


def export_url(organization):
    return reverse("scanning:opml_export", args=[organization.slug])


def import_url(organization):
    return reverse("scanning:opml_import", args=[organization.slug])


def upload(client, organization, data: bytes, name="feeds.opml"):
    return client.post(
        import_url(organization), {"file": SimpleUploadedFile(name, data, "text/x-opml")}
    )


def opml(*outlines: str) -> bytes:
    body = "\n".join(outlines)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><head><title>Mina flöden'
        f"</title></head><body>{body}</body></opml>"
    ).encode()


def test_the_export_is_an_opml_download_of_our_feeds(client_for, kommun, other_kommun, members):
    SubscriptionFactory(
        organization=kommun,
        name="Boverket & co",
        feed=FeedFactory(url="https://www.boverket.se/rss", site_url="https://www.boverket.se/"),
    )
    SubscriptionFactory(organization=other_kommun, name="Varbergs eget")
    response = client_for(members["scanner"]).get(export_url(kommun))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/x-opml")
    assert response["Content-Disposition"] == 'attachment; filename="feeds-kungsbacka.opml"'
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    (feed,) = parse_opml(response.content)
    assert (feed.url, feed.title, feed.site_url) == (
        "https://www.boverket.se/rss",
        "Boverket & co",
        "https://www.boverket.se/",
    )
    assert b'type="rss"' in response.content
    assert b'<opml version="2.0">' in response.content


def test_round_trip_into_another_organisation(client_for, kommun, other_kommun, members):
    for n in range(3):
        SubscriptionFactory(organization=kommun, name=f"Flöde {n}")
    exported = client_for(members["scanner"]).get(export_url(kommun)).content
    client_for(members["scanner"]).logout()
    from tests.conftest import make_member

    varberg = make_member(other_kommun, "scanner")
    response = upload(client_for(varberg), other_kommun, exported)
    assert response.status_code == 200
    assert len(response.context["result"].added) == 3
    ours = set(Subscription.objects.filter(organization=kommun).values_list("feed__url", "name"))
    theirs = set(
        Subscription.objects.filter(organization=other_kommun).values_list("feed__url", "name")
    )
    assert ours == theirs
    # The feeds are shared, not copied.
    assert Feed.objects.count() == 3


def test_import_sorts_added_already_followed_and_refused(
    client_for, kommun, members, django_capture_on_commit_callbacks
):
    followed = SubscriptionFactory(organization=kommun, name="Redan här")
    written_again = followed.feed.url.replace("https://", "HTTPS://") + "#senaste"
    data = opml(
        '<outline text="Kategori">',
        '  <outline type="rss" text="SKR" xmlUrl="https://skr.se/rss.xml" htmlUrl="https://skr.se/"/>',
        '  <outline text="Ingen adress"/>',
        "</outline>",
        f'<outline type="rss" text="Gammal" xmlUrl="{followed.feed.url}"/>',
        '<outline type="rss" text="FTP" xmlUrl="ftp://example.se/feed"/>',
        '<outline type="rss" text="Trasig" xmlUrl="https://exa mple.se/feed"/>',
        '<outline type="rss" text="Intern" xmlUrl="http://10.0.0.5/feed"/>',
        '<outline type="rss" text="Lokal" xmlUrl="http://localhost:8000/feed"/>',
        '<outline type="rss" text="SKR igen" xmlUrl="https://skr.se/rss.xml"/>',
        '<outline type="rss" text="SKR versaler" xmlUrl="HTTPS://SKR.se/rss.xml#senaste"/>',
        f'<outline type="rss" text="Gammal versal" xmlUrl="{written_again}"/>',
    )
    with django_capture_on_commit_callbacks() as callbacks:
        response = upload(client_for(members["scanner"]), kommun, data)
    result = response.context["result"]
    assert [(s.name, s.feed.url, s.feed.site_url) for s in result.added] == [
        ("SKR", "https://skr.se/rss.xml", "https://skr.se/")
    ]
    assert result.already == [followed]
    assert result.refused == [
        ("ftp://example.se/feed", "not an http or https address"),
        ("https://exa mple.se/feed", "not a valid address"),
        ("http://10.0.0.5/feed", "an address on a private network"),
        ("http://localhost:8000/feed", "an address on a private network"),
        ("https://skr.se/rss.xml", "listed earlier in the file too"),
        ("HTTPS://SKR.se/rss.xml#senaste", "listed earlier in the file too"),
        (written_again, "listed earlier in the file too"),
    ]
    # Nothing fetched now: the first poll of the one new feed is queued.
    assert len(callbacks) == 1
    page = response.content.decode()
    assert "1 feed added" in page
    assert "7 addresses refused" in page


def test_an_address_longer_than_kept_is_refused_and_the_rest_imported(client_for, kommun, members):
    too_long = "https://example.se/" + "a" * 2000
    data = opml(
        f'<outline type="rss" text="Lång" xmlUrl="{too_long}"/>',
        '<outline type="rss" text="SKR" xmlUrl="https://skr.se/rss.xml"/>',
    )
    result = upload(client_for(members["scanner"]), kommun, data).context["result"]
    assert [s.name for s in result.added] == ["SKR"]
    assert result.refused == [(too_long, "an address of over 2000 characters")]
    assert not Feed.objects.filter(url=too_long).exists()


def test_a_long_file_is_imported_in_parts_and_nothing_is_lost(
    client_for, kommun, members, monkeypatch
):
    monkeypatch.setattr("scanning.feed_services.IMPORT_LIMIT", 3)
    data = opml(
        *(
            f'<outline type="rss" text="Flöde {n}" xmlUrl="https://ex.se/{n}.rss"/>'
            for n in range(5)
        )
    )
    client = client_for(members["scanner"])
    first = upload(client, kommun, data)
    assert [s.name for s in first.context["result"].added] == ["Flöde 0", "Flöde 1", "Flöde 2"]
    assert "2 more new feeds in the file were not added this time" in first.content.decode()
    second = upload(client, kommun, data).context["result"]
    assert [s.name for s in second.added] == ["Flöde 3", "Flöde 4"]
    assert len(second.already) == 3
    assert second.left == 0
    assert Subscription.objects.filter(organization=kommun).count() == 5


def test_a_private_address_listed_as_allowed_is_imported(client_for, kommun, members, settings):
    settings.FETCH_ALLOW_PRIVATE_HOSTS = ["intranet.kungsbacka.local:443"]
    data = opml('<outline xmlUrl="https://intranet.kungsbacka.local/nyheter.rss" text="Intranät"/>')
    response = upload(client_for(members["scanner"]), kommun, data)
    assert [s.name for s in response.context["result"].added] == ["Intranät"]


HOSTILE = {
    "external entity": (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<opml version="2.0"><body><outline text="&xxe;" xmlUrl="https://a.se/"/></body></opml>'
    ),
    "billion laughs": (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<opml><body><outline text="&lol3;" xmlUrl="https://a.se/"/></body></opml>'
    ),
    "a doctype alone": b'<!DOCTYPE opml SYSTEM "http://example.se/opml.dtd"><opml/>',
    "not XML": b"Det h\xc3\xa4r \xc3\xa4r ingen XML",
    "empty": b"",
    "not OPML": b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>',
    "binary": bytes(range(256)),
}


@pytest.mark.parametrize("data", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_or_broken_file_is_a_message_not_a_500(client_for, kommun, members, data):
    response = upload(client_for(members["scanner"]), kommun, data)
    assert response.status_code == 200
    (error,) = response.context["form"].errors["file"]
    assert error
    assert not Subscription.objects.exists()


def test_a_file_over_the_cap_is_refused_before_it_is_read(client_for, kommun, members):
    data = opml('<outline xmlUrl="https://a.se/" text="a"/>' * 40_000)
    assert len(data) > 1024 * 1024
    response = upload(client_for(members["scanner"]), kommun, data)
    assert response.context["form"].errors["file"] == [
        "The file is larger than 1 MB; an OPML file of feeds is far smaller."
    ]


def test_the_parser_refuses_entities_before_expanding_them():
    with override("en"), pytest.raises(OPMLError, match="document type"):
        parse_opml(HOSTILE["billion laughs"])


def test_titles_with_control_characters_still_make_valid_opml(db):
    subscription = SubscriptionFactory(name="Nyheter\x0b med <taggar> & \"citat\" 'och' mer")
    data = opml_document([subscription], title="Kungsbacka \x01")
    (feed,) = parse_opml(data)
    assert feed.title == "Nyheter med <taggar> & \"citat\" 'och' mer"


def test_a_file_listing_no_feeds_says_why_nothing_was_added(client_for, kommun, members):
    data = opml('<outline text="Bara en rubrik"/>')

    page = upload(client_for(members["scanner"]), kommun, data).content.decode()

    assert "0 feeds added" in page
    assert "The file lists no feed addresses (outlines with an xmlUrl)" in page
