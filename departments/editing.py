"""The editorial workflow in the admin, for the hospital and each department (content/editions.py).

On the change form an editor can:
- "Save draft": the form's content is kept as a draft (the public site is unchanged); the form
  opens on the draft until it is published or discarded, after a logout too;
- preview the public page from the draft, in each language, exactly as patients would see it;
- publish the draft (one transaction, a revision recorded), or discard it;
- "Save" as always, which publishes at once (a draft, if any, with the form's changes on top).
Where the hospital wants a second person to publish (CONTENT_REVIEW_REQUIRED), only users with the
"publish_content" permission publish; others save drafts and mark them ready for review.

Every publication is a revision; the history lists them with their changes field by field, in
both languages, compares any two and restores any one as a draft. A form opened before someone
else published the same owner is refused on save, saying who changed what and when, with the
editor's input kept.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, resolve, reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from departments.content import editions, loader, translations
from departments.editing_forms import edition_form, error_links, posted_with_current_ids
from departments.models.editorial import DraftState, Revision, Via
from departments.pages.cache import STALE_NOTICE_SLOT

LANGUAGES = [code for code, _name in settings.LANGUAGES]
# Hidden fields of the change form: the revision and the draft it was opened on (editing_forms).
EDITION_FIELDS = ("edition", "draft_edition")


def read_once(request, what, owner, read):
    """read(owner), kept on the request for the rest of it."""
    kept = request.__dict__.setdefault(f"editorial_{what}", {})
    key = (owner._meta.label, owner.pk)
    if key not in kept:
        kept[key] = read(owner)
    return kept[key]


class EditorialAdmin:
    """Drafts, preview, publish, history and restore for an owner's admin (HospitalAdmin, DepartmentAdmin)."""

    change_form_template = "admin/departments/editorial_change_form.html"
    save_on_top = True  # the form is long: its save buttons at the top as well

    # -- URLs ----------------------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        own = [
            ("<path:object_id>/preview/<str:language>/", self.preview_view, "preview"),
            ("<path:object_id>/publish/", self.publish_view, "publish"),
            ("<path:object_id>/discard/", self.discard_view, "discard"),
            ("<path:object_id>/ready/", self.ready_view, "ready"),
            ("<path:object_id>/revisions/", self.revisions_view, "revisions"),
            ("<path:object_id>/restore/<int:number>/", self.restore_view, "restore"),
        ]
        return [
            path(route, self.admin_site.admin_view(view), name="{}_{}_{}".format(*info, name))
            for route, view, name in own
        ] + [
            path(
                "translations/",
                self.admin_site.admin_view(self.translations_view),
                name="{}_{}_translations".format(*info),
            ),
            *super().get_urls(),
        ]

    def editorial_url(self, name, owner, *args):
        info = self.opts.app_label, self.opts.model_name
        return reverse(f"admin:{info[0]}_{info[1]}_{name}", args=[owner.pk, *args])

    # -- permissions ---------------------------------------------------------------------------

    def can_publish(self, request, owner):
        if not self.has_change_permission(request, owner):
            return False
        if settings.CONTENT_REVIEW_REQUIRED:
            return request.user.has_perm("departments.publish_content")
        return True

    def owner_or_404(self, request, object_id, change=True):
        owner = self.get_object(request, unquote(object_id))
        if owner is None:
            raise Http404
        allowed = self.has_change_permission if change else self.has_view_permission
        if not allowed(request, owner):
            raise PermissionDenied
        return owner

    # -- the change form -------------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form
        return edition_form(form, obj, self.latest_revision(request, obj), self.draft_of(request, obj))

    # Each read once for a request: Django builds the change form's class two or three times for
    # one page, and a revision or a draft holds all the owner's content.
    def latest_revision(self, request, owner):
        return read_once(request, "latest_revision", owner, editions.latest_revision)

    def draft_of(self, request, owner):
        return read_once(request, "draft", owner, editions.draft_of)

    def get_fieldsets(self, request, obj=None):
        # The revision and the draft a form was opened on are hidden fields of the form, not rows
        # of its fieldsets (the template puts them in the form).
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in EDITION_FIELDS]})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def save_model(self, request, obj, form, change):
        # A form saved as it was shown writes nothing, so the content version, and with it every
        # cached page, stays as it is.
        if change and not form.has_changed():
            return
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        owner = form.instance
        if getattr(request, "editorial_capture", False):
            request.editorial_records = editions.records_of(owner)
            return
        # A save that changes something is a publication (a draft the form showed is published
        # with it): the page says when its content was last reviewed (unless the editor set that
        # date), and the history records it.
        changed = (
            self.draft_of(request, owner) is not None
            or form.has_changed()
            or any(formset.has_changed() for formset in formsets)
        )
        if changed and "reviewed_on" not in form.changed_data:
            owner.reviewed_on = timezone.localdate()
            owner.save(update_fields=["reviewed_on"])
        if changed:
            editions.record_revision(owner, via=Via.ADMIN, user=request.user)
            self.warn_of_translation_gaps(request, owner)

    def warn_of_translation_gaps(self, request, owner):
        gaps = translations.gaps_of(owner)
        if gaps:
            listed = "; ".join(f"{gap.label} ({gap.verbose_field}: {gap.state})" for gap in gaps[:6])
            messages.warning(
                request,
                _("Chinese to write or bring up to date here: %(list)s. See “Translations to do”.")
                % {"list": listed + ("…" if len(gaps) > 6 else "")},
            )

    def response_change(self, request, obj):
        if getattr(request, "editorial_capture", False):
            return HttpResponseRedirect(request.path)  # replaced by changeform_view's own answer
        return super().response_change(request, obj)

    def log_change(self, request, obj, message):
        if getattr(request, "editorial_capture", False):
            return None  # a draft is not a change of the content
        return super().log_change(request, obj, message)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        owner = self.get_object(request, unquote(object_id)) if object_id else None
        if owner is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        draft = self.draft_of(request, owner)
        drafting = request.method == "POST" and "_save_draft" in request.POST
        context = {**(extra_context or {}), **self.editorial_context(request, owner, draft)}
        if not context["can_publish"]:  # a second person publishes: this editor saves drafts
            context.update(show_save=False, show_save_and_continue=False, show_save_and_add_another=False)
            if request.method == "POST" and not drafting:
                raise PermissionDenied
        if drafting and not self.has_change_permission(request, owner):
            raise PermissionDenied
        if draft is None and not drafting:
            return super().changeform_view(request, object_id, form_url, context)

        base = (draft.base, draft.base_number) if draft else (editions.records_of(owner), None)
        with transaction.atomic():
            if draft is not None:
                records, conflicts = editions.merge(draft.base, draft.records, editions.records_of(owner))
                context["conflicts"] = conflicts
                try:
                    editions.apply(owner, records)
                except loader.LoadError as error:
                    context["draft_problem"] = str(error)
            if request.method == "POST":
                request.POST = posted_with_current_ids(request, owner)
                request.editorial_capture = drafting
            response = super().changeform_view(request, object_id, form_url, context)
            saved = isinstance(response, HttpResponseRedirect)
            if hasattr(response, "render"):
                response.render()  # the form reads the draft's rows: render before rolling back
            if drafting or not saved:
                transaction.set_rollback(True)
            elif draft is not None:  # published, with the draft's changes
                draft.delete()
        if drafting and saved:
            editions.save_draft(
                owner, request.editorial_records, request.user, base=base[0], base_number=base[1]
            )
            messages.success(
                request,
                _(
                    "The draft is saved. Patients still see the published page; "
                    "preview the draft, then publish it."
                ),
            )
            return HttpResponseRedirect(request.path)
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["error_links"] = error_links(
            context.get("adminform"), context.get("inline_admin_formsets", [])
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def editorial_context(self, request, owner, draft):
        return {
            "draft": draft,
            "can_publish": self.can_publish(request, owner),
            "review_required": settings.CONTENT_REVIEW_REQUIRED,
            "preview_urls": [
                # Each language by its own name ("简体中文"), as the public pages' switch names it.
                (
                    code,
                    translation.get_language_info(code)["name_local"],
                    self.editorial_url("preview", owner, code),
                )
                for code in LANGUAGES
            ],
            "publish_url": self.editorial_url("publish", owner),
            "discard_url": self.editorial_url("discard", owner),
            "ready_url": self.editorial_url("ready", owner),
            "revisions_url": self.editorial_url("revisions", owner),
            "translations_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_translations"),
            "latest_revision": self.latest_revision(request, owner),
        }

    # -- preview, publish, discard ---------------------------------------------------------------

    def preview_view(self, request, object_id, language):
        owner = self.owner_or_404(request, object_id, change=False)
        draft = editions.draft_of(owner)
        if language not in LANGUAGES:
            raise Http404
        if draft is None:
            messages.info(request, _("There is no draft to preview: the public page shows the content."))
            return HttpResponseRedirect(self.editorial_url("change", owner))
        # The notice speaks the editor's language (the admin's), the page its own.
        banner = format_html(
            '<div class="stale-notice" role="status" lang="{}">'
            '<p><strong>{}</strong> {} <a href="{}">{}</a></p></div>',
            translation.get_language(),
            _("Preview of a draft."),
            _("Patients do not see this until it is published."),
            self.editorial_url("change", owner),
            _("Back to the draft"),
        )
        with editions.draft_applied(owner, draft), translation.override(language):
            url = owner.get_absolute_url()
            match = resolve(url)
            request.path = request.path_info = url
            request.LANGUAGE_CODE = language
            response = match.func(request, *match.args, **match.kwargs)
            if hasattr(response, "render"):
                response.render()
        response.public_page = False  # never into the page cache
        response.content = response.content.replace(STALE_NOTICE_SLOT, banner.encode(), 1)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    def publish_view(self, request, object_id):
        owner = self.owner_or_404(request, object_id)
        if request.method != "POST":
            return HttpResponseRedirect(self.editorial_url("change", owner))
        if not self.can_publish(request, owner):
            raise PermissionDenied
        draft = editions.draft_of(owner)
        if draft is None:
            messages.warning(request, _("There is no draft to publish."))
            return HttpResponseRedirect(self.editorial_url("change", owner))
        try:
            revision = editions.publish(owner, draft, request.user, note=request.POST.get("note", ""))
        except editions.Conflict as conflict:
            messages.error(
                request,
                _(
                    "Not published: since this draft began, %(who)s published changes to the same fields "
                    "(%(what)s). Open the draft, compare, and save it again."
                )
                % {
                    "who": (conflict.latest.user or conflict.latest.get_via_display())
                    if conflict.latest
                    else "—",
                    "what": "; ".join(f"{c.label} {c.field_label}".strip() for c in conflict.conflicts[:8]),
                },
            )
            return HttpResponseRedirect(self.editorial_url("change", owner))
        except loader.LoadError as error:
            messages.error(request, _("Not published: %(problem)s") % {"problem": error})
            return HttpResponseRedirect(self.editorial_url("change", owner))
        if revision is None:
            messages.info(
                request,
                _("The draft changed nothing, so it is discarded. The published content is as it was."),
            )
            return HttpResponseRedirect(self.editorial_url("change", owner))
        self.log_change(
            request,
            owner,
            _("Published a draft (revision %(number)s).") % {"number": revision.number},
        )
        messages.success(request, _("Published. Patients see the new content now."))
        return HttpResponseRedirect(self.editorial_url("change", owner))

    def discard_view(self, request, object_id):
        owner = self.owner_or_404(request, object_id)
        if request.method == "POST":
            draft = editions.draft_of(owner)
            if draft is not None:
                draft.delete()
                messages.success(request, _("The draft is discarded. The published content is unchanged."))
        return HttpResponseRedirect(self.editorial_url("change", owner))

    def ready_view(self, request, object_id):
        owner = self.owner_or_404(request, object_id)
        draft = editions.draft_of(owner)
        if request.method == "POST" and draft is not None:
            draft.state = DraftState.READY
            draft.save(update_fields=["state"])
            messages.success(request, _("The draft is marked ready for review."))
        return HttpResponseRedirect(self.editorial_url("change", owner))

    # -- translation at a glance -------------------------------------------------------------------

    def translations_view(self, request):
        """Every text of the site whose Chinese is missing or out of date, each linked to its form."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = []
        for gap in translations.all_gaps():
            opts = gap.model._meta
            entry = (
                gap.owner
                if gap.model is type(gap.owner)
                else gap.model._default_manager.get_by_natural_key(*gap.key)
            )
            rows.append(
                {
                    "gap": gap,
                    "url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[entry.pk]),
                    "state": gap.state,
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Translations to do"),
            "rows": rows,
        }
        return TemplateResponse(request, "admin/departments/translations.html", context)

    # -- history, compare, restore ---------------------------------------------------------------

    def revisions_view(self, request, object_id):
        owner = self.owner_or_404(request, object_id, change=False)
        revisions = list(editions.owned(Revision, owner).select_related("user").order_by("-number"))
        by_number = {revision.number: revision for revision in revisions}
        entries = []
        for revision in revisions:
            previous = by_number.get(revision.number - 1)
            changes = editions.compare(previous.records, revision.records) if previous else []
            entries.append({"revision": revision, "changes": changes, "first": previous is None})
        compared = None
        try:
            first, second = int(request.GET["older"]), int(request.GET["newer"])
        except (KeyError, ValueError):
            first = second = None
        if first in by_number and second in by_number:
            older, newer = sorted((by_number[first], by_number[second]), key=lambda r: r.number)
            compared = {
                "older": older,
                "newer": newer,
                "changes": editions.compare(older.records, newer.records),
            }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "owner": owner,
            "title": _("History of %(owner)s") % {"owner": owner},
            "entries": entries,
            "compared": compared,
            "can_restore": self.has_change_permission(request, owner),
            "change_url": self.editorial_url("change", owner),
        }
        return TemplateResponse(request, "admin/departments/revisions.html", context)

    def restore_view(self, request, object_id, number):
        owner = self.owner_or_404(request, object_id)
        revision = get_object_or_404(editions.owned(Revision, owner), number=number)
        if request.method == "POST":
            editions.restore(owner, revision, request.user)
            messages.success(
                request,
                _("Revision %(number)s is now a draft: preview it, then publish it to restore it.")
                % {"number": number},
            )
        return HttpResponseRedirect(self.editorial_url("change", owner))
