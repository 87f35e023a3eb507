"""Text that tries to pose as something else: bidirectional controls ("Rapport \u202efdp.exe"
reading as "Rapport exe.pdf") are removed from everything people write, shown isolated, and
never exported; older rows that still hold them are cleaned on the way out."""

import csv
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from organizations.models import Membership
from organizations.services import account_rename, member_name, membership_add
from signals import taxonomy_services
from signals.models import Level, Signal, Tag
from signals.services import SourceData, signal_create, signal_update

from ..factories import SignalFactory, TagFactory

pytestmark = pytest.mark.usefixtures("english")

RLO = "\u202e"
SPOOF = f"Rapport {RLO}fdp.exe"
CLEAN = "Rapport fdp.exe"
BIDI = ("\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2069", "\u200e", "\u200f")


def has_controls(text: str) -> bool:
    return any(control in text for control in BIDI)


def test_a_signals_text_fields_sources_and_tags_are_stored_without_controls(kommun, members):
    signal = signal_create(
        organization=kommun,
        user=members["scanner"],
        title=SPOOF,
        description=f"Se {RLO}bilagan",
        motivation="Viktigt\u2066 för oss\u2069",
        level=Level.OUTER,
        sources=[SourceData(url=f"https://example.se/{RLO}a", name=SPOOF)],
        tags=[f"{RLO}skola", "\u200f", "Skola"],
    )
    signal.refresh_from_db()
    assert (signal.title, signal.description, signal.motivation) == (
        CLEAN,
        "Se bilagan",
        "Viktigt för oss",
    )
    assert [(s.url, s.name) for s in signal.sources.all()] == [("https://example.se/a", CLEAN)]
    assert [t.name for t in signal.tags.all()] == ["skola"]
    assert not has_controls(signal.search_document)

    updated = signal_update(
        signal=signal,
        user=members["scanner"],
        expected_version=1,
        title=f"\u202bNy{RLO} titel",
        tags=[f"AI{RLO}"],
        sources=[SourceData(name=f"{RLO}SKR")],
    )
    assert updated.title == "Ny titel"
    assert [t.name for t in updated.tags.all()] == ["AI"]
    assert [s.name for s in updated.sources.all()] == ["SKR"]


def test_a_title_of_controls_only_is_no_title(kommun, members):
    with pytest.raises(ValidationError) as refused:
        signal_create(
            organization=kommun,
            user=members["scanner"],
            title=RLO * 3,
            motivation="Viktigt.",
            level=Level.OUTER,
            sources=[SourceData(name="SKR")],
        )
    assert "title" in refused.value.message_dict


def test_logging_through_the_form_strips_them_too(kommun, members, client_for):
    from .test_register_views import form_data

    response = client_for(members["scanner"]).post(
        reverse("signals:create", args=[kommun.slug]),
        form_data(kommun, title=SPOOF, tags=f"{RLO}förskola"),
    )
    assert response.status_code == 302
    signal = Signal.objects.get()
    assert signal.title == CLEAN
    assert [t.name for t in signal.tags.all()] == ["förskola"]


def test_areas_trends_driving_forces_and_tags_are_stored_without_controls(kommun):
    area = taxonomy_services.area_create(
        organization=kommun, name=f"{RLO}Vatten", description=f"Om {RLO}vatten"
    )
    assert (area.name, area.description) == ("Vatten", "Om vatten")
    force = taxonomy_services.driving_force_create(organization=kommun, name=f"Klimat{RLO}x")
    assert force.name == "Klimatx"
    trend = taxonomy_services.trend_create(
        organization=kommun, name="\u2067Torka\u2069", description="", driving_force=force
    )
    assert trend.name == "Torka"
    taxonomy_services.trend_update(
        trend=trend, name=f"{RLO}Torka", description=f"{RLO}", driving_force=None
    )
    trend.refresh_from_db()
    assert (trend.name, trend.description) == ("Torka", "")
    tag = TagFactory(organization=kommun, name="gammal")
    taxonomy_services.tag_rename(tag=tag, name=f"{RLO}ny")
    assert Tag.objects.get(pk=tag.pk).name == "ny"


def test_a_name_of_controls_only_is_refused(kommun):
    with pytest.raises(ValidationError) as refused:
        taxonomy_services.area_create(organization=kommun, name=RLO, description="")
    assert "name" in refused.value.message_dict
    tag = TagFactory(organization=kommun, name="kvar")
    with pytest.raises(ValidationError):
        taxonomy_services.tag_rename(tag=tag, name="\u200e\u200f")
    assert Tag.objects.get(pk=tag.pk).name == "kvar"


def test_a_new_members_name_is_stored_without_controls(kommun):
    membership = membership_add(
        organization=kommun,
        email="ny@example.se",
        role="staff",
        first_name=f"{RLO}Anna",
        last_name=f"Ek{RLO}",
    )
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    # The organisation keeps the name its admin typed (the account gets none of its own).
    assert membership.invited_name == "Anna Ek"
    assert member_name(membership) == "Anna Ek"


# --- older rows, on the way out -------------------------------------------------------------


@pytest.fixture
def older(kommun, members):
    """A signal stored before controls were stripped (the factory writes straight to the
    database)."""
    return SignalFactory(
        organization=kommun,
        created_by=members["scanner"],
        title=SPOOF,
        motivation=f'{RLO}=HYPERLINK("https://evil.example")',
        sources=[SourceData(url=f"https://example.se/{RLO}rapport", name=f"{RLO}Källa")],
        tags=[f"{RLO}etikett"],
    )


def test_the_csv_carries_no_controls_and_defuses_a_formula_hidden_behind_one(
    kommun, members, client_for, older
):
    response = client_for(members["scanner"]).get(reverse("signals:export", args=[kommun.slug]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert not has_controls(text)
    row = list(csv.reader(io.StringIO(text), delimiter=";"))[1]
    assert CLEAN in row
    assert '\'=HYPERLINK("https://evil.example")' in row
    assert "https://example.se/rapport" in row


@pytest.mark.parametrize("page", ["signals:list", "signals:detail", "signals:history", "start"])
def test_pages_show_user_text_without_controls(kommun, members, client_for, older, page):
    args = [kommun.slug] if page in ("signals:list", "start") else [kommun.slug, older.pk]
    html = client_for(members["scanner"]).get(reverse(page, args=args)).content.decode()
    body = html.split("<body", 1)[1]
    # The text people see; an address in an href is the browser's to handle.
    body = re.sub(r'href="[^"]*"', "", body)
    assert CLEAN in body
    leftovers = [body[max(0, i - 80) : i + 20] for i, c in enumerate(body) if c in BIDI]
    assert leftovers == []


def test_a_title_inside_a_sentence_is_isolated(kommun, members, client_for, older):
    response = client_for(members["scanner"]).get(
        reverse("signals:history", args=[kommun.slug, older.pk])
    )
    assert f"<h1>History of “<bdi>{CLEAN}</bdi>”</h1>" in response.content.decode()


def test_a_name_the_person_sets_is_stored_without_controls(members):
    user = members["staff"]
    account_rename(user=user, first_name=f"{RLO}Mats", last_name=f"Ek{RLO}")
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Mats", "Ek")
