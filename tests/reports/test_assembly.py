"""From a cycle to its report: the chosen signals in the shortlist's order with their analyses,
every candidate in the appendix; read in the browser and built by `manage.py build_report`."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from organizations.roles import Role
from reports.assembly import document_for_cycle
from reports.models import Candidate, Decision

from ..factories import ScoreFactory

pytestmark = pytest.mark.django_db


def choose(cycle, *titles):
    for position, title in enumerate(titles):
        Candidate.objects.filter(cycle=cycle, signal__title=title).update(
            decision=Decision.IN, position=position, meaning=f"Det betyder {title}."
        )


def test_the_report_has_the_chosen_signals_in_the_shortlists_order(cycle, members):
    choose(cycle, "Kandidat 3", "Kandidat 1")
    candidate = Candidate.objects.get(cycle=cycle, signal__title="Kandidat 3")
    ScoreFactory(candidate=candidate, relevance=3, urgency=2)

    document = document_for_cycle(cycle, base_url="https://spaning.example.se")

    assert [s.title for s in document.signals] == ["Kandidat 3", "Kandidat 1"]
    assert document.signals[0].meaning == "Det betyder Kandidat 3."
    assert document.signals[0].url.startswith("https://spaning.example.se/kungsbacka/signals/")
    assert {line.title for line in document.candidates} == {
        "Kandidat 1", "Kandidat 2", "Kandidat 3",
    }  # fmt: skip
    chosen = {line.title: line for line in document.candidates if line.chosen}
    assert set(chosen) == {"Kandidat 1", "Kandidat 3"}
    assert chosen["Kandidat 3"].score == 2.5
    assert list(document.counts_by_level) == ["Invärld", "Närvärld", "Omvärld"]
    assert document.organization_name == cycle.organization.name


@pytest.mark.parametrize("role", [Role.SCANNER, Role.EDITOR, Role.ADMIN])
def test_the_scanning_group_reads_the_report_as_it_stands(client_for, members, cycle, role):
    choose(cycle, "Kandidat 2")
    url = reverse("reports:report", args=[cycle.organization.slug, cycle.pk])
    response = client_for(members[role]).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kandidat 2" in html and "Det betyder Kandidat 2." in html


@pytest.mark.parametrize("role", [Role.MANAGEMENT, Role.STAFF])
def test_a_draft_report_is_not_for_management_or_staff(client_for, members, cycle, role):
    url = reverse("reports:report", args=[cycle.organization.slug, cycle.pk])
    assert client_for(members[role]).get(url).status_code in (403, 404)


def test_another_organisations_member_gets_404(client_for, cycle, other_members):
    url = reverse("reports:report", args=[cycle.organization.slug, cycle.pk])
    assert client_for(other_members[Role.EDITOR]).get(url).status_code == 404


def test_build_report_writes_the_cycles_pdf(cycle, tmp_path):
    choose(cycle, "Kandidat 1", "Kandidat 2")
    out = tmp_path / "rapport.pdf"
    stdout = io.StringIO()
    call_command(
        "build_report", "--org", "kungsbacka", "--month", cycle.month.strftime("%Y-%m"),
        "--out", str(out), stdout=stdout,
    )  # fmt: skip
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Kandidat 1" in text and "Kandidat 2" in text
    assert str(cycle.month.year) in text
    assert "bytes" in stdout.getvalue()


@pytest.mark.parametrize(
    ("org", "month", "says"),
    [
        ("kungsbacka", "2026-13", "YYYY-MM"),
        ("kungsbacka", "nov", "YYYY-MM"),
        ("finns-inte", "2026-11", "slug"),
        ("kungsbacka", "1999-01", "no report cycle"),
    ],
)
def test_build_report_says_what_is_wrong(cycle, tmp_path, org, month, says):
    with pytest.raises(CommandError, match=says):
        call_command("build_report", "--org", org, "--month", month, "--out", str(tmp_path / "x"))
    assert not (tmp_path / "x").exists()
    assert cycle.month != date(1999, 1, 1)
