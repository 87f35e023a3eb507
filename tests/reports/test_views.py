"""The report pages, role by role: cycle list and page, scoring, the board, deciding and
ordering. Another organisation's member gets 404 everywhere."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reports.models import Candidate, Decision
from reports.services import cycle_open, score_set
from signals.models import Level

from ..factories import CandidateFactory, ReportCycleFactory, ScoreFactory, SignalFactory

pytestmark = pytest.mark.usefixtures("english")

ROLES = ["scanner", "editor", "admin", "management", "staff"]


def url(name, *args):
    return reverse(f"reports:{name}", args=["kungsbacka", *args])


def client_as(user):
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


PAGES = {
    # page → roles that may open it
    "list": {"scanner", "editor", "admin", "management", "staff"},  # everyone reads reports
    "detail": {"scanner", "editor", "admin"},  # management: the cycle is open, so not theirs
    "score": {"scanner", "editor", "admin"},
    "board": {"scanner", "editor", "admin"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_pages_by_role(members, cycle, role, page):
    response = client_as(members[role]).get(url(page) if page == "list" else url(page, cycle.pk))
    if role in PAGES[page]:
        assert response.status_code == 200
    else:
        assert response.status_code in (403, 404)


@pytest.mark.parametrize("page", ["detail", "score", "board"])
def test_another_organisations_member_gets_404(other_members, cycle, page):
    for role in ("admin", "editor", "scanner"):
        response = client_as(other_members[role]).get(
            reverse(f"reports:{page}", args=["varberg", cycle.pk])
        )
        assert response.status_code == 404


def test_ids_past_64_bits_are_404(members, cycle):
    client = client_as(members["admin"])
    for path in ("", "score/", "board/"):
        assert client.get(f"/kungsbacka/reports/{2**64}/{path}").status_code == 404
    big = f"/kungsbacka/reports/candidates/{2**63}/score/"
    assert client.post(big, {"relevance": 1}).status_code == 404


def test_another_organisations_candidate_cannot_be_scored_or_decided(members, other_kommun, cycle):
    theirs = CandidateFactory(cycle=ReportCycleFactory(organization=other_kommun))
    client = client_as(members["editor"])
    data = {"relevance": 1, "urgency": 1, "decision": "in", "version": 1, "direction": "up"}
    for name in ("candidate_score", "candidate_decide", "candidate_move"):
        assert client.post(url(name, theirs.pk), data).status_code == 404
    theirs.refresh_from_db()
    assert theirs.decision == Decision.UNDECIDED and not theirs.scores.exists()


def test_scanners_and_management_may_not_decide(members, cycle):
    candidate = Candidate.objects.filter(cycle=cycle).first()
    for role in ("scanner", "management", "staff"):
        response = client_as(members[role]).post(
            url("candidate_decide", candidate.pk), {"decision": "in", "version": 1}
        )
        assert response.status_code == 403
    assert (
        client_as(members["management"])
        .post(url("candidate_score", candidate.pk), {"relevance": 1, "urgency": 1})
        .status_code
        == 403
    )


def test_editor_opens_this_months_cycle(kommun, members):
    SignalFactory(organization=kommun, title="Månadens signal")
    client = client_as(members["editor"])
    page = client.get(url("list")).content.decode()
    assert "Open this month&#x27;s cycle" in page or "Open this month's cycle" in page
    response = client.post(url("open"), follow=True)
    assert response.status_code == 200
    assert "1 candidate" in response.content.decode()
    assert client_as(members["scanner"]).post(url("open")).status_code == 403


@pytest.mark.parametrize("role", ["management", "staff"])
def test_readers_hear_that_the_report_is_being_made_not_that_nothing_is_open(members, cycle, role):
    """Management and staff never see an unpublished cycle, so the list must not tell them
    that none is open: it says the report comes once published."""
    page = client_as(members[role]).get(url("list")).content.decode()
    assert "not open yet" not in page
    assert "putting this month" in page
    assert url("detail", cycle.pk) not in page


def test_others_scores_appear_only_after_ones_own(members, cycle):
    candidate = Candidate.objects.filter(cycle=cycle).order_by("pk").first()
    score_set(
        candidate=candidate,
        user=members["editor"],
        relevance=3,
        urgency=3,
        comment="Editorns hemliga kommentar",
    )
    client = client_as(members["scanner"])
    page = client.get(url("score", cycle.pk)).content.decode()
    assert "1 score:" not in page and "3.0" not in page
    assert "scores show once you have scored this yourself." in page
    assert "Editorns hemliga kommentar" not in page
    response = client.post(
        url("candidate_score", candidate.pk),
        {"relevance": "1", "urgency": "1"},
        headers={"HX-Request": "true"},
    )
    row = response.content.decode()
    assert "2 scores" in row and "(1–3)" in row and "the group disagrees" in row
    assert "1 of 3 scored" in row
    page = client.get(url("score", cycle.pk)).content.decode()
    assert "1 of 3 scored" in page
    assert page.count("2 scores") == 1


def test_scoring_without_javascript_redirects_back(members, cycle):
    candidate = Candidate.objects.filter(cycle=cycle).first()
    response = client_as(members["scanner"]).post(
        url("candidate_score", candidate.pk), {"relevance": "2", "urgency": "3"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#candidate-{candidate.pk}")
    assert candidate.scores.get().urgency == 3


def test_a_bad_score_is_shown_on_the_row(members, cycle):
    candidate = Candidate.objects.filter(cycle=cycle).first()
    response = client_as(members["scanner"]).post(
        url("candidate_score", candidate.pk),
        {"relevance": "7", "urgency": "1"},
        headers={"HX-Request": "true"},
    )
    assert "Choose 1, 2 or 3." in response.content.decode()
    assert not candidate.scores.exists()


def test_board_orders_by_combined_score_and_shows_spread(kommun, members, cycle):
    first, second, third = Candidate.objects.filter(cycle=cycle).order_by("signal__title")
    ScoreFactory(candidate=second, user=members["editor"], relevance=3, urgency=3)
    ScoreFactory(candidate=second, user=members["admin"], relevance=1, urgency=3)
    ScoreFactory(candidate=third, user=members["editor"], relevance=2, urgency=2)
    for candidate, relevance in ((first, 1), (second, 3), (third, 2)):
        score_set(candidate=candidate, user=members["scanner"], relevance=relevance, urgency=2)
    page = client_as(members["scanner"]).get(url("board", cycle.pk)).content.decode()
    assert page.index("Kandidat 2") < page.index("Kandidat 3") < page.index("Kandidat 1")
    assert "spread--split" in page and "1–3" in page and "disagreement" in page
    assert "Score it first" not in page and "Not scored by you yet" not in page
    filtered = client_as(members["scanner"]).get(url("board", cycle.pk), {"level": Level.NEAR})
    text = filtered.content.decode()
    assert "Kandidat 2" in text and "Kandidat 1" not in text.split("board-results")[1]


def _results(page: str) -> str:
    return page.split('id="board-results"')[1]


@pytest.mark.parametrize("role", ["scanner", "editor"])
def test_the_board_hides_the_groups_scores_until_one_has_scored(members, cycle, role):
    """No anchoring, for the editor leading the meeting too: a candidate the member has not
    scored shows none of the group's scores, nor its place in the ranking."""
    _first, second, third = Candidate.objects.filter(cycle=cycle).order_by("signal__title")
    others = [user for name, user in members.items() if name in ("scanner", "editor", "admin")]
    others = [user for user in others if user != members[role]]
    ScoreFactory(candidate=third, user=others[0], relevance=3, urgency=3)
    ScoreFactory(candidate=third, user=others[1], relevance=1, urgency=3)
    ScoreFactory(candidate=second, user=others[0], relevance=1, urgency=1)
    client = client_as(members[role])

    results = _results(client.get(url("board", cycle.pk)).content.decode())
    assert results.count("Score it first to see the group's scores") == 3
    assert f"/score/#candidate-{third.pk}" in results
    assert "Not scored by you yet: 3 candidates, in the order logged" in results
    for leak in ("spread", "disagreement", "board-row--split", "3.0", "2.0"):
        assert leak not in results, leak
    # In the order logged, not by the group's scores.
    assert results.index("Kandidat 1") < results.index("Kandidat 2") < results.index("Kandidat 3")
    if role == "editor":
        assert results.count("/decide/") == 6  # the editor still marks every one in or out

    score_set(candidate=second, user=members[role], relevance=2, urgency=2)
    results = _results(client.get(url("board", cycle.pk)).content.decode())
    assert results.count("Score it first to see the group's scores") == 2
    ranked, unscored = results.split("Not scored by you yet")
    assert "Kandidat 2" in ranked and "1–2" in ranked  # the member's score and the other's
    assert "Kandidat 1" in unscored and "Kandidat 3" in unscored and "spread" not in unscored


