"""Open discussions: threads about a published report, a signal shared with the staff, or a free
theme, with comments (one level of replies) and the notifications they cause.

A thread belongs to its organisation; a comment is one hop away, through its thread. Writes go
through ``services`` (threads, comments, moderation) and ``notification_services``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import OrganizationOwned
from reports.models import ReportCycle
from signals.models import Signal

TITLE_MAX_LENGTH = 200
THEME_NAME_MAX_LENGTH = 120
HIDE_REASON_MAX_LENGTH = 300


class ThreadKind(models.TextChoices):
    REPORT = "report", _("Report")
    SIGNAL = "signal", _("Signal")
    THEME = "theme", _("Theme")


class Theme(OrganizationOwned):
    """A subject the organisation discusses over time ("Smarta städer", the theme day's
    subject): theme threads belong to one, and members follow it to hear of new threads."""

    name = models.CharField(_("name"), max_length=THEME_NAME_MAX_LENGTH)
    followers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ThemeFollow", related_name="+", blank=True
    )

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [
            models.UniqueConstraint(
                "organization", Lower("name"), name="discussions_theme_unique_name"
            )
        ]

    def __str__(self):
        return self.name


class ThemeFollow(models.Model):
    """A person follows a theme: they are told of every new thread on it."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["theme", "user"], name="discussions_follow_once")
        ]

    def __str__(self):
        return f"{self.user_id} → {self.theme_id}"


class Thread(OrganizationOwned):
    """One discussion. Its subject decides who may read it: a report's thread is read by
    whoever reads the published report, a signal's by whoever sees the signal, a theme's by
    every member (``visibility``)."""

    kind = models.CharField(_("about"), max_length=10, choices=ThreadKind.choices)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    body = models.TextField(_("opening text"), blank=True)
    # A report's or a signal's discussion is kept as long as its subject: the subject cannot
    # be deleted under it (reports are never deleted, signals are archived).
    report_cycle = models.ForeignKey(
        ReportCycle, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signal = models.ForeignKey(
        Signal, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, null=True, blank=True, related_name="threads"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    pinned_at = models.DateTimeField(_("pinned"), null=True, blank=True)
    # Kept by the services so the forum overview sorts and counts without reading comments.
    last_activity_at = models.DateTimeField(_("latest activity"), default=timezone.now)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)

    class Meta:
        verbose_name = _("discussion")
        verbose_name_plural = _("discussions")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=ThreadKind.REPORT,
                        report_cycle__isnull=False,
                        signal__isnull=True,
                        theme__isnull=True,
                    )
                    | Q(
                        kind=ThreadKind.SIGNAL,
                        report_cycle__isnull=True,
                        signal__isnull=False,
                        theme__isnull=True,
                    )
                    | Q(
                        kind=ThreadKind.THEME,
                        report_cycle__isnull=True,
                        signal__isnull=True,
                        theme__isnull=False,
                    )
                ),
                name="discussions_thread_one_subject",
            ),
            # A report or a signal has one discussion, which its page links to.
            models.UniqueConstraint(
                fields=["report_cycle"],
                condition=Q(report_cycle__isnull=False),
                name="discussions_one_thread_per_report",
            ),
            models.UniqueConstraint(
                fields=["signal"],
                condition=Q(signal__isnull=False),
                name="discussions_one_thread_per_signal",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "-last_activity_at"], name="discussions_thread_latest"
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_pinned(self) -> bool:
        return self.pinned_at is not None


class Comment(models.Model):
    """A comment, or a reply to one (``parent``: replies go one level deep). Deleting keeps
    the row, without its text, so the replies under it keep their place; hiding keeps the
    text for its author and the moderators."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    # Someone who leaves the organisation keeps their comments; a removed account shows as
    # "a former user".
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("comment"))
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    hidden_reason = models.CharField(_("reason"), max_length=HIDE_REASON_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["thread", "created_at"], name="discussions_comment_thread"),
            # The rate limit counts one person's latest comments.
            models.Index(fields=["author", "created_at"], name="discussions_comment_author"),
        ]

    def __str__(self):
        return self.body[:60]

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def counts(self) -> bool:
        """Whether the comment is one of those a thread's count shows."""
        return not self.is_deleted and not self.is_hidden


class NotificationKind(models.TextChoices):
    REPLY = "reply", _("Reply to your comment")
    MENTION = "mention", _("Mention")
    NEW_THREAD = "new_thread", _("New discussion on a theme you follow")
    HIDDEN = "hidden", _("Your comment was hidden")


class Notification(OrganizationOwned):
    """Something a person should hear of, in the app (the bell) and, unless they turned it
    off, by e-mail. Its text is made when shown, in the reader's language."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when the e-mail task takes the notification, so a task run twice sends once.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One notification per person per comment: a reply that also mentions you is one.
            models.UniqueConstraint(
                fields=["recipient", "comment"],
                condition=Q(comment__isnull=False),
                name="discussions_notify_once_per_comment",
            ),
            models.UniqueConstraint(
                fields=["recipient", "thread", "kind"],
                condition=Q(comment__isnull=True),
                name="discussions_notify_once_per_thread",
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "read_at"],
                name="discussions_notify_unread",
            ),
            models.Index(
                fields=["recipient", "-created_at"],
                name="discussions_notify_latest",
            ),
        ]


class NotificationSettings(models.Model):
    """A person's choice about notification e-mails (in every organisation they belong to).
    No row means the default: e-mails on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_settings",
    )
    email = models.BooleanField(_("send me notifications by e-mail"), default=True)

    def __str__(self):
        return f"{self.user_id}: e-mail {'on' if self.email else 'off'}"
