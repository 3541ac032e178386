import html
import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, mark_safe
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
    """The label before a visiting detail ("Location: Building 2", "地点：二号楼")."""
    return formatting.label_gap(VISITING_LABELS[kind])


@register.filter
def label_gap(label):
    """A label with the space English puts after its colon ("Motto: ", "院训：")."""
    return formatting.label_gap(label)


@register.filter
def source_title(source):
    """A source's title in the marks each language sets a title in, linked to the text's page
    where this site has it: “<a>Spine Surgery: introduction</a>”, 《<a>脊柱外科简介</a>》."""
    url = source.get_absolute_url()
    title = format_html('<a href="{}">{}</a>', url, source.title) if url else source.title
    return formatting.quoted_title(title)


@register.filter
def in_brackets(text):
    """An aside in brackets: " (PPH, TST)"; in Chinese "（PPH、TST）"."""
    return formatting.in_brackets(text)


@register.filter
def labelled_figure(item):
    """A figure with its label in each language's order: "<strong>more than 5,000</strong>
    operations a year", "年手术量<strong>超过5,000例</strong>"."""
    figure, label = formatting.format_figure(item), item.get_metric_display()
    if formatting.is_chinese():
        return format_html("{}<strong>{}</strong>", label, figure)
    return format_html("<strong>{}</strong> {}", figure, str(label).lower())


@register.filter
def recognition(item):
    """A recognition as each language writes it: "Key laboratory — Ministry of Education (2010)",
    "Key laboratories of Jilin Province: 14"; in Chinese the granting body first and the count
    after, with its measure word: "教育部重点实验室", "吉林省重点实验室14个"."""
    name = format_html("<span{}>{}</span>", languages.lang_attribute(item, "name"), item.name)
    body = item.granting_body and format_html(
        '<span class="accreditation__body"{}>{}</span>',
        languages.lang_attribute(item, "granting_body"),
        item.granting_body,
    )
    counted = item.count and item.count > 1
    if formatting.is_chinese():
        return format_html(
            "{}{}{}",
            formatting.granted_by(name, body),
            f"{item.count}{formatting.CHINESE_MEASURE_OF_RECOGNITIONS}" if counted else "",
            format_html('<span class="accreditation__year">（{}年）</span>', item.year) if item.year else "",
        )
    return format_html(
        "{}{}",
        formatting.granted_by(format_html("{}{}", name, f": {item.count}" if counted else ""), body),
        format_html(' <span class="accreditation__year">({})</span>', item.year) if item.year else "",
    )


@register.filter
def leader(person):
    """A person as each language writes them: "<strong>Professor Liu Yi</strong>, Founder and first
    director"; "<strong>Liu Yi</strong>教授（创始人、首任主任）" (the name before the title)."""
    title = person.title and format_html(
        "<span{}>{}</span>", languages.lang_attribute(person, "title"), person.title
    )
    role = person.get_role_display()
    if formatting.is_chinese():
        named = formatting.name_and_title(format_html("<strong>{}</strong>", person.name), title)
        return format_html("{}（{}）", named, role)
    return format_html("<strong>{}</strong>, {}", formatting.name_and_title(person.name, title), role)


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
    """The text, escaped, with what the search pattern finds in it marked (safe HTML is read as
    the text it shows, so that it is escaped once)."""
    text = html.unescape(text) if isinstance(text, SafeData) else str(text)
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


def marker(note, marker_id):
    return format_html(
        '<sup class="cite"><a href="#{}" id="{}" aria-label="{}">{}</a></sup>',
        note.anchor,
        marker_id,
        _("Source %(number)s") % {"number": note.number},
        note.number,
    )


@register.simple_tag(takes_context=True)
def cite(context, fact):
    """The marker after a fact that links to its source note at the page's end (nothing where the
    page has no note for it)."""
    from departments.pages.citations import cite_id

    notes = context.get("notes")
    note = notes.of(fact) if notes and fact is not None else None
    return marker(note, cite_id(fact)) if note else ""


@register.simple_tag(takes_context=True)
def cite_text(context, owner, part="summary", number=None):
    """The marker after an owner's own prose (a header fact, its summary, paragraph `number` of its
    description, its motto) that links to the note naming the text it rests on as a whole."""
    from departments.pages.citations import cite_id

    notes = context.get("notes")
    note = notes.of_text(owner) if notes and owner is not None else None
    part = f"{part}-{number}" if number is not None else part
    return marker(note, cite_id(owner, part)) if note else ""
