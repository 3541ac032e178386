"""Every fact on a page cites the hospital's words it rests on, and a reader can follow each to
its place in the hospital's own text (departments/pages/citations.py)."""

import re
from html import unescape

import pytest
from django.test import Client
from django.utils import translation

from departments import selectors
from departments.models import Department, Hospital, Source, StaffStats
from departments.pages import citations, sections
from tests.support.pages import CONTENT_PAGES, DEPARTMENT_SLUGS, LANGUAGES
from tests.support.reading import visible_text

pytestmark = pytest.mark.usefixtures("content")
OWNERS = [None, *DEPARTMENT_SLUGS]  # None: the hospital, on the overview


def owner_and_facts(slug):
    """The page's owner and the facts it shows, with a phrase to cite."""
    if slug is None:
        hospital = Hospital.objects.get()
        facts = selectors.facts_of(hospital)
        kinds = ("figures", "facilities", "accreditations", "research", "milestones")
        return hospital, [fact for kind in kinds for fact in facts[kind]]
    department = selectors.page_departments().get(slug=slug)
    page_sections = sections.of_department(department, selectors.facts_of(department))
    return department, [fact for section in page_sections for fact in citations.facts_shown(section.content)]


def notes_on(html):
    """{note number: the quoted phrase} from a page's sources."""
    found = re.findall(r'<li id="note-(\d+)"><q class="sources__quote" lang="en">(.*?)</q>', html)
    return {int(number): unescape(phrase) for number, phrase in found}


def whole_text_notes_on(html):
    """{note number: the address of the text} for the notes that name a text as a whole."""
    found = re.findall(r'<li id="note-(\d+)">(?!<q)[^<]*[“《]<a href="([^"]+)">[^<]+</a>[”》]', html)
    return {int(number): url for number, url in found}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("slug", OWNERS)
def test_every_fact_on_a_page_links_to_the_words_it_rests_on(language, slug):
    owner, facts = owner_and_facts(slug)
    html = Client().get(f"/{language}{owner.get_absolute_url()[3:]}").content.decode()
    notes = notes_on(html)
    assert notes, "the page ends with its sources"
    assert sorted([*notes, *whole_text_notes_on(html)]) == list(
        range(1, len(notes) + len(whole_text_notes_on(html)) + 1)
    )
    cited = [fact for fact in facts if fact.source_id and fact.source_phrase]
    assert len(cited) >= 10
    for fact in cited:
        marker = re.search(
            rf'<a href="#note-(\d+)" id="{citations.cite_id(fact)}" aria-label="[^"]+">\1</a>', html
        )
        assert marker, f"no source marker for {fact!r}"
        assert notes[int(marker.group(1))] == fact.source_phrase
        # The phrase is the hospital's own, word for word.
        assert fact.source_phrase in citations.source_text(fact.source)
    # Each note links back to the first fact that cites it.
    for number in notes:
        back = re.search(rf'<li id="note-{number}">.*?<a class="sources__back" href="#(cite-[\w-]+)"', html)
        assert back and f'id="{back.group(1)}"' in html


@pytest.mark.parametrize("slug", OWNERS)
def test_a_page_names_the_text_it_is_written_from_and_links_to_it(slug):
    owner, _facts = owner_and_facts(slug)
    for language in LANGUAGES:
        html = Client().get(f"/{language}{owner.get_absolute_url()[3:]}").content.decode()
        url = owner.source.get_absolute_url().replace("/en/", f"/{language}/", 1)
        assert f'<a href="{url}">{owner.source.title}</a>' in html


