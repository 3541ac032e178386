"""Where a fact comes from: one of the hospital's texts in fixtures/sources/, or another document
an editor names (an annual report, a press release) with its title and date.

Sources are rows, not a list in the code: a new department's text is a new source in its own
fixture file (README, "Adding a department"), and an editor adds a document in the admin.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from departments.models.rules import ContentRules


class SourceKind(models.TextChoices):
    TEXT = "text", _("Source text (in fixtures/sources/)")
    DOCUMENT = "document", _("Other document")


class SourceManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class Source(ContentRules):
    Kind = SourceKind

    name = models.CharField(
        _("name"),
        max_length=100,
        unique=True,
        help_text=_(
            "For a source text, its file name in fixtures/sources/ (for example spine-surgery.txt); "
            "for another document, a short name of your own (for example annual-report-2024)."
        ),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DOCUMENT)
    title = models.CharField(_("title"), max_length=300)
    published_on = models.DateField(
        _("published on"), null=True, blank=True, help_text=_("When the document was published.")
    )
    url = models.URLField(
        _("URL"), blank=True, help_text=_("Where the document can be read, if it is public.")
    )

    objects = SourceManager()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="source_name_not_empty"),
            models.CheckConstraint(condition=models.Q(kind__in=SourceKind.values), name="source_kind_valid"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)

    def get_absolute_url(self):
        """A source text's page (the whole text, with what the pages quote marked); a document that
        is not one of the texts has none."""
        if self.kind != SourceKind.TEXT:
            return None
        return reverse("departments:source", kwargs={"name": self.name.removesuffix(".txt")})


def source_field():
    """A content row's source: named by the source's name, so fixtures read "spine-surgery.txt"."""
    return models.ForeignKey(
        Source,
        verbose_name=_("source"),
        help_text=_("The text or document this rests on."),
        on_delete=models.PROTECT,
        to_field="name",
        db_column="source",
        null=True,
        blank=True,
        related_name="+",
    )
