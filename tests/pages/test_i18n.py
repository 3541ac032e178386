"""The site reads fully in English and fully in Simplified Chinese."""

import ast
import gettext
import json
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.utils import translation
from modeltranslation.translator import translator

from departments.models import Department
from departments.pages.formatting import format_figure
from tests.support.factories import make_department, make_hospital
from tests.support.pages import CONTENT_PAGES, public_urls
from tests.support.project import FIXTURES, ROOT
from tests.support.reading import LATIN_ALLOWED_IN_CHINESE, people_names, visible_text

PUBLIC_PATHS = CONTENT_PAGES
HTML_LANG = {"en": "en", "zh-hans": "zh-Hans"}
RECORDS = [record for path in FIXTURES for record in json.loads(path.read_text())]


@pytest.mark.django_db
@pytest.mark.usefixtures("content")
class TestPages:
    @pytest.mark.parametrize("language", ["en", "zh-hans"])
    @pytest.mark.parametrize("path", PUBLIC_PATHS)
    def test_every_page_has_its_language_alternates_and_canonical(self, client, language, path):
        url = f"/{language}/{path}"
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<html lang="{HTML_LANG[language]}">' in html
        assert f'<link rel="canonical" href="http://testserver{url}">' in html
        assert f'<link rel="alternate" hreflang="en" href="http://testserver/en/{path}">' in html
        assert f'<link rel="alternate" hreflang="zh-Hans" href="http://testserver/zh-hans/{path}">' in html
        assert '<link rel="alternate" hreflang="x-default" href="http://testserver/">' in html

    @pytest.mark.parametrize("path", PUBLIC_PATHS)
    def test_the_switch_links_to_the_same_page_in_the_other_language(self, client, path):
        english = client.get(f"/en/{path}").content.decode()
        chinese = client.get(f"/zh-hans/{path}").content.decode()
        assert f'<a href="/zh-hans/{path}" hreflang="zh-Hans" lang="zh-Hans">简体中文</a>' in english
        assert f'<a href="/en/{path}" hreflang="en" lang="en">English</a>' in chinese

    @pytest.mark.parametrize("path", PUBLIC_PATHS)
    def test_chinese_pages_show_no_english(self, client, path):
        # English fallbacks (marked lang="en") count too: the real content is fully translated.
        # The hospital's own words quoted in the page's sources are English by design, and marked so.
        html = client.get(f"/zh-hans/{path}").content.decode()
        quotes = re.findall(r'<q class="sources__quote"[^>]*>', html)
        assert all('lang="en"' in quote for quote in quotes)
        text = visible_text(html, without_source_quotes=True)
        allowed = LATIN_ALLOWED_IN_CHINESE | people_names()
        english_words = set(re.findall(r"[A-Za-z][A-Za-z'’-]*", text)) - allowed
        assert not english_words, f"English on /zh-hans/{path}: {sorted(english_words)}"

    @pytest.mark.parametrize("path", PUBLIC_PATHS)
    def test_english_pages_show_no_chinese(self, client, path):
        text = visible_text(client.get(f"/en/{path}").content.decode())
        # The language switch names Chinese in Chinese; nothing else is in Han script.
        assert re.findall(r"[\u4e00-\u9fff]+", text) == ["简体中文"]

    @pytest.mark.parametrize("language", ["en", "zh-hans"])
    @pytest.mark.parametrize("slug", [path.split("/")[1] for path in PUBLIC_PATHS[2:]])
    def test_both_languages_show_every_figure_with_its_qualifier(self, client, language, slug):
        department = Department.objects.get(slug=slug)
        with translation.override(language):
            html = unescape(client.get(department.get_absolute_url()).content.decode())
            for item in [*department.staffstats_set.all(), *department.researchfigure_set.all()]:
                assert format_figure(item) in html
                assert str(item.get_metric_display()) in html


