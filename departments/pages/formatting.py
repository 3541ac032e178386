"""How figures read in each language, with the qualifier their source gives them."""

import re

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from departments.models import Qualifier, StaffStats, Unit

QUALIFIED = {
    Qualifier.EXACT: "%(number)s",
    Qualifier.MORE_THAN: _("more than %(number)s"),
    Qualifier.OVER: _("over %(number)s"),
    Qualifier.NEARLY: _("nearly %(number)s"),
    Qualifier.ABOUT: _("about %(number)s"),
}
# "several national projects", "hundreds of papers" state no number at all. (The value of such a
# figure holds the least the word allows, 2, 100 or 1,000; it is never shown, and the open data
# publishes no number for it: see published_value().) Chinese says "several" as 多 (承担多项国家级项目),
# the word the descriptions use.
WITHOUT_NUMBER = {
    Qualifier.SEVERAL: pgettext_lazy("a figure that states no number", "several"),
    Qualifier.HUNDREDS: pgettext_lazy("a figure that states no number", "hundreds"),
    Qualifier.THOUSANDS: pgettext_lazy("a figure that states no number", "thousands"),
}


# What Chinese counts each kind of figure in, after the number: 床位51张, 年手术量超过5,000例,
# 发表论文数百篇. English needs none ("51 beds" reads from the label).
CHINESE_MEASURE_WORDS = {
    **dict.fromkeys(StaffStats.STAFF_METRICS, "人"),  # people: 教授5人
    "beds": "张",
    "clinical_departments": "个",
    "outpatient_departments": "个",
    "technical_departments": "个",
    "operating_rooms": "间",
    "campuses": "个",
    "annual_outpatients": "人次",
    "annual_outpatient_emergency": "人次",
    "annual_inpatients": "人次",
    "annual_operations": "例",
    "projects": "项",
    "papers": "篇",
    "sci_papers": "篇",
}
# A counted recognition: 吉林省重点实验室14个.
CHINESE_MEASURE_OF_RECOGNITIONS = "个"


def is_chinese():
    return (get_language() or "").startswith("zh")


def english_ordinal(value):
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


def published_value(figure):
    """The number a figure states, or None where its qualifier states none ("several", "thousands"):
    the open data never publishes the placeholder a figure's value holds for those."""
    return None if figure.qualifier in WITHOUT_NUMBER else figure.value


def format_number(value, unit=Unit.COUNT):
    """A number in its unit: "7,000", "70%", "10 million yuan", "9th".

    Thousands are separated by commas in both languages. A count of millions with no unit (a sum
    whose text names no currency) reads "10 million", "1,000万".
    """
    if unit == Unit.PERCENT:
        return f"{value}%"
    if unit == Unit.RANK:
        return gettext("No. %(rank)s") % {"rank": value} if is_chinese() else english_ordinal(value)
    if unit == Unit.YUAN:
        # Chinese counts large sums in 万 (ten thousands), English in millions.
        if is_chinese() and value % 10_000 == 0:
            return gettext("%(amount)s ten-thousand yuan") % {"amount": f"{value // 10_000:,}"}
        if not is_chinese() and value % 1_000_000 == 0:
            return gettext("%(amount)s million yuan") % {"amount": f"{value // 1_000_000:,}"}
        return gettext("%(amount)s yuan") % {"amount": f"{value:,}"}
    if unit == Unit.SQUARE_METRES:
        return gettext("%(area)s m²") % {"area": f"{value:,}"}
    if value >= 1_000_000 and is_chinese() and value % 10_000 == 0:
        return f"{value // 10_000:,}万"
    if value >= 1_000_000 and not is_chinese() and value % 1_000_000 == 0:
        return f"{value // 1_000_000:,} million"
    return f"{value:,}"


def format_figure(figure):
    """A figure with its qualifier: "more than 7,000", "nearly 30,000", "over 70%"; in Chinese
    with its measure word: "超过7,000人", "近30,000人次", "70%"."""
    if figure.qualifier in WITHOUT_NUMBER:
        text = str(WITHOUT_NUMBER[figure.qualifier])
    else:
        text = str(QUALIFIED[figure.qualifier]) % {"number": format_number(figure.value, figure.unit)}
    if is_chinese() and figure.unit == Unit.COUNT:
        text += CHINESE_MEASURE_WORDS.get(getattr(figure, "metric", None), "")
    return text


def enumerated(text):
    """A list as each language writes it: "PPH, TST, RPH"; in Chinese with the enumeration comma,
    "PPH、TST、RPH"."""
    if is_chinese():
        listed = re.sub(r"\s*[,，]\s*", "、", str(text))
        # Commas made enumeration commas: safe HTML stays safe.
        return mark_safe(listed) if isinstance(text, SafeData) else listed
    return text


def in_brackets(text):
    """An aside in brackets as each language writes it: " (PPH, TST, RPH)"; in Chinese full-width,
    listed with the enumeration comma: "（PPH、TST、RPH）". Escaped, unless already safe HTML."""
    if is_chinese():
        return format_html("（{}）", enumerated(text))
    return format_html(" ({})", text)


def granted_by(name, body):
    """A recognition's name with the body that granted it, in each language's order: "Key
    laboratory — Ministry of Education"; in Chinese the body first, "教育部重点实验室"."""
    if not body:
        return conditional_escape(name)
    if is_chinese():
        return format_html("{}{}", body, name)
    return format_html("{} — {}", name, body)


def name_and_title(name, title):
    """A person's name with their title in each language's order: "Professor Liu Yi"; the name
    before the title in Chinese, with no space between a romanized name and a Chinese title
    ("Liu Yi教授"), as the site sets Latin beside Chinese everywhere (SCI收录, 2020年)."""
    if not title:
        return conditional_escape(name)
    if is_chinese():
        return format_html("{}{}", name, title)
    return format_html("{} {}", title, name)


def quoted_title(title):
    """A title in the marks each language sets it in: “Spine Surgery: introduction”, 《脊柱外科简介》."""
    if is_chinese():
        return format_html("《{}》", title)
    return format_html("“{}”", title)


def label_gap(label):
    """A label and the space after it: English puts one after its colon, a full-width colon
    takes none ("Motto: Dedication", "院训：奉献")."""
    label = str(label)
    return label if label.endswith(("：", "）", "，", "、")) else f"{label} "
