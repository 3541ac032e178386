"""Any content the site accepts renders: every public page answers, shows it, and keeps its shape.

Hypothesis makes up a hospital, one to three departments and facts of every kind, with any values
the content rules allow (every optional field filled or left empty, in both languages; line breaks
of every kind, blank lines, Chinese, emoji, markup and quotes, text as long as its field allows),
and loads them as staff load content: a JSON fixture through `manage.py loaddata`, which checks
every record first. A record it refuses fails the test: either the strategy broke a rule, or the
site refuses content its rules allow. Then every public page, in English and in Chinese, must
answer 200, show what was loaded (HTML-escaped) and keep its structure.

A few dozen examples run in the normal suite; `make test-deep` (HYPOTHESIS_PROFILE=deep) runs
hundreds.
"""

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import models, transaction
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import from_field
from modeltranslation.fields import TranslationField

from departments.content.fixtures import fixture_fields
from departments.models import (
    EARLIEST_YEAR,
    FACT_KINDS,
    Accreditation,
    Department,
    Hospital,
    Milestone,
    Procedure,
    QualifiedFigure,
    Source,
    StaffStats,
    Unit,
)
from departments.models.rules import translated_originals
from departments.pages import formatting
from departments.pages.formatting import format_figure
from tests.support.pages import LANGUAGES
from tests.support.project import ROOT

# Each example loads content and reads a dozen pages (about a second on a small machine): a few
# dozen keep the normal suite fast; the deep run is for `make test-deep`.
settings.register_profile(
    "property-pages",
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        # The database (pytest-django's `db`) is set up once for all examples; each example
        # cleans up after itself (see test_any_content_the_site_accepts_renders).
        HealthCheck.function_scoped_fixture,
    ],
)
settings.register_profile("deep", parent=settings.get_profile("property-pages"), max_examples=500)
PROFILE = settings.get_profile("deep" if os.environ.get("HYPOTHESIS_PROFILE") == "deep" else "property-pages")

# Any character text may hold: not NUL (the site refuses it: PostgreSQL cannot store it) and not
# a lone surrogate (no UTF-8 file, hence no fixture, can carry one).
ANY_CHARACTER = st.characters(exclude_characters="\x00", exclude_categories=("Cs",))
CHINESE = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
# What breaks pages made without care: markup, entities and quotes (escaping); template and
# format syntax (text rendered twice); line breaks of every kind and blank lines (paragraphs);
# wide, combining and right-to-left characters; emoji outside the Basic Multilingual Plane.
AWKWARD_PIECES = [
    "<",
    ">",
    "&",
    "&amp;",
    "&lt;",
    '"',
    "'",
    "<h1>",
    "<main>",
    "</main>",
    "</html>",
    "<script>alert(1)</script>",
    "</script>",
    "{{ hospital.name }}",
    "{% if %}",
    "%s",
    "%(number)s",
    "\\",
    "\r\n",
    "\r\n\r\n",
    "\n\n",
    "\r",
    "\n \t\n",
    "\t",
    " ",
    "\u3000",
    "\u2028",
    "\u200b",
    "\ufeff",
    "吉林大学第一医院",
    "脊柱外科",
    "🏥",
    "👩‍⚕️",
    "e\u0301",
    "\u202eabc",
    "مستشفى",
    "Spine Surgery",
]
PIECES = st.one_of(
    st.sampled_from(AWKWARD_PIECES),
    st.text(CHINESE, min_size=1, max_size=6),
    st.text(ANY_CHARACTER, min_size=1, max_size=8),
)
# A TextField has no maximum; this is long enough for several paragraphs.
LONG_TEXT = 3000


def texts(max_length, *, required):
    """Text a field allows: up to max_length characters and, where required, not only whitespace
    (the English of a required field; other languages may be empty and fall back to it)."""
    max_length = max_length or LONG_TEXT
    text = st.one_of(
        st.lists(PIECES, max_size=8).map("".join),
        # Exactly as long as the field allows (the cut may fall inside a piece, or a CRLF).
        st.lists(PIECES, min_size=1, max_size=4).map(lambda pieces: "".join(pieces) * max_length),
    ).map(lambda value: value[:max_length])
    if required:
        return visible_texts(text)
    return st.just("") | text


# Characters that are not whitespace.
VISIBLE = st.sampled_from(["A", "医", "🏥", "<", "&", '"']) | ANY_CHARACTER.filter(str.strip)


@st.composite
def visible_texts(draw, text):
    """Text that is more than whitespace, as a required field holds: where a drawn text is all
    whitespace, one of its characters (or, empty, the whole of it) becomes a visible one, so that
    its length stays what it was (a maximum length stays the maximum)."""
    value = draw(text)
    if value.strip():
        return value
    at = draw(st.integers(0, max(len(value) - 1, 0)))
    return value[:at] + draw(VISIBLE) + value[at + 1 :]


