"""Every fact on a page cites the words of the hospital's text it rests on.

A page numbers the phrases its facts quote in the order the facts appear (a phrase quoted by
two facts is one note); each fact carries a marker linking to its note, and the page ends with
its sources: each phrase verbatim, with the title of its text, linked to the text's own page,
where the phrase is marked and links back.

What an owner says in its own fields (the header's founding year, grade and other name, the
summary, the description, the motto) rests on its text as a whole, not on one phrase of it: it
cites a note naming that text, linked to its page (`Written`).
"""

import re
from dataclasses import dataclass, field

from django.conf import settings

from departments.models import Hospital, Source
from departments.pages import charts


@dataclass
class Note:
    number: int
    source: Source | None
    phrase: str  # empty: the text as a whole
    cites: list = field(default_factory=list)  # the ids of the markers that cite it, in page order

    @property
    def anchor(self):
        return f"note-{self.number}"


@dataclass(frozen=True)
class Written:
    """An owner's own prose: its header, summary, description and motto, which rest on its text as
    a whole. A page lists it where its summary is, the one part every owner has; the other parts
    cite the same note (`part` names each marker)."""

    owner: object
    part: str = "summary"
    source_phrase: str = ""

    @property
    def source_id(self):
        return self.owner.source_id

    @property
    def key(self):
        return ("text", self.owner.source_id)


@dataclass
class Notes:
    notes: list
    by_fact: dict  # (model label, pk) -> Note; ("text", source name) -> the note of a whole text
    text: Source | None  # the source the page as a whole is written from

    def of(self, fact):
        return self.by_fact.get(key_of(fact))

    def of_text(self, owner):
        """The note naming the text an owner's own prose rests on."""
        return self.by_fact.get(("text", owner.source_id))

    def __bool__(self):
        return bool(self.notes or self.text)


def key_of(item):
    return item.key if isinstance(item, Written) else (item._meta.label_lower, item.pk)


def cite_id(item, part=None):
    """The id of the marker citing a fact, or a part of an owner's own prose."""
    if isinstance(item, Written):
        item, part = item.owner, item.part
    return f"cite-{item._meta.model_name}-{item.pk}" + (f"-{part}" if part else "")


def notes_of(owner, items_in_order):
    """The notes of a page about `owner` (None: a page about several) that shows these facts and
    owners' prose (`Written`), in this order."""
    # The texts come with their owners (select_related); a query only for facts that cite another
    # source.
    sources = {
        item.owner.source_id: item.owner.source
        for item in [Written(owner), *items_in_order]
        if isinstance(item, Written) and item.owner is not None and item.owner.source_id
    }
    others = {item.source_id for item in items_in_order if item.source_id} - set(sources)
    if others:
        sources.update((source.name, source) for source in Source.objects.filter(name__in=others))
    notes, by_phrase, by_fact = [], {}, {}
    for item in items_in_order:
        written = isinstance(item, Written)
        if not (item.source_id and (item.source_phrase or written)):
            continue  # written by an editor from no source: nothing to cite
        key = (item.source_id, item.source_phrase)
        if key not in by_phrase:
            by_phrase[key] = Note(len(notes) + 1, sources.get(item.source_id), item.source_phrase)
            notes.append(by_phrase[key])
        note = by_phrase[key]
        if key_of(item) not in by_fact:
            note.cites.append(cite_id(item))
            by_fact[key_of(item)] = note
    return Notes(notes, by_fact, sources.get(owner.source_id) if owner is not None else None)


def facts_shown(content):
    """The facts a page section shows, in its order: a list of facts, or a chart of them."""
    if isinstance(content, charts.Chart):
        return [row.fact for row in content.rows if row.fact is not None]
    if isinstance(content, list):
        return content
    return []


def department_notes(department, sections):
    """A department's page: its header, then its sections (the description is the first)."""
    shown = [fact for section in sections for fact in facts_shown(section.content)]
    return notes_of(department, [Written(department), *shown])


def cards_shown(departments):
    """What the department cards show: each department's summary and headline figures."""
    return [
        item for department in departments for item in (Written(department), *department.headline_figures)
    ]


def overview_notes(hospital, facts, departments=(), charts=()):
    """The overview shows the hospital's header and figures, the department cards and charts, the
    hospital's description, facilities, recognitions, research and milestones, in this order
    (templates/departments/overview.html)."""
    compared = [fact for chart in charts for fact in facts_shown(chart)]
    kinds = ("facilities", "accreditations", "research", "milestones")
    return notes_of(
        hospital,
        [
            Written(hospital),
            *facts["figures"],
            *cards_shown(departments),
            *compared,
            *(fact for kind in kinds for fact in facts[kind]),
        ],
    )


def directory_notes(departments):
    """The directory shows department cards."""
    return notes_of(None, cards_shown(departments))


def source_text(source):
    """The words of a source text, as the hospital wrote them (fixtures/sources/)."""
    path = settings.SOURCE_TEXTS_DIR / source.name
    return path.read_text(encoding="utf-8") if path.is_file() else None


@dataclass
class Passage:
    text: str
    cited_by: list = field(default_factory=list)  # (page url, note) pairs; empty: not quoted


def passages(text, citations):
    """The text's paragraphs, each a list of passages: what no page quotes, and what pages quote
    (overlapping quotations merged), each with the notes that quote it.

    `citations` are (page url, Note) pairs of notes that quote this text.
    """
    paragraphs = []
    for paragraph in (part.strip() for part in re.split(r"\n\s*\n|\n", text)):
        if not paragraph:
            continue
        spans = []
        for url, note in citations:
            if not note.phrase:
                continue  # the text as a whole: nothing to mark
            start = paragraph.find(note.phrase)
            if start >= 0:
                spans.append([start, start + len(note.phrase), [(url, note)]])
        spans.sort(key=lambda span: span[0])
        merged = []
        for span in spans:
            if merged and span[0] < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], span[1])
                merged[-1][2] += span[2]
            else:
                merged.append(span)
        parts, end = [], 0
        for start, stop, cited_by in merged:
            if start > end:
                parts.append(Passage(paragraph[end:start]))
            parts.append(Passage(paragraph[start:stop], cited_by))
            end = stop
        if end < len(paragraph):
            parts.append(Passage(paragraph[end:]))
        paragraphs.append(parts)
    return paragraphs


def pages_citing(source):
    """(page url, Note) for every note, on the pages of the owners written from this source, that
    quotes it."""
    from departments import selectors
    from departments.pages import sections, views

    found = []
    for hospital in Hospital.objects.filter(source=source):
        # Numbered as the overview numbers them, department cards and charts included.
        departments = list(selectors.overview_departments(hospital)[: views.OVERVIEW_DEPARTMENTS])
        notes = overview_notes(
            hospital, selectors.facts_of(hospital), departments, charts.overview_charts(departments)
        )
        found += [(hospital.get_absolute_url(), note) for note in notes.notes if note.source == source]
    for department in selectors.page_departments().filter(source=source):
        page_sections = sections.of_department(department, selectors.facts_of(department))
        notes = department_notes(department, page_sections)
        found += [(department.get_absolute_url(), note) for note in notes.notes if note.source == source]
    return found