def test_every_translated_fixture_field_has_chinese():
    missing = []
    for record in RECORDS:
        model = apps.get_model(record["model"])
        if model not in translator.get_registered_models():
            continue
        for field in translator.get_options_for_model(model).fields:
            english = record["fields"].get(f"{field}_en")
            chinese = record["fields"].get(f"{field}_zh_hans")
            if english and not chinese:
                missing.append(f"{record['model']} {record['fields'].get('slug')}.{field}")
    assert not missing


def test_chinese_fixture_text_uses_latin_only_for_abbreviations_and_names():
    names = {w for r in RECORDS if r["model"] == "departments.leader" for w in r["fields"]["name"].split()}
    for record in RECORDS:
        for key, value in record["fields"].items():
            if key.endswith("_zh_hans") and value:
                latin = set(re.findall(r"[A-Za-z][A-Za-z'’-]*", value)) - LATIN_ALLOWED_IN_CHINESE - names
                assert not latin, f"{record['fields'].get('slug')}.{key}: {latin}"


BLOCKS = {
    "address", "article", "aside", "blockquote", "body", "br", "button", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header",
    "html", "label", "li", "main", "nav", "ol", "option", "p", "section", "select", "table", "td",
    "th", "title", "ul",
}  # fmt: skip
# Boxes of their own, set apart by the layout rather than by a space: a chart's label and value
# (grid cells), a badge.
BOXES = {"chart__label", "chart__value", "badge"}
CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
SPACED = re.compile(rf"{CJK}[ \u00a0]+[A-Za-z0-9]|[A-Za-z0-9%][ \u00a0]+{CJK}")