def fixture_field_names(model):
    """The fields a fixture record of the model gives: each language of a translated field
    (name_en, name_zh_hans), never the untranslated column behind them."""
    return {f.name for f in fixture_fields(model)}


def is_free_text(model_field):
    return (
        isinstance(model_field, models.CharField | models.TextField)
        and not isinstance(model_field, models.SlugField | models.URLField | models.FileField)
        and not model_field.choices
        and model_field.name != "source_phrase"  # it goes with `source`
    )


def free_text(model):
    """Every free-text field of the model, each language of a translated one: {name: strategy}."""
    originals = translated_originals(model)
    strategies = {}
    for model_field in model._meta.local_fields:
        if model_field.name in originals or not is_free_text(model_field):
            continue
        if not isinstance(model_field, TranslationField):
            strategy = texts(model_field.max_length, required=not model_field.blank)
        elif model_field.translated_field.blank or model_field.language == "en":
            strategy = texts(model_field.max_length, required=not model_field.translated_field.blank)
        else:
            # Another language of a required field: empty (the page shows the English) or real text.
            strategy = st.just("") | texts(model_field.max_length, required=True)
        strategies[model_field.name] = strategy
    return strategies


def choices_of(model):
    """Every field with choices but `source` (which goes with `source_phrase`): {name: strategy}."""
    return {
        f.name: st.sampled_from([value for value, _label in f.choices])
        for f in model._meta.local_fields
        if f.choices and f.name != "source"
    }


def years(optional=False):
    # Not after this year: loaddata refuses years in the future.
    year = st.integers(EARLIEST_YEAR, timezone.localdate().year)
    return st.none() | year if optional else year


MONTHS = st.integers(1, 12)
POSITIONS = st.integers(0, 32767)
# The hospital's texts, and a document an editor named (a source is a row, not a fixed list).
SOURCE_NAMES = [path.name for path in sorted((ROOT / "fixtures" / "sources").glob("*.txt"))]
SOURCE_NAMES.append("annual-report-2024")
SOURCES = st.sampled_from([None, *SOURCE_NAMES])
SLUG_PATTERN = r"[-a-zA-Z0-9_]{1,50}"  # Django's validate_slug, within a SlugField's 50 characters
# Short slugs as well as any the field allows, so that owners and kinds share some.
SLUGS = st.sampled_from(["beds", "a", "x-1", "spine-surgery"]) | st.from_regex(SLUG_PATTERN, fullmatch=True)


@st.composite
def provenance(draw):
    """A source file and the phrase quoted from it, or neither; a phrase without a file is allowed."""
    source = draw(SOURCES)
    if source:
        return {"source": [source], "source_phrase": draw(texts(None, required=True))}
    return {"source": None, "source_phrase": draw(texts(None, required=False))}


def record(model, fields):
    """A fixture record, checked to give every field the model has: a field added to a model and
    not to this strategy fails here, rather than going untested."""
    missing = fixture_field_names(model) - set(fields)
    unknown = set(fields) - fixture_field_names(model)
    assert not missing and not unknown, f"{model.__name__}: missing {missing}, unknown {unknown}"
    return {"model": model._meta.label_lower, "fields": fields}


@st.composite
def hospitals(draw):
    return record(
        Hospital,
        {
            **draw(st.fixed_dictionaries(free_text(Hospital))),
            "slug": draw(st.from_regex(SLUG_PATTERN, fullmatch=True)),
            "founded_year": draw(years()),
            "website": draw(st.just("") | from_field(Hospital._meta.get_field("website"))),
            "photo": "",  # a photo is a file the fixture cannot carry
            "reviewed_on": draw(st.dates()).isoformat(),
            "source": reference(draw(SOURCES)),
        },
    )


@st.composite
def departments(draw, hospital_slug, slug):
    founded_year = draw(years(optional=True))
    return record(
        Department,
        {
            **draw(st.fixed_dictionaries(free_text(Department))),
            "hospital": [hospital_slug],
            "slug": slug,
            "position": draw(POSITIONS),
            "founded_year": founded_year,
            # A founding month needs a founding year.
            "founded_month": draw(st.none() | MONTHS) if founded_year is not None else None,
            "photo": "",
            "reviewed_on": draw(st.dates()).isoformat(),
            "source": reference(draw(SOURCES)),
        },
    )