def test_deciding_a_candidate_one_has_not_scored_keeps_its_scores_hidden(members, cycle):
    candidate = Candidate.objects.filter(cycle=cycle).order_by("pk").first()
    ScoreFactory(candidate=candidate, user=members["scanner"], relevance=3, urgency=1)
    response = client_as(members["editor"]).post(
        url("candidate_decide", candidate.pk),
        {"decision": "in", "version": candidate.version},
        headers={"HX-Request": "true"},
    )
    row = response.content.decode()
    assert "is in" in row and "Score it first" in row and "spread" not in row


def test_scanner_sees_board_read_only(members, cycle):
    page = client_as(members["scanner"]).get(url("board", cycle.pk)).content.decode()
    assert "candidate_decide" not in page and "/decide/" not in page
    editor_page = client_as(members["editor"]).get(url("board", cycle.pk)).content.decode()
    assert "/decide/" in editor_page


def test_deciding_with_a_stale_version_changes_nothing(members, cycle):
    candidate = Candidate.objects.filter(cycle=cycle).first()
    editor = client_as(members["editor"])
    response = editor.post(
        url("candidate_decide", candidate.pk),
        {"decision": "in", "version": "1"},
        headers={"HX-Request": "true"},
    )
    assert "is in" in response.content.decode()
    response = client_as(members["admin"]).post(
        url("candidate_decide", candidate.pk), {"decision": "out", "version": "1"}, follow=True
    )
    assert "Someone else decided" in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.decision == Decision.IN and candidate.version == 2


