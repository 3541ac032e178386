"""The content editors' tool.

Every translated model is edited with both languages side by side (tabs), the
hospital and each department together with their facts (inlines), and every form
checks the database's rules first (forms.py). Photos are validated, re-encoded and
resized on upload (photos.py). Editors get the "Content editors" group (migration
0002): view, add and change the content, nothing else.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db import models as db_models
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

from departments import models
from departments.content import photos
from departments.editing import EditorialAdmin
from departments.forms import ContentForm, FactInlineFormSet, PhotoField, PhotoInput, TextareaWidget

admin.site.site_header = _("The First Hospital of Jilin University: content")
admin.site.site_title = _("Hospital content")

# Headings of the admin index's tables (admin/app_list.html, for screen readers) that Django 5.2's
# own Chinese catalogue lacks; named here so that makemessages brings them into ours.
DJANGO_ADMIN_STRINGS = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
)

PROVENANCE = ("position", "slug", "source", "source_phrase")

# What an editor fills in for each kind of fact, in the order they read it.
FACT_FIELDS = {
    models.StaffStats: ("metric", "qualifier", "value", "unit", "headline"),
    models.ResearchFigure: ("metric", "qualifier", "value", "unit", "description"),
    models.Accreditation: ("kind", "name", "granting_body", "year", "count"),
    models.Leader: ("name", "title", "role", "description"),
    models.Procedure: ("name", "abbreviations", "first_in_province", "description"),
    models.Condition: ("name", "examples"),
    models.Partner: ("kind", "name"),
    models.Milestone: ("year", "month", "text"),
    models.Facility: ("name",),
    models.TeachingProgramme: ("name",),
}


def in_all_languages(*fields):
    """Each translated field once per language, so a search finds English and Chinese."""
    return tuple(
        build_localized_fieldname(field, language)
        for field in fields
        for language in settings.MODELTRANSLATION_LANGUAGES
    )


def slug_source(model):
    """Where a new row's slug is filled in from: the metric of a figure, else its (English) name."""
    source = next(field for field in ("metric", "name", "text") if field in FACT_FIELDS[model])
    try:
        translated = translator.get_options_for_model(model).fields
    except NotRegistered:
        translated = ()
    if source in translated:
        return (build_localized_fieldname(source, settings.MODELTRANSLATION_DEFAULT_LANGUAGE),)
    return (source,)


class TabbedTranslationMedia:
    """modeltranslation's tabs, with jQuery UI served from our static files.

    Its own TabbedTranslationAdmin loads jQuery UI from ajax.googleapis.com; the admin
    must make no third-party request (and the Content-Security-Policy would refuse it).
    """

    class Media:
        js = (
            "admin/js/jquery.init.js",
            "modeltranslation/js/force_jquery.js",
            "admin-vendor/jquery-ui/jquery-ui.min.js",
            "modeltranslation/js/tabbed_translation_fields.js",
            "admin-editorial/language-switch.js",
        )
        css = {"all": ("modeltranslation/css/tabbed_translation_fields.css", "admin-editorial/editorial.css")}


def translated_fields(model):
    return translator.get_options_for_model(model).fields


def missing_chinese_q(model):
    """Rows with English in a translated field whose Chinese is still empty."""
    missing = Q(pk__in=[])
    for field in translated_fields(model):
        has_english = ~Q(**{f"{field}_en": ""}) & Q(**{f"{field}_en__isnull": False})
        lacks_chinese = Q(**{f"{field}_zh_hans": ""}) | Q(**{f"{field}_zh_hans__isnull": True})
        missing |= has_english & lacks_chinese
    return missing


class ChineseTranslationFilter(admin.SimpleListFilter):
    title = _("Chinese translation")
    parameter_name = "chinese"

    def lookups(self, request, model_admin):
        return [("missing", _("missing")), ("complete", _("complete"))]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(missing_chinese_q(queryset.model))
        if self.value() == "complete":
            return queryset.exclude(missing_chinese_q(queryset.model))
        return queryset


FORMFIELD_OVERRIDES = {
    # A website typed without a scheme is taken as https:// (Django 6's default).
    db_models.URLField: {"assume_scheme": "https"},
    db_models.TextField: {"widget": TextareaWidget},
}


