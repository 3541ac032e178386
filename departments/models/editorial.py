"""The editors' work on the content: drafts not yet public, and the revisions of what was published.

Both hold an owner's content (the hospital or one department, with all its facts) as fixture
records, the format `export_content` writes and `loaddata` reads (content/export.py), so a draft
or a revision describes its owner exactly and is applied by the same loader and rulebook.
The workflow itself is content/editions.py.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Via(models.TextChoices):
    ADMIN = "admin", _("saved in the admin")
    DRAFT = "draft", _("a draft published")
    LOADDATA = "loaddata", _("loaded from fixtures (loaddata)")
    REFRESH = "refresh_content", _("refreshed from fixtures (refresh_content)")


class OwnedWork(models.Model):
    """Work on one owner: the hospital or a department, by its content type and primary key."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    # What the owner was called, for a history that outlives a deleted department.
    owner_label = models.CharField(_("owner"), max_length=200)

    class Meta:
        abstract = True


class Revision(OwnedWork):
    """One published state of an owner: who or what published it, when, and why."""

    number = models.PositiveIntegerField(_("revision"))
    created_at = models.DateTimeField(_("published at"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    via = models.CharField(_("how"), max_length=20, choices=Via)
    note = models.TextField(_("note"), blank=True)
    records = models.JSONField()

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["content_type", "object_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "number"], name="revision_number_unique_per_owner"
            )
        ]

    def __str__(self):
        return f"{self.owner_label} #{self.number}"


class DraftState(models.TextChoices):
    DRAFT = "draft", _("draft")
    READY = "ready", _("ready for review")


class Draft(OwnedWork):
    """An owner's content as an editor wants it published, and the revision it was started from.

    `base` is the published content the draft began with: publishing applies what the editor
    changed since (the difference between base and records) to what is published then, so a
    change someone else published meanwhile is kept, not silently undone.
    """

    records = models.JSONField()
    base = models.JSONField()
    base_number = models.PositiveIntegerField(default=0)
    state = models.CharField(_("state"), max_length=10, choices=DraftState, default=DraftState.DRAFT)
    updated_at = models.DateTimeField(_("saved at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saved by"), null=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="one_draft_per_owner")
        ]
        permissions = [("publish_content", _("Can publish drafts when review is required"))]

    def __str__(self):
        return f"{self.owner_label} ({self.get_state_display()})"
