import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from departments.pages import formatting, languages

register = template.Library()


@register.filter
def figure(value):
    """A figure as it reads: "more than 7,000"."""
    return formatting.format_figure(value)


@register.filter
def fallback_lang(obj, field):
    """` lang="en"` when the field shows the English fallback on a page in another language."""
    return languages.lang_attribute(obj, field)


# A blank line, whatever the line breaks (stored text has LF, but a template may be handed any).
BLANK_LINE = re.compile(r"(?:\r\n|\r|\n)[ \t]*(?:\r\n|\r|\n)\s*")


@register.filter
def paragraphs(text):
    """Text split into paragraphs at blank lines."""
    return [part.strip() for part in BLANK_LINE.split(str(text)) if part.strip()]


VISITING_LABELS = {
    "location": _("Location:"),
    "opening_hours": _("Opening hours:"),
    "phone": _("Telephone:"),
    "website": _("Website:"),
}


@register.filter
def visiting_label(kind):
    """The label before a visiting detail: English puts a space after its colon, Chinese's
    full-width colon takes none ("Location: Building 2", "地点：二号楼")."""
    label = str(VISITING_LABELS[kind])
    return label if formatting.is_chinese() else f"{label} "


@register.filter
def tel_uri(number):
    """A telephone number as a tel: link ("0431 8878 2222" gives "tel:043188782222"), or "" when it
    holds no number to dial."""
    dialled = re.sub(r"[^\d+]", "", str(number).split(",")[0])
    return f"tel:{dialled}" if re.search(r"\d{3}", dialled) else ""


@register.simple_tag
def json_ld(data):
    import json

    # Escape "<" so a value can never close the script element.
    return mark_safe(json.dumps(data, ensure_ascii=False).replace("<", "\\u003c"))


@register.simple_tag(takes_context=True)
def breadcrumbs_json_ld(context):
    """The page's breadcrumb trail as a schema.org BreadcrumbList."""
    from departments.pages import seo

    return json_ld(seo.breadcrumbs(context["breadcrumbs"], context["request"]))


@register.filter
def highlight(text, pattern):
    """The text, escaped, with what the search pattern finds in it marked."""
    text = str(text)
    if not pattern:
        return conditional_escape(text)
    parts, end = [], 0
    for found in pattern.finditer(text):
        if found.start() == found.end():
            continue
        parts.append(conditional_escape(text[end : found.start()]))
        parts.append(format_html("<mark>{}</mark>", found.group()))
        end = found.end()
    parts.append(conditional_escape(text[end:]))
    return mark_safe("".join(parts))
