"""The follow-up pages, role by role and organisation by organisation: the open actions (overdue
first, in a constant number of queries), a report's follow-up, adding and changing actions,
the owner moving their own, the three questions and the review, the box on the report's page
and the start page; refusals in words, never a 500."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from followup import services
from followup.models import Action, ActionStatus, Outcome, ReportedSignal
from organizations.roles import Role

from ..factories import ActionFactory, ReportedSignalFactory, ReviewReminderFactory

HX = {"HX-Request": "true"}
PLANNERS = (Role.EDITOR, Role.ADMIN, Role.MANAGEMENT)
NOT_PLANNERS = (Role.SCANNER, Role.STAFF)


def in_swedish(message) -> str:
    with translation.override("sv"):
        return str(message)


@pytest.fixture
def followed(report, chosen):
    return ReportedSignalFactory(cycle=report.cycle, signal=chosen[0])


@pytest.fixture
def action(followed, members):
    return ActionFactory(reported=followed, owner=members["staff"], title="Utred lokalerna")


def report_url(report, suffix=""):
    return f"/kungsbacka/followup/reports/{report.pk}/{suffix}"


def new_action_url(report, signal):
    return report_url(report, f"signals/{signal.pk}/actions/new/")


def action_url(action, suffix=""):
    return f"/kungsbacka/followup/actions/{action.pk}/{suffix}"


def valid_action(**overrides):
    values = {
        "title": "Pilot med flexibla lokaler",
        "kind": "experiment",
        "owner": "",
        "owner_department": "Lokalförsörjningen",
        "due_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "status": "agreed",
        "note": "Beslut i ledningsgruppen",
    }
    return {**values, **overrides}


# --- the open actions -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", Role.values)
def test_every_member_reads_the_open_actions_overdue_first(
    client_for, members, followed, report, role
):
    today = timezone.localdate()
    ActionFactory(reported=followed, title="Kommer snart", due_on=today + timedelta(days=3))
    ActionFactory(reported=followed, title="Sen åtgärd", due_on=today - timedelta(days=4))
    ActionFactory(reported=followed, title="Klar åtgärd", status=ActionStatus.DONE)
    response = client_for(members[role]).get("/kungsbacka/followup/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Sen åtgärd") < html.index("Kommer snart")
    assert "Klar åtgärd" not in html
    # Each links back to its report and its signal's follow-up.
    assert f"/kungsbacka/reports/published/{report.pk}/" in html
    assert f"{report_url(report)}#signal-{followed.signal_id}" in html


@pytest.mark.parametrize("role", Role.values)
def test_another_organisation_reaches_none_of_it(
    client_for, other_members, action, report, chosen, role
):
    client = client_for(other_members[role])
    for url in (
        "/kungsbacka/followup/",
        report_url(report),
        new_action_url(report, chosen[0]),
        report_url(report, f"signals/{chosen[0].pk}/questions/"),
        report_url(report, f"signals/{chosen[0].pk}/review/"),
        action_url(action),
        action_url(action, "edit/"),
    ):
        assert client.get(url).status_code == 404, url
    # Nor through its own address with the other organisation's ids (a role that may not add
    # actions at all is told so first).
    for url in (
        f"/varberg/followup/reports/{report.pk}/",
        f"/varberg/followup/actions/{action.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(f"/varberg/followup/actions/{action.pk}/status/", {"status": "done"})
    assert response.status_code == 404
    new_url = f"/varberg/followup/reports/{report.pk}/signals/{chosen[0].pk}/actions/new/"
    expected = 404 if role in PLANNERS else 403
    assert client.get(new_url).status_code == expected
    assert client.post(new_url, valid_action()).status_code == expected
    action.refresh_from_db()
    assert action.status == ActionStatus.PROPOSED
    assert Action.objects.count() == 1


def test_the_list_runs_the_same_queries_for_3_and_30_actions(
    client_for, members, followed, django_assert_max_num_queries
):
    client = client_for(members["management"])
    today = timezone.localdate()

    def add(n):
        for i in range(n):
            ActionFactory(
                reported=followed,
                owner=members[Role.values[i % 5]],
                due_on=today + timedelta(days=i - 2),
            )

    add(3)
    client.get("/kungsbacka/followup/")  # the first visit notes the organisation as last used
    with django_assert_max_num_queries(8) as few:
        client.get("/kungsbacka/followup/")
    add(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get("/kungsbacka/followup/").content.decode()
    assert html.count('<li class="action-item') == 30


def test_the_owner_filter_swaps_the_list_and_survives_bad_input(client_for, members, followed):
    ActionFactory(reported=followed, owner=members["staff"], title="Mats åtgärd")
    ActionFactory(reported=followed, owner=members["management"], title="Lenas åtgärd")
    client = client_for(members["staff"])
    mine = client.get("/kungsbacka/followup/?owner=me").content.decode()
    assert "Mats åtgärd" in mine and "Lenas åtgärd" not in mine
    theirs = client.get(
        f"/kungsbacka/followup/?owner={members['management'].pk}", headers=HX
    ).content.decode()
    assert "Lenas åtgärd" in theirs and "Mats åtgärd" not in theirs
    assert "<html" not in theirs and 'id="followup-actions"' in theirs
    for bad in ("abc", "-1", "99999999999999999999999", "0"):
        response = client.get(f"/kungsbacka/followup/?owner={bad}")
        assert response.status_code == 200
        assert "Mats åtgärd" in response.content.decode()


# --- a report's follow-up ------------------------------------------------------------------------


@pytest.mark.parametrize("role", Role.values)
def test_every_member_reads_a_reports_follow_up(client_for, members, report, chosen, action, role):
    response = client_for(members[role]).get(report_url(report))
    assert response.status_code == 200
    html = response.content.decode()
    for signal in chosen:
        assert signal.title in html
    assert "Utred lokalerna" in html
    adds = new_action_url(report, chosen[0]) in html
    assert adds == (role in PLANNERS)


@pytest.mark.parametrize("role", Role.values)
def test_an_unpublished_or_unknown_report_is_not_found(client_for, members, report, role):
    client = client_for(members[role])
    assert client.get("/kungsbacka/followup/reports/999999/").status_code == 404
    assert client.get("/kungsbacka/followup/reports/99999999999999999999/").status_code == 404


def test_the_reports_follow_up_in_constant_queries(
    client_for, members, report, chosen, followed, django_assert_max_num_queries
):
    client = client_for(members["editor"])
    ActionFactory(reported=followed, owner=members["staff"])
    client.get(report_url(report))
    with django_assert_max_num_queries(10) as few:
        client.get(report_url(report))
    for signal in chosen[1:]:
        reported = ReportedSignalFactory(cycle=report.cycle, signal=signal)
        for role in Role.values:
            ActionFactory(reported=reported, owner=members[role])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(report_url(report))


# --- adding an action ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", PLANNERS)
def test_planners_add_an_action(client_for, members, report, chosen, role):
    client = client_for(members[role])
    assert client.get(new_action_url(report, chosen[1])).status_code == 200
    response = client.post(
        new_action_url(report, chosen[1]), valid_action(owner=members["staff"].pk)
    )
    assert response.status_code == 302
    assert response.url == f"{report_url(report)}#signal-{chosen[1].pk}"
    action = Action.objects.get()
    assert (action.reported.signal, action.owner, action.status, action.note) == (
        chosen[1],
        members["staff"],
        ActionStatus.AGREED,
        "Beslut i ledningsgruppen",
    )
    assert action.history.get().history_user == members[role]


@pytest.mark.parametrize("role", NOT_PLANNERS)
def test_the_scanning_group_and_staff_may_not_add_one(client_for, members, report, chosen, role):
    client = client_for(members[role])
    assert client.get(new_action_url(report, chosen[1])).status_code == 403
    assert client.post(new_action_url(report, chosen[1]), valid_action()).status_code == 403
    assert not Action.objects.exists()


def test_a_signal_the_report_does_not_name_is_not_found(
    client_for, members, report, left_out, signal
):
    client = client_for(members["editor"])
    for other in (left_out, signal):
        assert client.post(new_action_url(report, other), valid_action()).status_code == 404
    forged = report_url(report, "signals/99999999999999999999/actions/new/")
    assert client.get(forged).status_code == 404
    assert not Action.objects.exists()


def test_bad_input_is_told_beside_each_field(
    client_for, english, members, other_members, report, chosen
):
    client = client_for(members["management"])
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        new_action_url(report, chosen[0]),
        valid_action(title="  ", due_on=yesterday, owner_department=""),
    )
    assert response.status_code == 400
    html = response.content.decode()
    for message in (services.TITLE_REQUIRED, services.DUE_IN_PAST, services.OWNER_REQUIRED):
        assert str(message).replace("'", "&#x27;") in html
    # An owner from another organisation (a forged id) is no choice here.
    response = client.post(
        new_action_url(report, chosen[0]), valid_action(owner=other_members["staff"].pk)
    )
    assert response.status_code == 400
    assert str(services.OWNER_NOT_MEMBER).replace("'", "&#x27;") in response.content.decode()
    for garbage in (
        {"due_on": "31/02/2026"},
        {"due_on": "x" * 50},
        {"kind": "party"},
        {"status": "finished"},
        {"owner": "99999999999999999999"},
        {"owner": "-3"},
        {"title": "x" * 1000},
    ):
        response = client.post(new_action_url(report, chosen[0]), valid_action(**garbage))
        assert response.status_code == 400, garbage
    assert not Action.objects.exists()


def test_the_form_speaks_swedish(client_for, members, report, chosen):
    response = client_for(members["management"]).post(
        new_action_url(report, chosen[0]), valid_action(title="")
    )
    assert in_swedish(services.TITLE_REQUIRED) in response.content.decode()


# --- one action, its status and history -----------------------------------------------------------


@pytest.mark.parametrize("role", Role.values)
def test_every_member_reads_an_action_and_its_history(client_for, members, action, role):
    response = client_for(members[role]).get(action_url(action))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Utred lokalerna" in html
    has_form = f'action="{action_url(action, "status/")}"' in html
    assert has_form == (role in PLANNERS or role == Role.STAFF)  # staff owns it


def test_the_owner_marks_their_action_done_with_a_note(client_for, english, members, action):
    client = client_for(members["staff"])
    response = client.post(action_url(action, "status/"), {"status": "done", "note": "Klart!"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.note) == (ActionStatus.DONE, "Klart!")
    html = client.get(action_url(action)).content.decode()
    assert "Klart!" in html and "changed the status" in html


def test_with_htmx_the_status_box_is_swapped_with_its_history(client_for, members, action):
    client = client_for(members["editor"])
    response = client.post(
        action_url(action, "status/"), {"status": "in_progress", "note": "Igång"}, headers=HX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<div id="action-status">')
    assert "Igång" in html
    # A refusal comes back in the box too, for htmx to swap (it swaps only 2xx answers).
    response = client.post(
        action_url(action, "status/"), {"status": "nope", "note": ""}, headers=HX
    )
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    response = client.post(action_url(action, "status/"), {"status": "nope"})
    assert response.status_code == 400


@pytest.mark.parametrize("role", NOT_PLANNERS)
def test_someone_elses_action_is_not_theirs_to_move(client_for, members, followed, role):
    action = ActionFactory(reported=followed, owner=members["editor"])
    response = client_for(members[role]).post(action_url(action, "status/"), {"status": "done"})
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.status == ActionStatus.PROPOSED


@pytest.mark.parametrize("role", Role.values)
def test_only_planners_change_what_an_action_is(client_for, members, action, role):
    client = client_for(members[role])
    data = valid_action(owner=members["management"].pk, title="Nytt namn")
    expected = 302 if role in PLANNERS else 403
    assert client.get(action_url(action, "edit/")).status_code == (200 if role in PLANNERS else 403)
    assert client.post(action_url(action, "edit/"), data).status_code == expected
    action.refresh_from_db()
    assert (action.title == "Nytt namn") == (role in PLANNERS)


def test_the_action_page_in_constant_queries(
    client_for, members, action, django_assert_max_num_queries
):
    client = client_for(members["staff"])
    client.get(action_url(action))
    with django_assert_max_num_queries(12) as few:
        client.get(action_url(action))
    for n in range(10):
        services.action_status_set(
            action=action,
            user=members[("editor", "management", "staff")[n % 3]],
            status="in_progress",
            note=f"Steg {n}",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(action_url(action))


# --- the three questions and the review -----------------------------------------------------------


def test_the_three_questions_open_and_save_in_place(client_for, members, report, chosen):
    client = client_for(members["management"])
    url = report_url(report, f"signals/{chosen[0].pk}/questions/")
    form = client.get(url, headers=HX).content.decode()
    assert form.startswith("<form") and 'hx-post="' in form
    saved = client.post(
        url,
        {"risk_or_opportunity": "En möjlighet", "what_we_can_do": "", "success_looks_like": ""},
        headers=HX,
    ).content.decode()
    assert "En möjlighet" in saved and saved.startswith('<div class="followup-questions"')
    # Without JavaScript: the page, then back to the report's follow-up.
    assert client.get(url).status_code == 200
    response = client.post(url, {"what_we_can_do": "Mycket"})
    assert response.status_code == 302
    reported = ReportedSignal.objects.get()
    assert (reported.risk_or_opportunity, reported.what_we_can_do) == ("", "Mycket")
    assert client.post(url, {"what_we_can_do": "x" * 501}).status_code == 400


@pytest.mark.parametrize("role", NOT_PLANNERS)
def test_readers_do_not_answer_or_review(client_for, members, report, chosen, role):
    client = client_for(members[role])
    for suffix in ("questions/", "review/"):
        url = report_url(report, f"signals/{chosen[0].pk}/{suffix}")
        assert client.get(url).status_code == 403
        assert client.post(url, {"outcome": "not_yet"}).status_code == 403
    assert not ReportedSignal.objects.exists()


def test_the_review_records_what_came_of_a_signal(client_for, english, members, report, chosen):
    client = client_for(members["editor"])
    url = report_url(report, f"signals/{chosen[2].pk}/review/")
    assert client.get(url).status_code == 200
    response = client.post(url, {"outcome": "led_to_something", "outcome_note": ""})
    assert response.status_code == 400
    assert str(services.OUTCOME_NOTE_REQUIRED) in response.content.decode()
    response = client.post(url, {"outcome": "led_to_something", "outcome_note": "Ny rutin"})
    assert response.status_code == 302
    reported = ReportedSignal.objects.get(signal=chosen[2])
    assert (reported.outcome, reported.outcome_note) == (Outcome.LED_TO_SOMETHING, "Ny rutin")
    html = client.get(report_url(report)).content.decode()
    assert "It led to something" in html and "Ny rutin" in html


# --- the box on the report's page, and the start page --------------------------------------------


@pytest.mark.parametrize("role", Role.values)
def test_the_reports_page_has_the_follow_up_box(
    client_for, english, members, report, action, role, django_assert_max_num_queries
):
    client = client_for(members[role])
    client.get(f"/kungsbacka/reports/published/{report.pk}/")
    with django_assert_max_num_queries(12):
        html = client.get(f"/kungsbacka/reports/published/{report.pk}/").content.decode()
    assert 'id="followup-panel-heading"' in html
    assert f"{report_url(report)}#signal-{action.reported.signal_id}" in html
    assert "1 open action" in html


@pytest.mark.parametrize("role", Role.values)
def test_before_any_follow_up_only_planners_are_offered_to_start(client_for, members, report, role):
    html = client_for(members[role]).get(f"/kungsbacka/reports/published/{report.pk}/")
    shown = 'id="followup-panel-heading"' in html.content.decode()
    assert shown == (role in PLANNERS)


def test_owners_see_their_own_open_actions_on_the_start_page(client_for, members, followed):
    today = timezone.localdate()
    ActionFactory(reported=followed, owner=members["staff"], title="Mitt ärende", due_on=today)
    ActionFactory(reported=followed, owner=members["editor"], title="Annans ärende")
    html = client_for(members["staff"]).get("/kungsbacka/").content.decode()
    assert "Mitt ärende" in html and "Annans ärende" not in html
    assert "/kungsbacka/followup/?owner=me" in html


def test_no_card_for_someone_with_nothing_to_follow_up(client_for, english, members, followed):
    html = client_for(members["management"]).get("/kungsbacka/").content.decode()
    assert "Your follow-up" not in html


def test_a_reminded_editor_sees_the_review_on_the_start_page(client_for, english, members, report):
    ReviewReminderFactory(cycle=report.cycle, recipient=members["editor"], months=3)
    html = client_for(members["editor"]).get("/kungsbacka/").content.decode()
    assert "Review what came of the report" in html
    assert report_url(report) in html
    other = client_for(members["admin"]).get("/kungsbacka/").content.decode()
    assert "Review what came of the report" not in other
