"""Search: departments by name, condition, procedure, leader or recognition, in either language.

Matching is by substring (`icontains`), which also works for Chinese, written without spaces
between words. Every term of the query must appear in one record, in any of its languages, so
a visitor reading the English pages may still type Chinese, and the other way round. A term
is also searched in the words the texts use for it (SAME_WORDS, CHINESE_ENDINGS), as well as
typed, never instead. Two queries answer any search: one for the facts that matched (a UNION
over the kinds of facts) and one for the departments that matched or own a matching fact.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import CharField, ExpressionWrapper, F, Q, Value
from django.urls import reverse
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from departments.models import Accreditation, Condition, Department, Leader, Procedure
from departments.pages import formatting
from departments.pages.languages import fallback_language

MAX_QUERY_LENGTH = 100
MAX_TERMS = 8
MAX_FACTS = 200
# A search that matches nearly everything ("department") would otherwise list every department:
# the first ones are shown, with a hint to narrow the search.
MAX_DEPARTMENTS = 30

# Words patients type -> the word the content (fixtures/*.json, written from the hospital's texts in
# fixtures/sources/: British English, the clinical name) uses for the same thing: without them
# "hemorrhoids", "tumor", "stomach cancer" or "结肠癌" find nothing. The replacement is made
# inside a term ("hemorrhoids" -> "haemorrhoids", "结肠癌" -> "结直肠癌"), and a term matches if it
# or any of its variants does: a variant can only add results, never lose what was typed.
# The rule for adding a word: it must MEAN THE SAME as the content's word (another spelling, the
# everyday name, a synonym), and the content must use that word. Never a symptom or a complaint
# pointing to a department ("back pain" -> spine, "sciatica" -> disc herniation): that is medical
# advice, which the site must not give. Lower case; the content's word must not contain any typed
# word of the table (tests/pages/test_search.py checks these and that the content uses the word).
SAME_WORDS = {
    "hemorrhoid": "haemorrhoid",
    "piles": "haemorrhoid",
    "tumor": "tumour",
    "stomach": "gastric",
    "colon": "colorectal",
    "herniated": "herniation",
    "slipped": "herniation",
    "结肠": "结直肠",
}
# Chinese has no spaces, so "痔疮手术" ("haemorrhoid operation") is one term, which no text holds: a
# term ending in one of these is also searched without it, when at least 2 characters remain.
CHINESE_ENDINGS = ("手术", "治疗")
MIN_STEM = 2
# At most this many forms of a term are searched (the typed one first), whatever the table holds.
MAX_VARIANTS = 8

# The sections of a department page a fact can be found in, in the page's order.
SECTIONS = {
    "conditions": _("Conditions treated"),
    "procedures": _("Procedures"),
    "leaders": _("Leadership"),
    "accreditations": _("Recognition"),
}

# The sections of the overview a fact of the hospital's own can be found in.
OVERVIEW_SECTIONS = {"accreditations"}


def page_paths():
    """The search page's path in each language, in the settings' order (robots.txt keeps crawlers
    out of them; the page cache keeps their results in a bounded cache of their own)."""
    paths = []
    for code, _name in settings.LANGUAGES:
        with override(code):
            paths.append(reverse("departments:search"))
    return paths


def languages():
    return [code for code, _name in settings.LANGUAGES]


def localized(field_name):
    """The field's column in every language: name -> name_en, name_zh_hans."""
    return [build_localized_fieldname(field_name, code) for code in languages()]


@dataclass
class Query:
    text: str = ""
    terms: list[str] = field(default_factory=list)
    shortened: bool = False

    def __bool__(self):
        return bool(self.terms)


def parse(raw):
    """What the visitor typed, made safe to search for: never an error, whatever it holds.

    Control and format characters go (a NUL byte is refused by PostgreSQL), whitespace is
    collapsed, and the text is cut to MAX_QUERY_LENGTH characters.
    """
    raw = str(raw or "")
    cleaned = "".join(" " if unicodedata.category(char)[0] in "CZ" else char for char in raw)
    text = " ".join(cleaned.split())
    shortened = len(text) > MAX_QUERY_LENGTH
    text = text[:MAX_QUERY_LENGTH].strip()
    terms = list(dict.fromkeys(term.lower() for term in text.split()))[:MAX_TERMS]
    return Query(text=text, terms=terms, shortened=shortened)


def variants(term):
    """The term as typed, then the forms the texts may write it in: each SAME_WORDS replacement
    made inside it, and without a Chinese ending (痔疮手术 -> 痔疮), in any combination
    (结肠癌手术 -> 结肠癌, 结直肠癌手术, 结直肠癌)."""
    forms = [term]
    for form in forms:  # grows as it is read: each new form's own variants are added in turn
        if len(forms) >= MAX_VARIANTS:
            break
        found = [
            form.removesuffix(ending)
            for ending in CHINESE_ENDINGS
            if form.endswith(ending) and len(form) - len(ending) >= MIN_STEM
        ]
        found += [form.replace(typed, written) for typed, written in SAME_WORDS.items() if typed in form]
        forms.extend(variant for variant in dict.fromkeys(found) if variant not in forms)
    return tuple(forms[:MAX_VARIANTS])


def matching(terms, fields):
    """Every term, as typed or in one of its variants, appears in one of the fields."""
    condition = Q()
    for term in terms:
        any_field = Q()
        for form in variants(term):
            for name in fields:
                any_field |= Q(**{f"{name}__icontains": form})
        condition &= any_field
    return condition