class ContentAdmin(TabbedTranslationMedia, TranslationAdmin):
    """Every translated model: its list says which fields still lack Chinese, and filters on it."""

    form = ContentForm
    list_per_page = 50
    formfield_overrides = FORMFIELD_OVERRIDES

    def get_list_display(self, request):
        return (*super().get_list_display(request), "missing_chinese")

    def get_list_filter(self, request):
        return (*super().get_list_filter(request), ChineseTranslationFilter)

    @admin.display(description=_("Chinese missing for"))
    def missing_chinese(self, obj):
        missing = [
            str(obj._meta.get_field(field).verbose_name)
            for field in translated_fields(type(obj))
            if getattr(obj, f"{field}_en", None) and not getattr(obj, f"{field}_zh_hans", None)
        ]
        return ", ".join(missing) or "—"


class PhotoAdmin(ContentAdmin):
    """Hospital and departments: a photo, stored re-encoded, with its renditions."""

    formfield_overrides = {
        **ContentAdmin.formfield_overrides,
        db_models.ImageField: {"form_class": PhotoField, "widget": PhotoInput},
    }

    @admin.display(description=_("photo"), boolean=True)
    def has_photo(self, obj):
        return bool(obj.photo)

    def save_model(self, request, obj, form, change):
        photo_changed = "photo" in form.changed_data
        old_photo = ""
        if change and photo_changed:
            old_photo = type(obj).objects.filter(pk=obj.pk).values_list("photo", flat=True).first()
        if photo_changed and obj.photo and not obj.photo._committed:
            # Store the photo and its renditions before the row is written, so the
            # (slow) resizing holds no database lock.
            obj.photo.save(obj.photo.name, obj.photo.file, save=False)
            photos.make_renditions(obj.photo)
        super().save_model(request, obj, form, change)
        if old_photo and old_photo != obj.photo.name:
            storage = obj.photo.storage
            transaction.on_commit(lambda: photos.delete_photo(storage, old_photo))

    def delete_model(self, request, obj):
        photo, storage = obj.photo.name, obj.photo.storage
        super().delete_model(request, obj)
        transaction.on_commit(lambda: photos.delete_photo(storage, photo))

    def delete_queryset(self, request, queryset):
        photos = [(obj.photo.storage, obj.photo.name) for obj in queryset if obj.photo]
        super().delete_queryset(request, queryset)
        for storage, photo in photos:
            transaction.on_commit(lambda storage=storage, photo=photo: photos.delete_photo(storage, photo))


def fact_inline(model, owner):
    """An inline for one kind of fact of the hospital or of a department."""
    translated = model is not models.StaffStats
    base = TranslationTabularInline if translated else admin.TabularInline
    return type(
        f"{model.__name__}{owner.title()}Inline",
        (base,),
        {
            "model": model,
            "fk_name": owner,
            "form": ContentForm,
            "formset": FactInlineFormSet,
            "formfield_overrides": FORMFIELD_OVERRIDES,
            "fields": (*FACT_FIELDS[model], *PROVENANCE),
            "prepopulated_fields": {"slug": slug_source(model)},
            "extra": 0,
            "show_change_link": True,
            # Folded, with their count in the heading (editorial.js), so that the form is short; a
            # section with an error opens by itself (Django's inlines are not folded then).
            "classes": ["collapse"],
        },
    )


@admin.register(models.Hospital)
class HospitalAdmin(EditorialAdmin, PhotoAdmin):
    list_display = ("name", "city", "founded_year", "has_photo", "reviewed_on")
    search_fields = (*in_all_languages("name", "other_name", "city"), "slug")
    list_filter = ("reviewed_on",)
    prepopulated_fields = {"slug": ("name_en",)}

    def has_add_permission(self, request):
        # The site describes one hospital: editors change it; nobody adds a second.
        return super().has_add_permission(request) and not models.Hospital.objects.exists()

    inlines = [
        fact_inline(model, "hospital")
        for model in (
            models.StaffStats,
            models.ResearchFigure,
            models.Accreditation,
            models.Milestone,
            models.Facility,
        )
    ]


