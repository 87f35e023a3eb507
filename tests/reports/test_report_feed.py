"""The Atom feed of published reports: a secret address per person, revocable, listing the
current reports of the person's organisations and nothing else."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from organizations.roles import Role
from reports.feed_token_services import report_feed_token_create, report_feed_token_revoke
from reports.models import ReportFeedToken

from ..factories import PublishedReportFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def feed_url(token):
    return reverse("report_feed", args=[token])


def entries(response):
    root = ET.fromstring(response.content)
    return [
        (entry.findtext(f"{ATOM}title"), entry.find(f"{ATOM}link").get("href"))
        for entry in root.findall(f"{ATOM}entry")
    ]


def test_the_feed_lists_the_current_reports_of_the_persons_organisations(
    client, kommun, other_kommun, members
):
    ours = PublishedReportFactory(cycle__organization=kommun)
    PublishedReportFactory(cycle=ours.cycle, version=0, superseded_at=timezone.now())
    PublishedReportFactory(cycle__organization=other_kommun)  # not Lena's
    token = report_feed_token_create(user=members[Role.MANAGEMENT])

    response = client.get(feed_url(token))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert response["Cache-Control"] == "private, no-store"
    links = [link for _, link in entries(response)]
    assert links == [f"http://testserver/kungsbacka/reports/published/{ours.pk}/"]


@pytest.mark.parametrize("role", list(Role))
def test_every_role_gets_its_organisations_reports(client, kommun, members, role):
    PublishedReportFactory(cycle__organization=kommun)
    token = report_feed_token_create(user=members[role])
    assert len(entries(client.get(feed_url(token)))) == 1


def test_a_revoked_or_replaced_address_answers_404(client, kommun, members):
    user = members[Role.STAFF]
    first = report_feed_token_create(user=user)
    second = report_feed_token_create(user=user)
    assert client.get(feed_url(first)).status_code == 404
    assert client.get(feed_url(second)).status_code == 200
    report_feed_token_revoke(user=user)
    assert client.get(feed_url(second)).status_code == 404
    assert not ReportFeedToken.objects.exists()


@pytest.mark.parametrize("token", ["nope", "x" * 500, "%00", "ÅÄÖ"])
def test_a_wrong_address_answers_404(client, token):
    assert client.get(f"/account/report-feed/{token}.atom").status_code == 404


def test_only_the_tokens_hash_is_stored(members):
    token = report_feed_token_create(user=members[Role.EDITOR])
    stored = ReportFeedToken.objects.get()
    assert token not in stored.token_sha256 and len(stored.token_sha256) == 64


def test_the_settings_page_makes_shows_once_and_revokes(client_for, members, english):
    client = client_for(members[Role.MANAGEMENT])
    page = reverse("report_feed_settings")
    assert "Make my feed address" in client.get(page).content.decode()

    html = client.post(reverse("report_feed_create"), follow=True).content.decode()
    address = re.search(r'value="(http://testserver/account/report-feed/[^"]+\.atom)"', html)
    assert address
    assert client.get(address.group(1)).status_code == 200
    assert address.group(1) not in client.get(page).content.decode()  # shown only once

    client.post(reverse("report_feed_revoke"))
    assert client.get(address.group(1)).status_code == 404


def test_the_settings_need_a_login_and_changes_need_a_post(client, client_for, members):
    page = reverse("report_feed_settings")
    assert client.get(page).status_code == 302
    member = client_for(members[Role.SCANNER])
    assert member.get(reverse("report_feed_create")).status_code == 405
    assert member.get(reverse("report_feed_revoke")).status_code == 405