def test_the_board_says_where_the_shortlist_stands(kommun, members):
    for number in range(12):
        SignalFactory(organization=kommun, title=f"Signal {number}")
    cycle = cycle_open(organization=kommun, month=timezone.localdate())
    editor = client_as(members["editor"])
    candidates = list(Candidate.objects.filter(cycle=cycle).order_by("pk"))
    for candidate in candidates[:3]:
        editor.post(url("candidate_decide", candidate.pk), {"decision": "in", "version": 1})
    page = editor.get(url("board", cycle.pk)).content.decode()
    assert "3 in: at least 5" in page
    assert "A report has at least 5 and at most 10 signals." in page
    for candidate in candidates[3:7]:
        editor.post(url("candidate_decide", candidate.pk), {"decision": "in", "version": 1})
    assert "7 in: within 5–10" in editor.get(url("board", cycle.pk)).content.decode()
    for candidate in candidates[7:]:
        editor.post(url("candidate_decide", candidate.pk), {"decision": "in", "version": 1})
    assert "12 in: at most 10" in editor.get(url("board", cycle.pk)).content.decode()


def test_moving_a_shortlisted_candidate(members, cycle):
    editor = client_as(members["editor"])
    chosen = list(Candidate.objects.filter(cycle=cycle).order_by("pk"))
    for candidate in chosen:
        editor.post(url("candidate_decide", candidate.pk), {"decision": "in", "version": 1})
    response = editor.post(
        url("candidate_move", chosen[2].pk), {"direction": "up"}, headers={"HX-Request": "true"}
    )
    assert "is now number 2" in response.content.decode()
    order = Candidate.objects.filter(cycle=cycle).order_by("position").values_list("pk", flat=True)
    assert list(order) == [chosen[0].pk, chosen[2].pk, chosen[1].pk]
    editor.post(url("candidate_move", chosen[0].pk), {"direction": "up"})  # already first
    order = Candidate.objects.filter(cycle=cycle).order_by("position").values_list("pk", flat=True)
    assert list(order) == [chosen[0].pk, chosen[2].pk, chosen[1].pk]


