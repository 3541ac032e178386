"""Every fact on a page cites the words of the hospital's text it rests on.

A page numbers the phrases its facts quote in the order the facts appear (a phrase quoted by
two facts is one note); each fact carries a marker linking to its note, and the page ends with
its sources: each phrase verbatim, with the title of its text, linked to the text's own page,
where the phrase is marked and links back.
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
    phrase: str
    cites: list = field(default_factory=list)  # the ids of the markers that cite it, in page order

    @property
    def anchor(self):
        return f"note-{self.number}"


@dataclass
class Notes:
    notes: list
    by_fact: dict  # (model label, pk) -> Note
    text: Source | None  # the source the page as a whole is written from

    def of(self, fact):
        return self.by_fact.get((fact._meta.label_lower, fact.pk))

    def __bool__(self):
        return bool(self.notes or self.text)


def cite_id(fact):
    return f"cite-{fact._meta.model_name}-{fact.pk}"


def notes_of(owner, facts_in_order):
    """The notes of a page about `owner` that shows these facts, in this order."""
    # The page's own text comes with the owner (select_related); a query only for facts that
    # cite another source.
    sources = {owner.source_id: owner.source} if owner.source_id else {}
    others = {fact.source_id for fact in facts_in_order if fact.source_id} - set(sources)
    if others:
        sources.update((source.name, source) for source in Source.objects.filter(name__in=others))
    notes, by_phrase, by_fact = [], {}, {}
    for fact in facts_in_order:
        if not (fact.source_id and fact.source_phrase):
            continue  # written by an editor from no source: nothing to cite
        key = (fact.source_id, fact.source_phrase)
        if key not in by_phrase:
            by_phrase[key] = Note(len(notes) + 1, sources.get(fact.source_id), fact.source_phrase)
            notes.append(by_phrase[key])
        note = by_phrase[key]
        note.cites.append(cite_id(fact))
        by_fact[(fact._meta.label_lower, fact.pk)] = note
    return Notes(notes, by_fact, sources.get(owner.source_id))


def facts_shown(content):
    """The facts a page section shows, in its order: a list of facts, or a chart of them."""
    if isinstance(content, charts.Chart):
        return [row.fact for row in content.rows if row.fact is not None]
    if isinstance(content, list):
        return content
    return []


def department_notes(department, sections):
    return notes_of(department, [fact for section in sections for fact in facts_shown(section.content)])


def overview_notes(hospital, facts):
    """The overview shows the hospital's figures, facilities, recognitions, research and
    milestones, in this order (templates/departments/overview.html)."""
    kinds = ("figures", "facilities", "accreditations", "research", "milestones")
    return notes_of(hospital, [fact for kind in kinds for fact in facts[kind]])


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
    from departments.pages import sections

    found = []
    for hospital in Hospital.objects.filter(source=source):
        notes = overview_notes(hospital, selectors.facts_of(hospital))
        found += [(hospital.get_absolute_url(), note) for note in notes.notes if note.source == source]
    for department in selectors.page_departments().filter(source=source):
        page_sections = sections.of_department(department, selectors.facts_of(department))
        notes = department_notes(department, page_sections)
        found += [(department.get_absolute_url(), note) for note in notes.notes if note.source == source]
    return found