@st.composite
def facts(draw, model, owner, slug):
    """One fact of a kind about an owner ({"hospital": [...], "department": None} or the reverse)."""
    fields = {
        **owner,
        **draw(st.fixed_dictionaries({**free_text(model), **choices_of(model)})),
        **draw(provenance()),
        "slug": slug,
        "position": draw(POSITIONS),
    }
    if issubclass(model, QualifiedFigure):
        largest = 100 if fields["unit"] == Unit.PERCENT else 2**63 - 1
        fields["value"] = draw(st.integers(0, largest) | st.sampled_from([0, largest]))
    if model is StaffStats:
        fields["headline"] = draw(st.booleans())
    if model is Accreditation:
        fields["year"] = draw(years(optional=True))
        fields["count"] = draw(st.none() | st.integers(1, 32767))
    if model is Procedure:
        fields["first_in_province"] = draw(st.booleans())
    if model is Milestone:
        fields["year"] = draw(years())
        fields["month"] = draw(st.none() | MONTHS)
    return record(model, fields)


@dataclass
class Content:
    hospital: dict
    departments: list
    facts: list = field(default_factory=list)
    search: str = ""

    def records(self):
        """Owners before what belongs to them, as fixture files order them; the sources they cite
        last (sources load first wherever a file has them)."""
        return [self.hospital, *self.departments, *self.facts, *self.sources()]

    def sources(self):
        cited = {
            record["fields"]["source"][0]
            for record in [self.hospital, *self.departments, *self.facts]
            if record["fields"]["source"]
        }
        return [source_record(name) for name in sorted(cited)]

    def facts_of(self, owner_field, slug, model):
        return [
            fact["fields"]
            for fact in self.facts
            if fact["model"] == model._meta.label_lower and fact["fields"][owner_field] == [slug]
        ]


def reference(name):
    return [name] if name else None


def source_record(name):
    text = name.endswith(".txt")
    return record(
        Source,
        {
            "name": name,
            "kind": "text" if text else "document",
            "title_en": f"Source {name}",
            "title_zh_hans": "",
            "published_on": None if text else "2024-06-30",
            "url": "",
        },
    )


@st.composite
def site_contents(draw):
    hospital = draw(hospitals())
    hospital_slug = hospital["fields"]["slug"]
    department_slugs = draw(st.lists(SLUGS, min_size=1, max_size=3, unique=True))
    content = Content(hospital, [draw(departments(hospital_slug, slug)) for slug in department_slugs])
    owners = [
        {"hospital": [hospital_slug], "department": None},
        *({"hospital": None, "department": [slug]} for slug in department_slugs),
    ]
    for model in FACT_KINDS.values():
        # At least one of every kind; a slug is unique among its owner's facts of a kind.
        keys = draw(
            st.lists(st.tuples(st.integers(0, len(owners) - 1), SLUGS), min_size=1, max_size=3, unique=True)
        )
        content.facts += [draw(facts(model, owners[owner], slug)) for owner, slug in keys]
    # A word of a department's English name (which must find it), or anything at all.
    names = [word for d in content.departments for word in d["fields"]["name_en"].split()]
    anything = texts(120, required=False)
    content.search = draw(st.sampled_from(names) | anything if names else anything)
    return content


def load(content):
    """As staff load content: a fixture file through `manage.py loaddata`."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "content.json"
        path.write_text(json.dumps(content.records(), ensure_ascii=False, indent=1), encoding="utf-8")
        call_command("loaddata", str(path), verbosity=0)


def stored(text):
    """Text as the site stores it: its line breaks are LF alone."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def shown(fields, name, language):
    """What a page in `language` shows of a field: the text in that language, or the English when
    there is none (modeltranslation's fallback); an untranslated field as it is."""
    if name in fields:
        return stored(fields[name])
    value = fields[f"{name}_{language.replace('-', '_')}"] or fields[f"{name}_en"]
    return stored(value)


def lines(text):
    """The lines of a text that hold something; each is inside one of the page's paragraphs."""
    return [line.strip() for line in stored(text).split("\n") if line.strip()]


def figure_text(fields, language):
    """A figure as a page in `language` reads it ("more than 7,000", "超过7,000")."""
    with translation.override(language):
        return format_figure(SimpleNamespace(**fields))


class Page:
    """A public page as a visitor's browser gets it, and what it must show."""

    def __init__(self, client, path, **params):
        self.path = path
        self.response = client.get(path, params)
        self.html = self.response.content.decode()

    def assert_well_formed(self):
        assert self.response.status_code == 200, self.path
        html = self.html
        # Content is escaped wherever it lands, so it can add no element of its own.
        assert html.count("<h1") == 1, self.path
        assert html.count("<main") == 1, self.path
        assert html.count("</main>") == 1, self.path
        assert html.rstrip().endswith("</html>"), self.path
        assert "<script>alert" not in html, self.path

    def assert_shows(self, text, what=""):
        if text:
            assert escape(text) in self.html, f"{self.path}: {what} {text!r} is not shown"

    def assert_links_to(self, path, what=""):
        assert f'href="{path}"' in self.html, f"{self.path}: no link to {what} {path}"

    def assert_shows_lines(self, text, what=""):
        for line in lines(text):
            self.assert_shows(line, what)


