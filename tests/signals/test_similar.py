"""Logging the same news twice: the form says, as the user types and after saving, which
signals of the organisation may already be it (same source address, or a very similar recent
title). A notice with links, never a refusal; only signals the user may see count."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from signals.models import Signal, Status

from ..factories import SignalFactory
from .test_register_views import form_data

pytestmark = pytest.mark.usefixtures("english")

ADDRESS = "https://www.regionhalland.se/nyhet"


def similar(client, organization, **params):
    return client.get(reverse("signals:similar", args=[organization.slug]), params)


def linked_titles(html: str) -> list[str]:
    return re.findall(r'<a href="/kungsbacka/signals/\d+/"[^>]*>([^<]*)</a>', html)


@pytest.mark.parametrize(
    "typed",
    [
        ADDRESS,
        "http://regionhalland.se/nyhet/",  # the same page, written another common way
        "https://www.regionhalland.se/nyhet#stycke-2",
    ],
)
def test_the_same_address_is_noticed_as_it_is_typed(client_for, members, signal, kommun, typed):
    response = similar(client_for(members["scanner"]), kommun, **{"sources-0-url": typed})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Kungsbacka already has a signal with this source address:" in html
    assert linked_titles(html) == [signal.title]
    assert 'target="_blank"' in html  # nothing typed in the form is lost


def test_a_very_similar_recent_title_is_noticed(client_for, members, signal, kommun):
    html = similar(
        client_for(members["scanner"]), kommun, title="Regionen inför AI-stöd i skolorna!"
    ).content.decode()

    assert "A signal with a very similar title was logged in the last months:" in html
    assert linked_titles(html) == [signal.title]


def test_an_old_or_different_title_is_not_noticed(client_for, members, signal, kommun):
    Signal.objects.filter(pk=signal.pk).update(created_at=timezone.now() - timedelta(days=400))
    client = client_for(members["scanner"])

    assert similar(client, kommun, title=signal.title).content == b""
    assert similar(client, kommun, title="Helt annan nyhet om vatten").content == b""


def test_only_signals_the_user_may_see_count(client_for, members, kommun, other_kommun):
    SignalFactory(
        organization=kommun,
        title="Arkiverad om samma sida",
        sources=[(ADDRESS, "Region Halland")],
        status=Status.ARCHIVED,
    )
    SignalFactory(organization=other_kommun, title="Varbergs", sources=[(ADDRESS, "Region")])

    response = similar(client_for(members["scanner"]), kommun, **{"sources-0-url": ADDRESS})

    assert response.content == b""


@pytest.mark.parametrize(
    "params",
    [
        {"title": "x" * 100_000, "sources-0-url": "https://" + "a" * 100_000},
        {"sources-0-url": "javascript:alert(1)", "title": "<script>alert(1)</script>"},
        {"sources-0-url": "https://", "sources-99-url": ADDRESS},
        {"title": "\x00 nul"},
    ],
)
def test_hostile_input_gets_an_answer_not_an_error(client_for, members, signal, kommun, params):
    response = similar(client_for(members["scanner"]), kommun, **params)

    assert response.status_code == 200
    assert b"<script>" not in response.content


@pytest.mark.parametrize("role", ["management", "staff"])
def test_only_those_who_log_signals_are_asked(client_for, members, kommun, role):
    assert similar(client_for(members[role]), kommun, title="x").status_code == 403


def test_another_organisations_member_gets_nothing(client_for, other_members, signal, kommun):
    response = similar(client_for(other_members["scanner"]), kommun, **{"sources-0-url": ADDRESS})

    assert response.status_code == 404


def test_the_check_costs_few_queries(
    client_for, members, signal, kommun, django_assert_max_num_queries
):
    for n in range(20):
        SignalFactory(organization=kommun, title=f"Annan nyhet nummer {n}")
    client = client_for(members["scanner"])
    similar(client, kommun, title="warm-up")

    with django_assert_max_num_queries(6):
        similar(client, kommun, title=signal.title, **{"sources-0-url": ADDRESS})


def test_after_saving_the_new_signal_says_what_it_may_repeat(client_for, members, signal, kommun):
    data = form_data(kommun, title="AI-stöd i skolan införs i regionen")
    data["sources-0-url"] = ADDRESS
    response = client_for(members["scanner"]).post(
        reverse("signals:create", args=[kommun.slug]), data, follow=True
    )

    new = Signal.objects.get(title="AI-stöd i skolan införs i regionen")
    assert response.redirect_chain[-1][0] == reverse("signals:detail", args=[kommun.slug, new.pk])
    html = response.content.decode()
    assert "Was this already logged?" in html
    assert "Kungsbacka already has a signal with this source address:" in html
    assert signal.title in linked_titles(html)
    assert new.title not in linked_titles(html)  # not itself


def test_a_form_sent_back_with_errors_keeps_the_notice(client_for, members, signal, kommun):
    data = form_data(kommun, title="", motivation="")
    data["sources-0-url"] = ADDRESS
    response = client_for(members["scanner"]).post(
        reverse("signals:create", args=[kommun.slug]), data
    )

    assert response.status_code == 200
    assert "Already logged?" in response.content.decode()
    assert linked_titles(response.content.decode()) == [signal.title]


def test_a_new_address_logs_without_a_notice(client_for, members, signal, kommun):
    response = client_for(members["scanner"]).post(
        reverse("signals:create", args=[kommun.slug]), form_data(kommun), follow=True
    )

    assert "The signal is logged" in response.content.decode()
    assert "already logged" not in response.content.decode()