def _shortlisted(members, cycle) -> list[Candidate]:
    editor = client_as(members["editor"])
    chosen = list(Candidate.objects.filter(cycle=cycle).order_by("pk"))
    for candidate in chosen:
        editor.post(url("candidate_decide", candidate.pk), {"decision": "in", "version": 1})
    return chosen


def _order(cycle) -> list[int]:
    shortlisted = Candidate.objects.filter(cycle=cycle, decision=Decision.IN)
    return list(shortlisted.order_by("position").values_list("pk", flat=True))


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_a_drag_saves_the_whole_order(members, cycle, role, django_assert_max_num_queries):
    first, second, third = _shortlisted(members, cycle)
    client = client_as(members[role])
    client.get(url("board", cycle.pk))  # warm the session
    with django_assert_max_num_queries(11):
        response = client.post(
            url("shortlist_order", cycle.pk),
            {"candidate": [third.pk, first.pk, second.pk], "moved": third.pk},
            headers={"HX-Request": "true"},
        )
    answer = response.content.decode()
    assert response.status_code == 200
    assert f"“{third.signal.title}” is now number 1." in answer
    assert 'id="shortlist"' in answer and 'hx-swap-oob="outerHTML"' in answer
    assert _order(cycle) == [third.pk, first.pk, second.pk]
    assert answer.index(f"shortlisted-{third.pk}") < answer.index(f"shortlisted-{first.pk}")


def test_a_drag_without_javascript_goes_back_to_the_board(members, cycle):
    first, second, third = _shortlisted(members, cycle)
    response = client_as(members["editor"]).post(
        url("shortlist_order", cycle.pk), {"candidate": [second.pk, first.pk, third.pk]}
    )
    assert response.status_code == 302 and response["Location"].endswith(f"/{cycle.pk}/board/")
    assert _order(cycle) == [second.pk, first.pk, third.pk]