@pytest.mark.parametrize("slug", OWNERS)
def test_a_source_texts_page_shows_it_whole_with_each_quoted_phrase_marked_and_linked_back(slug):
    owner, facts = owner_and_facts(slug)
    text = citations.source_text(owner.source)
    response = Client().get(owner.source.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    # All of the text, as the hospital wrote it (compared without the spaces between the marks).
    shown = visible_text(re.sub(r'<sup class="cite">.*?</sup>', "", html))
    assert "".join(text.split()) in "".join(shown.split())
    marked = " ".join(unescape(part) for part in re.findall(r"<mark>(.*?)</mark>", html, re.S))
    page = owner.get_absolute_url()
    for fact in facts:
        if fact.source_phrase and fact.source_id == owner.source_id:
            assert fact.source_phrase in marked, fact.source_phrase
            assert f'href="{page}#{citations.cite_id(fact)}"' in html or any(
                f'href="{page}#{other}"' in html for other in citations.notes_of(owner, facts).of(fact).cites
            )


def test_a_source_with_no_text_here_has_no_page_and_unknown_names_are_404():
    client = Client()
    assert client.get("/en/sources/no-such-text/").status_code == 404
    Source.objects.create(name="annual-report-2025", kind="document", title_en="Annual report 2025")
    assert client.get("/en/sources/annual-report-2025/").status_code == 404
    assert Source.objects.get(name="annual-report-2025").get_absolute_url() is None


def test_an_editors_figure_from_a_document_cites_its_title_and_date_and_one_from_nothing_cites_nothing():
    spine = Department.objects.get(slug="spine-surgery")
    report = Source.objects.create(
        name="annual-report-2025", kind="document", title_en="Annual report 2025", published_on="2026-03-31"
    )
    StaffStats.objects.create(
        department=spine, slug="nurses", metric="nurses", value=31, source=report, source_phrase="31 nurses"
    )
    StaffStats.objects.create(department=spine, slug="beds", metric="beds", value=40)
    html = Client().get("/en/departments/spine-surgery/").content.decode()
    assert re.search(
        r'<q class="sources__quote" lang="en">31 nurses</q> — “Annual report 2025”, 31 March 2026', html
    )
    beds = StaffStats.objects.get(department=spine, slug="beds")
    assert citations.cite_id(beds) not in html


def fragments(html, pattern):
    return re.findall(pattern, html, re.S)


def cited_parts(html, about_an_owner=True):
    """Every part of a page that states something and must carry a marker: each paragraph and item
    of its header (on a page about the hospital or a department: the directory's header is the
    site's own words), each paragraph of its description and its motto, each paragraph of a
    department card, each value of a chart."""
    parts = []
    for header in fragments(html, r'<header class="page-header">(.*?)</header>') if about_an_owner else []:
        header = re.sub(r"<figure.*?</figure>", "", header, flags=re.S)  # a photo: no claim
        parts += fragments(header, r"<p\b.*?</p>") + fragments(header, r"<li\b.*?</li>")
    for about in fragments(html, r'<section aria-labelledby="about">(.*?)</section>'):
        parts += fragments(about, r"<p\b.*?</p>")
    for card in fragments(html, r'<li class="card">(.*?)</li>'):
        parts += fragments(card, r"<p\b.*?</p>")
    parts += fragments(html, r'<li class="chart__row">.*?</li>')
    return parts


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", CONTENT_PAGES)
def test_every_header_fact_summary_description_motto_card_and_chart_value_has_its_marker(language, path):
    html = Client().get(f"/{language}/{path}").content.decode()
    parts = cited_parts(html, about_an_owner=path != "departments/")
    assert len(parts) >= 4
    quoted, whole = notes_on(html), whole_text_notes_on(html)
    for part in parts:
        marker = re.search(r'<sup class="cite"><a href="#note-(\d+)" id="(cite-[\w-]+)"', part)
        assert marker, f"no source marker in {part!r}"
        assert int(marker.group(1)) in {*quoted, *whole}
    with translation.override(language):
        # A figure on a card or in a chart cites its department's words; prose, its owner's text.
        for marker_id, number in re.findall(r'id="(cite-[\w-]+)" aria-label="[^"]+">(\d+)</a>', html):
            owner = re.fullmatch(r"cite-(hospital|department)-(\d+)-[\w-]+", marker_id)
            if owner:
                model = Hospital if owner.group(1) == "hospital" else Department
                text = model.objects.get(pk=owner.group(2)).source
                assert whole[int(number)] == text.get_absolute_url(), marker_id
            elif marker_id.startswith("cite-staffstats-"):
                figure = StaffStats.objects.get(pk=marker_id.removeprefix("cite-staffstats-"))
                assert quoted[int(number)] == figure.source_phrase


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_cards_and_charts_cite_each_departments_own_text_and_the_sources_list_it(language):
    for path in ("", "departments/"):
        html = Client().get(f"/{language}/{path}").content.decode()
        with translation.override(language):
            for department in Department.objects.select_related("source"):
                assert department.source.get_absolute_url() in whole_text_notes_on(html).values(), (
                    path,
                    department,
                )
            for figure in StaffStats.objects.filter(headline=True, department__isnull=False):
                marker = re.search(rf'<a href="#note-(\d+)" id="{citations.cite_id(figure)}"', html)
                assert marker, (path, figure)
                note = re.search(rf'<li id="note-{marker.group(1)}">(.*?)</li>', html, re.S).group(1)
                assert unescape(figure.source_phrase) in unescape(note)
                assert f'<a href="{figure.department.source.get_absolute_url()}">' in note