def check_overview(client, content, language):
    page = Page(client, f"/{language}/")
    page.assert_well_formed()
    hospital = content.hospital["fields"]
    for name in ["name", "other_name", "summary", "city", "province", "grade", "motto"]:
        page.assert_shows(shown(hospital, name, language), name)
    page.assert_shows_lines(shown(hospital, "description", language), "description")
    for name in ["address", "phone", "website"]:
        page.assert_shows(shown(hospital, name, language), name)
    page.assert_shows_lines(shown(hospital, "visiting_information", language), "visiting_information")
    slug = hospital["slug"]
    for fact in content.facts_of("hospital", slug, StaffStats):
        page.assert_shows(figure_text(fact, language), "figure")
    for model, names in [
        (FACT_KINDS["facilities"], ["name"]),
        (Accreditation, ["name", "granting_body"]),
        (FACT_KINDS["research"], ["description"]),
        (Milestone, ["text"]),
    ]:
        for fact in content.facts_of("hospital", slug, model):
            for name in names:
                page.assert_shows(shown(fact, name, language), f"{model.__name__}.{name}")
    for department in content.departments:
        page.assert_shows(shown(department["fields"], "name", language), "department name")
        page.assert_shows(shown(department["fields"], "summary", language), "department summary")


def check_directory(client, content, language):
    page = Page(client, f"/{language}/departments/")
    page.assert_well_formed()
    for department in content.departments:
        fields = department["fields"]
        page.assert_links_to(f"/{language}/departments/{fields['slug']}/", "the department")
        page.assert_shows(shown(fields, "name", language), "name")
        page.assert_shows(shown(fields, "summary", language), "summary")
        for fact in content.facts_of("department", fields["slug"], StaffStats):
            if fact["headline"]:
                page.assert_shows(figure_text(fact, language), "headline figure")


# Fields shown as lists, each language with its own comma ("PPH, TST", "PPH、TST").
LISTS = {"examples", "abbreviations"}
# What a department page shows of each kind of its facts (it lists no facilities).
DEPARTMENT_FACTS = {
    "research": ["description"],
    "accreditations": ["name", "granting_body"],
    "leaders": ["title", "name", "description"],
    "procedures": ["name", "abbreviations", "description"],
    "conditions": ["name", "examples"],
    "partners": ["name"],
    "milestones": ["text"],
    "teaching": ["name"],
}


def check_department(client, content, department, language):
    fields = department["fields"]
    page = Page(client, f"/{language}/departments/{fields['slug']}/")
    page.assert_well_formed()
    for name in ["name", "other_name", "summary", "motto", "location", "opening_hours", "phone"]:
        page.assert_shows(shown(fields, name, language), name)
    page.assert_shows_lines(shown(fields, "description", language), "description")
    page.assert_shows_lines(shown(fields, "booking_information", language), "booking_information")
    for fact in content.facts_of("department", fields["slug"], StaffStats):
        page.assert_shows(figure_text(fact, language), "figure")
    for kind, names in DEPARTMENT_FACTS.items():
        model = FACT_KINDS[kind]
        for fact in content.facts_of("department", fields["slug"], model):
            for name in names:
                text = shown(fact, name, language)
                if name in LISTS:
                    with translation.override(language):
                        text = formatting.enumerated(text)
                page.assert_shows(text, f"{model.__name__}.{name}")


def check_search(client, content, language):
    page = Page(client, f"/{language}/search/", q=content.search)
    page.assert_well_formed()
    for department in content.departments:
        if content.search in department["fields"]["name_en"].split():
            page.assert_links_to(f"/{language}/departments/{department['fields']['slug']}/", "the result")


@pytest.mark.django_db
@settings(PROFILE)
@given(content=site_contents())
def test_any_content_the_site_accepts_renders(db, content):
    # Each example starts from an empty site and leaves it so: everything it writes (content,
    # the content version, cached pages) is rolled back at its end, pass or fail.
    with transaction.atomic():
        assert not Hospital.objects.exists() and not Department.objects.exists()
        # The shared page cache is keyed on the content version, which the rollback winds back:
        # a page cached by an earlier example must not be served for this one (it is rolled back
        # with the database cache table, but not from Redis).
        caches["default"].clear()
        load(content)
        # A new client has a new handler, hence a new page cache middleware whose memory holds
        # no page of an earlier example.
        client = Client()
        for language in LANGUAGES:
            check_overview(client, content, language)
            check_directory(client, content, language)
            for department in content.departments:
                check_department(client, content, department, language)
            check_search(client, content, language)
            page = Page(client, f"/{language}/accessibility/")
            page.assert_well_formed()
        transaction.set_rollback(True)