@pytest.mark.parametrize(
    "forged",
    [
        "missing",
        "extra",
        "twice",
        "not a number",
        "past 64 bits",
        "nothing",
    ],
)
def test_an_order_that_is_not_the_shortlist_changes_nothing(members, cycle, forged, other_kommun):
    first, second, third = _shortlisted(members, cycle)
    theirs = CandidateFactory(cycle=ReportCycleFactory(organization=other_kommun))
    ids = {
        "missing": [second.pk, first.pk],
        "extra": [second.pk, first.pk, third.pk, theirs.pk],
        "twice": [second.pk, first.pk, first.pk, third.pk],
        "not a number": [second.pk, "x", first.pk, third.pk],
        "past 64 bits": [second.pk, 2**64, first.pk, third.pk],
        "nothing": [],
    }[forged]
    response = client_as(members["editor"]).post(
        url("shortlist_order", cycle.pk),
        {"candidate": ids, "moved": "<b>"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "The shortlist changed meanwhile; here it is as it is now." in response.content.decode()
    assert _order(cycle) == [first.pk, second.pk, third.pk]


def test_a_published_cycles_order_cannot_change(kommun, members, cycle):
    first, second, third = _shortlisted(members, cycle)
    cycle.state = "published"
    cycle.save()
    response = client_as(members["editor"]).post(
        url("shortlist_order", cycle.pk),
        {"candidate": [third.pk, second.pk, first.pk]},
        headers={"HX-Request": "true"},
    )
    assert "its candidates can no longer change" in response.content.decode()
    assert _order(cycle) == [first.pk, second.pk, third.pk]


@pytest.mark.parametrize("role", ["scanner", "management", "staff"])
def test_only_editors_reorder_the_shortlist(members, cycle, role):
    first, second, third = _shortlisted(members, cycle)
    response = client_as(members[role]).post(
        url("shortlist_order", cycle.pk), {"candidate": [third.pk, second.pk, first.pk]}
    )
    assert response.status_code == 403
    assert _order(cycle) == [first.pk, second.pk, third.pk]


def test_another_organisations_editor_cannot_reorder(members, other_members, cycle):
    first, second, third = _shortlisted(members, cycle)
    order = {"candidate": [third.pk, second.pk, first.pk]}
    for role in ("editor", "admin"):
        client = client_as(other_members[role])
        path = reverse("reports:shortlist_order", args=["varberg", cycle.pk])
        assert client.post(path, order).status_code == 404
        assert client.post(url("shortlist_order", cycle.pk), order).status_code == 404
    assert _order(cycle) == [first.pk, second.pk, third.pk]


def test_the_board_offers_drag_handles_to_the_editor_only(members, cycle):
    _shortlisted(members, cycle)
    editor_page = client_as(members["editor"]).get(url("board", cycle.pk)).content.decode()
    assert editor_page.count("data-drag-handle") == 3
    assert "/shortlist/order/" in editor_page
    scanner_page = client_as(members["scanner"]).get(url("board", cycle.pk)).content.decode()
    assert "data-drag-handle" not in scanner_page and "/shortlist/order/" not in scanner_page


def test_hostile_titles_are_escaped(kommun, members):
    hostile = "<script>alert(1)</script>\u202eevil " + "x" * 300
    SignalFactory(organization=kommun, title=hostile[:250])
    cycle = cycle_open(organization=kommun, month=timezone.localdate())
    candidate = Candidate.objects.get(cycle=cycle)
    client = client_as(members["editor"])
    client.post(url("candidate_decide", candidate.pk), {"decision": "in", "version": 1})
    for name in ("score", "board"):
        page = client.get(url(name, cycle.pk)).content.decode()
        assert "<script>alert(1)" not in page
        assert "&lt;script&gt;alert(1)" in page
    client.post(
        url("candidate_score", candidate.pk),
        {"relevance": 1, "urgency": 1, "comment": "<b>fet</b>"},
    )
    page = client.get(url("score", cycle.pk)).content.decode()
    assert "<b>fet</b>" not in page


def _budget_cycle(kommun, members, count, month=None):
    cycle = ReportCycleFactory(organization=kommun, **({"month": month} if month else {}))
    for number in range(count):
        candidate = CandidateFactory(cycle=cycle)
        ScoreFactory(candidate=candidate, user=members["scanner"])
        ScoreFactory(candidate=candidate, user=members["editor"], relevance=number % 3 + 1)
        if number % 2:
            candidate.decision, candidate.position = Decision.IN, number
            candidate.save()
    return cycle


@pytest.mark.parametrize("page", ["score", "board", "detail"])
def test_query_count_does_not_grow_with_candidates(
    kommun, members, django_assert_max_num_queries, page
):
    client = client_as(members["editor"])
    small = _budget_cycle(kommun, members, 5)
    large = _budget_cycle(kommun, members, 50, month=small.month.replace(year=2020))
    client.get(url(page, small.pk))  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url(page, small.pk)).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url(page, large.pk)).status_code == 200