@admin.register(models.Department)
class DepartmentAdmin(EditorialAdmin, PhotoAdmin):
    list_display = ("name", "position", "founded_year", "has_photo", "reviewed_on")
    list_display_links = ("name",)
    search_fields = (*in_all_languages("name", "other_name", "summary"), "slug")
    list_filter = ("hospital", "reviewed_on", "source")
    prepopulated_fields = {"slug": ("name_en",)}
    inlines = [
        fact_inline(model, "department")
        for model in (
            models.StaffStats,
            models.ResearchFigure,
            models.Leader,
            models.Accreditation,
            models.Procedure,
            models.Condition,
            models.Partner,
            models.TeachingProgramme,
            models.Milestone,
        )
    ]


@admin.register(models.Source)
class SourceAdmin(ContentAdmin):
    """The texts and documents facts rest on. An editor recording a figure from an annual report
    adds the report here (its title and date), then names it as the figure's source."""

    fields = ("name", "kind", "title", "published_on", "url")
    list_display = ("name", "kind", "title", "published_on")
    list_filter = ("kind",)
    search_fields = (*in_all_languages("title"), "name")


class FactAdmin(ContentAdmin):
    """A fact on its own page, for finding it across owners; owner and provenance last."""

    list_select_related = ("hospital", "department")
    owner_filters = ("department", "hospital", "source")

    @admin.display(description=_("belongs to"), ordering="department__name")
    def owner(self, obj):
        return obj.owner


def register_fact(model, list_display, list_filter=(), search=()):
    admin.site.register(
        model,
        type(
            f"{model.__name__}Admin",
            (FactAdmin,),
            {
                "fields": (*FACT_FIELDS[model], "hospital", "department", *PROVENANCE),
                "list_display": (*list_display, "owner"),
                "list_filter": (*list_filter, *FactAdmin.owner_filters),
                "search_fields": (*in_all_languages(*search), "slug", "source_phrase"),
            },
        ),
    )


@admin.register(models.StaffStats)
class StaffStatsAdmin(admin.ModelAdmin):
    # Not translated (a figure is numbers and choices), so a plain ModelAdmin.
    form = ContentForm
    formfield_overrides = FORMFIELD_OVERRIDES
    fields = (*FACT_FIELDS[models.StaffStats], "hospital", "department", *PROVENANCE)
    list_display = ("metric", "qualifier", "value", "unit", "headline", "owner")
    list_filter = ("metric", "unit", "headline", *FactAdmin.owner_filters)
    search_fields = ("slug", "metric", "source_phrase")
    list_select_related = FactAdmin.list_select_related
    list_per_page = 50
    owner = FactAdmin.owner


register_fact(
    models.ResearchFigure, ("metric", "qualifier", "value", "unit"), ("metric", "unit"), ("description",)
)
register_fact(models.Accreditation, ("name", "kind", "year"), ("kind",), ("name", "granting_body"))
register_fact(models.Leader, ("name", "title", "role"), ("role",), ("title", "description"))
register_fact(
    models.Procedure,
    ("name", "abbreviations", "first_in_province"),
    ("first_in_province",),
    ("name", "description"),
)
register_fact(models.Condition, ("name", "examples"), (), ("name", "examples"))
register_fact(models.Partner, ("name", "kind"), ("kind",), ("name",))
register_fact(models.Milestone, ("year", "month", "text"), (), ("text",))
register_fact(models.Facility, ("name",), (), ("name",))
register_fact(models.TeachingProgramme, ("name",), (), ("name",))


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    """The audit trail: who changed what, and when. Read-only; superusers only.

    Editors hold no permission on log entries; they see each record's own history.
    """

    list_display = ("action_time", "user", "content_type", "object_repr", "action_flag", "message")
    list_filter = ("action_flag", "content_type", "user")
    search_fields = ("object_repr", "change_message", "user__username")
    date_hierarchy = "action_time"
    list_select_related = ("user", "content_type")

    @admin.display(description=_("change"))
    def message(self, obj):
        return obj.get_change_message()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
