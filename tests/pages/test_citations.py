"""Every fact on a page cites the hospital's words it rests on, and a reader can follow each to
its place in the hospital's own text (departments/pages/citations.py)."""

import re
from html import unescape

import pytest
from django.test import Client

from departments import selectors
from departments.models import Department, Hospital, Source, StaffStats
from departments.pages import citations, sections
from tests.support.pages import DEPARTMENT_SLUGS, LANGUAGES
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


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("slug", OWNERS)
def test_every_fact_on_a_page_links_to_the_words_it_rests_on(language, slug):
    owner, facts = owner_and_facts(slug)
    html = Client().get(f"/{language}{owner.get_absolute_url()[3:]}").content.decode()
    notes = notes_on(html)
    assert notes, "the page ends with its sources"
    assert sorted(notes) == list(range(1, len(notes) + 1))
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
        r'<q class="sources__quote" lang="en">31 nurses</q> — Annual report 2025, 31 March 2026', html
    )
    beds = StaffStats.objects.get(department=spine, slug="beds")
    assert citations.cite_id(beds) not in html
