"""The Chinese admin is Chinese throughout: no English label, heading, help text, button or filter.

An editor logs in and visits, under /zh-hans/admin/, the index, every content model's list, its
add form where an editor may add, and the change form of one row of each. The text a person
reads there, less the content itself (the values of inputs, the rows of a list, the names of
rows in a select or a filter, the name of the row being edited), must hold no Latin-letter word
outside a short allowlist.
"""

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.utils import translation

from departments import models
from tests.support.editors import admin_url

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.support.editor_fixtures"]

# Latin words a Chinese editor reads as they are. Kept short on purpose: each is a name or an
# abbreviation that Chinese text writes in Latin letters too.
ALLOWED = {
    "editor",  # the username of the editor logged in (Django's "欢迎，editor")
    "English",  # the endonym on the English tab and the language switch (README, "Two languages")
    "URL",  # written as such in Chinese web text (网址/URL)
    "SCI",  # the citation index (SCI收录论文), as the hospital's own texts write it
    "PPH",
    "TST",
    "RPH",  # the abbreviations in the help text's example, from the coloproctology text
    "JPEG",
    "PNG",
    "WebP",
    "MB",  # the photo help text's file formats and size unit
}

WORD = re.compile(r"[A-Za-z]+")
# Typed as they are, never translated: a file name, a folder or a slug in a help text's example
# (fixtures/sources/, spine-surgery.txt, annual-report-2024), and the language code modeltranslation
# puts after a label ("简介 [zh-hans]"), which its tabs' script turns into "English" and "简体中文".
NOT_WORDS = re.compile(r"\[(?:en|zh-hans)\]|[A-Za-z0-9_]+(?:[-./][A-Za-z0-9_]+)+/?")
SKIPPED = {"script", "style", "code", "template", "noscript", "textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class VisibleText(HTMLParser):
    """The text a reader sees on an admin page, content left out (see the module's docstring)."""

    def __init__(self, content_filters=(), content_selects=()):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, attrs, skipped)
        self.content_filters = set(content_filters)
        self.content_selects = set(content_selects)
        self.texts = []

    def skips(self, tag, attrs):
        classes = (attrs.get("class") or "").split()
        parent = self.stack[-1] if self.stack else None
        if tag in SKIPPED or attrs.get("lang") == "en":
            return True
        # The changelist's rows: every cell is content (its first column is a <th>).
        if tag == "tbody" and any(t == "table" and a.get("id") == "result_list" for t, a, _ in self.stack):
            return True
        # The choices of a filter on a related row (a department, a source): content names.
        if tag == "ul" and parent and parent[0] == "details":
            return parent[1].get("data-filter-title") in self.content_filters
        # A select of related rows (a source, a department): its options are content names.
        if tag == "select" and (attrs.get("name") or "").rsplit("-", 1)[-1] in self.content_selects:
            return True
        # A tabular inline row names its row (a leader's romanized name) before its change link.
        if tag == "p" and parent and parent[0] == "td" and "original" in (parent[1].get("class") or ""):
            return True
        return "readonly" in classes

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skipped = bool(self.stack and self.stack[-1][2]) or self.skips(tag, attrs)
        if tag in VOID:
            # Django's own search form gives its magnifier alt="Search", hard-coded, not translatable
            # (admin/search_form.html); the button beside it reads 搜索.
            if tag == "img" and self.stack and self.stack[-1][1].get("for") == "searchbar":
                return
            if not skipped:
                for name in ("placeholder", "title", "alt", "aria-label"):
                    if attrs.get(name) and attrs.get("type") != "hidden":
                        self.texts.append(attrs[name])
                if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                    self.texts.append(attrs["value"])
            return
        self.stack.append((tag, attrs, skipped))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not (self.stack and self.stack[-1][2]) and data.strip():
            self.texts.append(data.strip())


def english_words(html, content=(), content_filters=(), content_selects=()):
    parser = VisibleText(content_filters, content_selects)
    parser.feed(html)
    parser.close()
    found = []
    for text in parser.texts:
        for name in content:  # the name of the row being edited, in its title and breadcrumbs
            text = text.replace(name, " ")
        found += [(word, text) for word in WORD.findall(NOT_WORDS.sub(" ", text)) if word not in ALLOWED]
    return found


def content_models():
    return [model for model in admin.site._registry if model._meta.app_label == "departments"]


RELATED = ("hospital", "department", "source")


def related_titles(model):
    """The filter titles of a model's related rows, whose choices are content."""
    with translation.override("zh-hans"):
        return {
            str(model._meta.get_field(name).verbose_name)
            for name in RELATED
            if any(field.name == name for field in model._meta.get_fields())
        }


def one_of_each(model):
    if model is models.Department:
        return model.objects.get(slug="spine-surgery")
    return model.objects.order_by("pk").first()


def pages(editor):
    """Each page to read: (url, the content names on it, the model)."""
    request = RequestFactory().get("/zh-hans/admin/")
    request.user = editor
    yield "/zh-hans/admin/", (), None
    yield "/zh-hans/admin/departments/", (), None
    for model in content_models():
        model_admin = admin.site._registry[model]
        yield admin_url(model, "changelist", language="zh-hans"), (), model
        if model_admin.has_add_permission(request):
            yield admin_url(model, "add", language="zh-hans"), (), model
        row = one_of_each(model)
        if row is not None:
            yield admin_url(model, "change", row.pk, language="zh-hans"), (str(row),), model


def test_every_content_model_is_visited(content):
    """The content has a row of every model the test reads, so no change form goes unread."""
    for model in content_models():
        assert one_of_each(model) is not None, model.__name__


def test_the_chinese_admin_shows_no_english(editor_client, editor, content):
    untranslated = {}
    for url, names, model in pages(editor):
        response = editor_client.get(url)
        assert response.status_code == 200, url
        with translation.override("zh-hans"):
            names = (*names, *(str(name) for name in names))
        for word, text in english_words(
            response.content.decode(),
            content=names,
            content_filters=related_titles(model) if model else (),
            content_selects=RELATED,
        ):
            untranslated.setdefault(word, set()).add(f"{text[:80]!r} on {url}")
    assert not untranslated, "\n".join(
        f"{word}: {'; '.join(sorted(places)[:3])}" for word, places in sorted(untranslated.items())
    )


def test_the_reader_leaves_out_content_and_keeps_labels():
    html = """
    <label for="id_name">name</label><input name="name" value="Spine Surgery" placeholder="Search">
    <table id="result_list"><thead><tr><th>Name</th></tr></thead>
    <tbody><tr><th><a>Spine Surgery</a></th><td>spine</td></tr></tbody></table>
    <span lang="en">Fallback</span><code>slug</code>
    <select name="leader_set-0-source"><option>spine-surgery.txt</option></select>
    <select name="role"><option>Director</option></select>
    <p class="help">例如spine-surgery.txt</p><label>简介 [zh-hans]:</label>
    """
    words = {word for word, _ in english_words(html)}
    assert words == {"name", "Search", "Name", "Director"}
