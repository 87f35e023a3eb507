app_name = "scanning"

# Under /<organisation>/scanning/ (config/urls.py). Each block is owned by one module of
# scanning/views/.
urlpatterns = [
    # --- queue.py: the triage queue, promote, dismiss, undo, the member's shortcut setting ---
    # --- feeds.py: the organisation's feeds, their health, OPML, keyword rules ---
]