# Per kind of fact: the fields searched, the one shown, and the one shown beside it.
SEARCHED_KINDS = [
    ("conditions", Condition, [*localized("name"), *localized("examples")], "name", "examples"),
    ("procedures", Procedure, [*localized("name"), *localized("description"), "abbreviations"], "name", None),
    ("leaders", Leader, ["name", *localized("title")], None, "title"),
    (
        "accreditations",
        Accreditation,
        [*localized("name"), *localized("granting_body")],
        "name",
        "granting_body",
    ),
]
DEPARTMENT_FIELDS = [*localized("name"), *localized("other_name"), *localized("summary")]


def in_each_language(prefix, field_name, fallback):
    """Columns named prefix_0, prefix_1... holding the field in each language (or the fallback)."""
    text = CharField()
    columns = {}
    for index, code in enumerate(languages()):
        column = F(build_localized_fieldname(field_name, code)) if field_name else fallback
        columns[f"{prefix}_{index}"] = ExpressionWrapper(column, output_field=text)
    return columns


def fact_rows(terms):
    """Each matching fact as (section, position, department id, hospital id, leader role, texts, details)."""
    text = CharField()
    parts = []
    for section, model, fields, shown, beside in SEARCHED_KINDS:
        columns = {
            "section": Value(section, output_field=text),
            "role_code": F("role") if model is Leader else Value("", output_field=text),
            **in_each_language("text", shown, F("name")),
            **in_each_language("detail", beside, Value("", output_field=text)),
        }
        parts.append(
            model.objects.filter(matching(terms, fields))
            .order_by()
            .annotate(**columns)
            .values_list(
                "section",
                "position",
                "department_id",
                "hospital_id",
                *[name for name in columns if name != "section"],
            )
        )
    first, *others = parts
    return list(first.union(*others, all=True)[:MAX_FACTS])


@dataclass
class Match:
    section: str
    text: str
    url: str
    lang: str = ""  # "en" where the text is the English fallback on a page in another language
    position: int = 0
    detail: str = ""
    detail_lang: str = ""

    @property
    def section_name(self):
        return SECTIONS[self.section]


@dataclass
class Result:
    name: str
    url: str
    summary: str = ""
    name_lang: str = ""
    summary_lang: str = ""
    matches: list[Match] = field(default_factory=list)


def shown_text(values):
    """The current language's text, or the default language's marked as such."""
    current = languages().index(get_language()) if get_language() in languages() else 0
    default = languages().index(settings.MODELTRANSLATION_DEFAULT_LANGUAGE)
    if values[current]:
        return values[current], ""
    return values[default], settings.MODELTRANSLATION_DEFAULT_LANGUAGE if current != default else ""


def run(query):
    """The departments (and the hospital) that match, each with the facts of its page that matched."""
    if not query:
        return Found()
    rows = fact_rows(query.terms)
    department_ids = {department_id for _section, _position, department_id, *_rest in rows if department_id}
    departments = Department.objects.filter(
        matching(query.terms, DEPARTMENT_FIELDS) | Q(pk__in=department_ids)
    ).only("slug", "position", *localized("name"), *localized("summary"))[: MAX_DEPARTMENTS + 1]
    results = {}
    for department in departments:
        results[department.pk] = Result(
            name=department.name,
            url=department.get_absolute_url(),
            summary=department.summary,
            name_lang=lang_of(department, "name"),
            summary_lang=lang_of(department, "summary"),
        )
    hospital = None
    roles = dict(Leader.Role.choices)
    count = len(languages())
    for section, position, department_id, hospital_id, role, *columns in rows:
        if department_id in results:
            result = results[department_id]
        elif hospital_id and section in OVERVIEW_SECTIONS:
            # The hospital's own recognitions are on its overview (its other kinds of fact are not).
            if hospital is None:
                hospital = Result(
                    name=_("The First Hospital of Jilin University"), url=reverse("departments:overview")
                )
            result = hospital
        else:
            continue
        text, lang = shown_text(columns[:count])
        detail, detail_lang = shown_text(columns[count:])
        # As the page writes them: a leader's name with the title, then the role; a recognition
        # with the body that granted it.
        if role:
            text, detail, detail_lang = formatting.name_and_title(text, detail), str(roles[role]), ""
        elif section == "accreditations":
            text, detail, detail_lang = formatting.granted_by(text, detail), "", ""
        result.matches.append(
            Match(
                section=section,
                text=text,
                lang=lang,
                url=f"{result.url}#{section}",
                position=position,
                detail=detail,
                detail_lang=detail_lang,
            )
        )
    pages = list(results.values())
    found = Found([*pages[:MAX_DEPARTMENTS], *([hospital] if hospital else [])])
    found.more = len(pages) > MAX_DEPARTMENTS
    order = list(SECTIONS)
    for result in found:
        # As they appear on the page.
        result.matches.sort(key=lambda match: (order.index(match.section), match.position))
    return found


class Found(list):
    """The results; `more` when more departments matched than are listed."""

    more = False


def lang_of(instance, field_name):
    return fallback_language(instance, field_name)


def highlight_pattern(query):
    """A pattern that finds the query's terms, and the variants searched for them, in a text,
    longest first."""
    if not query:
        return None
    forms = dict.fromkeys(form for term in query.terms for form in variants(term))
    terms = sorted(forms, key=len, reverse=True)
    return re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
