from django.urls import path

from .views import board, compose, cycles, document, published, scoring

app_name = "reports"

# Under /<organisation>/reports/ (config/urls.py).
urlpatterns = [
    # --- cycles.py: the cycles, opening this month's, carrying signals over ---
    path("", cycles.cycle_list, name="list"),
    path("open/", cycles.cycle_open_now, name="open"),
    path("<id:pk>/", cycles.cycle_detail, name="detail"),
    path("<id:pk>/refresh/", cycles.cycle_refresh, name="refresh"),
    path("<id:pk>/carry-over/", cycles.carry_over, name="carry_over"),
    # --- scoring.py: every candidate on one page ---
    path("<id:pk>/score/", scoring.score_page, name="score"),
    path("candidates/<id:pk>/score/", scoring.score_save, name="candidate_score"),
    path("<id:pk>/shortcuts/", scoring.shortcuts, name="shortcuts"),
    # --- document.py: the report as it stands, in the browser ---
    path("<id:pk>/report/", document.report_preview, name="report"),
    # --- board.py: the ranking board and meeting view, the shortlist ---
    path("<id:pk>/board/", board.board, name="board"),
    path("candidates/<id:pk>/decide/", board.decide, name="candidate_decide"),
    path("candidates/<id:pk>/move/", board.move, name="candidate_move"),
    path("<id:pk>/shortlist/order/", board.order, name="shortlist_order"),
    # --- compose.py: writing the introduction and the analyses ---
    path("<id:pk>/compose/", compose.compose, name="compose"),
    path("<id:pk>/introduction/", compose.introduction, name="introduction"),
    path("candidates/<id:pk>/analysis/", compose.candidate_analysis, name="candidate_analysis"),
    # --- published.py: publishing, and the archive of what was published ---
    path("<id:pk>/publish/", published.publish, name="publish"),
    path("<id:pk>/reopen/", published.reopen, name="reopen"),
    path("published/", published.archive, name="archive"),
    path("published/<id:pk>/", published.published_detail, name="published"),
    path("published/<id:pk>/status/", published.pdf_status, name="pdf_status"),
    path("published/<id:pk>/pdf/", published.pdf_download, name="pdf"),
]