class ChineseRuns(HTMLParser):
    """The runs of text a reader sees unbroken (inline elements joined as they are, block elements
    and boxes apart), leaving out what is marked as English, source markers and what is not text
    (scripts, styles)."""

    def __init__(self):
        super().__init__()
        self.runs, self.current, self.skipping, self.open = [], [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        self.boundary(tag in BLOCKS or bool(classes & BOXES))
        if tag in ("br", "img", "meta", "link", "input", "source", "wbr"):
            return
        if self.skipping or tag in ("script", "style") or attrs.get("lang") == "en" or "cite" in classes:
            # English meets Chinese by the English rules; a source marker is a superscript.
            self.skipping.append(tag)
            self.current.append("\x00")
        else:
            self.open.append(bool(classes & BOXES))

    def handle_endtag(self, tag):
        if self.skipping:
            if self.skipping[-1] == tag:
                self.skipping.pop()
            return
        box = (
            self.open.pop()
            if self.open and tag not in ("br", "img", "meta", "link", "input", "source", "wbr")
            else False
        )
        self.boundary(tag in BLOCKS or box)

    def boundary(self, applies):
        if applies and not self.skipping:
            self.runs.append("".join(self.current))
            self.current = []

    def handle_data(self, data):
        if not self.skipping:
            self.current.append(data)


def spaced_runs(html):
    """The runs of Chinese text with a space between a Chinese character and a digit or a Latin
    letter (第 2 页, Zhang Duo 教授)."""
    parser = ChineseRuns()
    parser.feed(html)
    parser.close()
    runs = [" ".join(run.split()) for run in [*parser.runs, "".join(parser.current)]]
    return [run for run in runs if SPACED.search(run)]


def test_the_space_check_finds_a_space_between_chinese_and_latin_or_digits():
    assert spaced_runs("<p>第 2 页</p><p><strong>Zhang Duo</strong> 教授</p>") == [
        "第 2 页",
        "Zhang Duo 教授",
    ]
    assert (
        spaced_runs(
            "<p>第2页</p><p>年手术量<strong>超过5,000例</strong></p><li>English</li><li>简体中文</li>"
        )
        == []
    )
    assert spaced_runs('<p>原文：<q lang="en">5 professors</q> 。</p>') == []
    # Grid cells, a badge and a source marker are set apart by the layout, not by a space.
    chart_row = '<li><span class="chart__label">教授</span> <span class="chart__value">5人</span></li>'
    marker = '<sup class="cite"><a href="#note-1">1</a></sup>'
    badge = f'<li>痔微创手术{marker} <strong class="badge">吉林省首家</strong></li>'
    assert spaced_runs(chart_row + badge) == []


@pytest.mark.django_db
@pytest.mark.usefixtures("content")
@pytest.mark.parametrize("url", public_urls("zh-hans"))
def test_chinese_pages_set_no_space_between_chinese_and_digits_or_latin(client, url):
    """One convention, as the content writes it (SCI收录论文, 2020年, 第9位), in the interface too."""
    html = client.get(url).content.decode()
    assert spaced_runs(html) == []


@pytest.mark.django_db
def test_a_missing_chinese_field_falls_back_to_english_marked_as_english(client):
    hospital = make_hospital()
    department = make_department(hospital, slug="new", summary_en="Only in English.", summary_zh_hans="")
    html = client.get(f"/zh-hans/departments/{department.slug}/").content.decode()
    assert '<p class="lead"><span lang="en">Only in English.</span>' in html
    english = client.get(f"/en/departments/{department.slug}/").content.decode()
    assert '<p class="lead"><span>Only in English.</span>' in english


def test_dates_and_numbers_follow_each_language():
    from datetime import date

    from django.template import Context, Template

    template = Template('{{ day|date:"DATE_FORMAT" }} | {{ month|date:"YEAR_MONTH_FORMAT" }} | {{ year }}')
    context = Context({"day": date(2026, 11, 23), "month": date(2005, 11, 1), "year": 2005})
    with translation.override("en"):
        assert template.render(context) == "23 November 2026 | November 2005 | 2005"
    with translation.override("zh-hans"):
        assert template.render(context) == "2026年11月23日 | 2005年11月 | 2005"


def read_po(path):
    """msgid -> msgstr for the translated, non-fuzzy entries of a .po file."""
    catalog = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        if any(line.startswith("#,") and "fuzzy" in line for line in lines):
            continue
        fields, current = {}, None
        for line in lines:
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$', line)
            if match:
                current = match.group(1)
                fields[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        msgid = fields.get("msgid")
        key = f"{fields['msgctxt']}\x04{msgid}" if msgid and "msgctxt" in fields else msgid
        if msgid and fields.get("msgstr"):
            catalog[key] = fields["msgstr"]
        # A plural: one string per form, as gettext keys them.
        for name, text in fields.items():
            form = re.fullmatch(r"msgstr\[(\d)\]", name)
            if msgid and form and text:
                catalog[(key, int(form.group(1)))] = text
    return catalog


def read_entries(path):
    """(msgid, [its msgstr or each msgstr[n]]) for every live entry of a .po file but the header."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields, current = {}, None
        for line in block.splitlines():
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$', line)
            if match:
                current = match.group(1)
                fields[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        if fields.get("msgid"):
            entries.append(
                (fields["msgid"], [text for name, text in fields.items() if name.startswith("msgstr")])
            )
    return entries


def test_compiled_messages_match_their_source():
    po = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    with open(po.with_suffix(".mo"), "rb") as mo:
        compiled = {k: v for k, v in gettext.GNUTranslations(mo)._catalog.items() if k}
    assert compiled == read_po(po), "run `manage.py compilemessages` and commit the .mo"


def test_every_interface_string_is_translated():
    po = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    text = po.read_text(encoding="utf-8")
    assert "#, fuzzy\nmsgid" not in text.split("\n\n", 1)[1]
    # Every entry, single-line or multi-line, singular or plural, has its Chinese.
    entries = read_entries(po)
    untranslated = [msgid for msgid, strings in entries if not all(strings)]
    assert entries and not untranslated


def test_chinese_headings_of_the_hospital():
    with translation.override("zh-hans"):
        from django.utils.translation import gettext

        assert gettext("The First Hospital of Jilin University") == "吉林大学第一医院"


@pytest.mark.django_db
@pytest.mark.usefixtures("content")
def test_hospital_chinese_names():
    department = Department.objects.select_related("hospital").first()
    with translation.override("zh-hans"):
        assert department.hospital.name == "吉林大学第一医院"
        assert department.hospital.other_name == "吉林大学白求恩第一医院"
