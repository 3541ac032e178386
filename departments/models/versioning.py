"""The content's version: one counter, bumped on every write to the content.

Cached pages and ETags are keyed on it (pages/cache.py). Since it lives in the database, every
worker and every host sees a change on its very next request. It is read on every public
request, by selectors.content_state().
"""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ContentVersion(models.Model):
    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    version = models.PositiveBigIntegerField(_("version"), default=1)
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="contentversion_is_single_row")]

    def __str__(self):
        return f"content version {self.version}"

    @classmethod
    def changed_at_of(cls, version, using=None):
        """When the content reached this version (None if it has moved on since)."""
        return (
            cls.objects.using(using)
            .filter(id=1, version=version)
            .values_list("changed_at", flat=True)
            .first()
        )

    @classmethod
    def bump(cls, using=None):
        now = timezone.now()
        updated = cls.objects.using(using).filter(id=1).update(version=F("version") + 1, changed_at=now)
        if not updated:
            cls.objects.using(using).get_or_create(id=1, defaults={"version": 1, "changed_at": now})
