"""The parts of the hospital's and a department's change form that the editorial workflow adds
(departments/editing.py): the revision a form was opened on (a lost update is refused), the ids of
a draft's rows, and the errors listed at the top of the form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from departments.content import editions
from departments.models.editorial import Revision


def changes_summary(changes, most=8):
    """A short list of what changed, for a message: "Leader: Liu Yi (Title (English))"."""
    items = [
        f"{change.label} ({', '.join(change.field_labels)})"
        if change.kind == "changed"
        else f"{change.label} ({_(change.kind)})"
        for change in changes[:most]
    ]
    if len(changes) > most:
        items.append(_("and %(count)s more") % {"count": len(changes) - most})
    return "; ".join(items)


def draft_stamp(draft):
    """Which saved draft a form shows ("" for none): the moment it was saved."""
    return draft.updated_at.isoformat() if draft else ""


def edition_form(form_class, owner, latest, draft):
    """The admin's form with the revision and the draft it was opened on (latest: the owner's
    latest revision; draft: its saved draft, or None), so that a save after someone else published
    or saved a draft is refused (a lost update), saying who changed what, with the editor's input
    kept. The next save, after the editor has looked, goes through."""
    number = latest.number if latest else 0
    stamp = draft_stamp(draft)

    class EditionForm(form_class):
        edition = forms.IntegerField(widget=forms.HiddenInput, required=False, initial=number)
        draft_edition = forms.CharField(widget=forms.HiddenInput, required=False, initial=stamp)

        def clean(self):
            cleaned = super().clean()
            opened_on = cleaned.get("edition") or 0
            if opened_on < number:
                opened = editions.owned(Revision, owner).filter(number=opened_on).first()
                changed = editions.compare(opened.records, latest.records) if opened else []
                # The next save, after the editor has looked, goes through.
                self.data = self.data.copy()
                self.data[self.add_prefix("edition")] = number
                raise ValidationError(
                    gettext_lazy(
                        "Since you opened this form, %(who)s published a change (%(when)s): %(what)s. "
                        "Your input is kept below: check it against theirs, then save again."
                    ),
                    code="lost_update",
                    params={
                        "who": latest.user or latest.get_via_display(),
                        "when": timezone.localtime(latest.created_at).strftime("%Y-%m-%d %H:%M"),
                        "what": changes_summary(changed) or _("see the history"),
                    },
                )
            if (cleaned.get("draft_edition") or "") != stamp:
                self.data = self.data.copy()
                self.data[self.add_prefix("draft_edition")] = stamp
                if draft is None:
                    raise ValidationError(
                        gettext_lazy(
                            "Since you opened this form, the draft it showed was discarded. "
                            "Your input is kept below: check it, then save again."
                        ),
                        code="draft_discarded",
                    )
                raise ValidationError(
                    gettext_lazy(
                        "Since you opened this form, %(who)s saved a draft of it (%(when)s), which changes: "
                        "%(what)s. Your input is kept below: check it against the draft, then save again."
                    ),
                    code="draft_changed",
                    params={
                        "who": draft.updated_by or "—",
                        "when": timezone.localtime(draft.updated_at).strftime("%Y-%m-%d %H:%M"),
                        "what": changes_summary(editions.compare(draft.base, draft.records)) or "—",
                    },
                )
            return cleaned

    return EditionForm


def posted_with_current_ids(request, owner):
    """The posted form with each inline row's id made the id its row has now.

    A form shown from a draft holds the ids of rows the draft adds, given when the draft was
    applied for showing and rolled back since; applied again for this request they may have
    other ids (PostgreSQL's sequences never hand one out twice). Each row is found by its slug,
    which is its natural key within its owner.
    """
    data = request.POST.copy()
    for name, value in request.POST.items():
        if not (name.endswith("-id") and value and f"{name[:-3]}-slug" in data):
            continue
        prefix = name[:-3]
        for model in editions.checks.fact_models():
            if not prefix.startswith(f"{model._meta.model_name}_set-"):
                continue
            facts = model._base_manager.filter(**editions.owner_filter(owner))
            if facts.filter(pk=value).exists():
                break
            row = facts.filter(slug=data[f"{prefix}-slug"]).values_list("pk", flat=True).first()
            if row is not None:
                data[name] = str(row)
            break
    return data


def error_links(adminform, inline_admin_formsets):
    """Every error of a posted form, each with where it is: (where, message, the field's id)."""
    links = []
    if adminform is not None:
        form = adminform.form
        for name, messages_ in form.errors.items():
            if name == "__all__":
                continue
            label = form[name].label if name in form.fields else name
            links.extend((label, message, f"id_{form.add_prefix(name)}") for message in messages_)
    for inline in inline_admin_formsets:
        formset = inline.formset
        for number, form in enumerate(formset.forms, 1):
            for name, messages_ in form.errors.items():
                if name == "__all__":
                    continue
                where = f"{formset.model._meta.verbose_name_plural} {number}: {form[name].label}"
                links.extend((where, message, f"id_{form.add_prefix(name)}") for message in messages_)
    return links
