"""Conditions and procedures A–Z (departments/pages/a_to_z.py): a patient who knows only the name
of what ails them finds the department, in English alphabetical order or in Chinese pinyin order."""

import json
import re
from html import unescape

import pytest
from django.test import Client
from django.utils import translation

from departments.models import Condition, Procedure
from departments.pages import a_to_z
from tests.support.reading import visible_text

pytestmark = pytest.mark.usefixtures("content")


def entries_of(html):
    """(letter, name, link) in page order."""
    found = []
    for letter, body in re.findall(r'<h2 id="letter-(.)">.\s*</h2>(.*?)</ul>', html, re.S):
        for link, name in re.findall(r'<li><a href="([^"]+)"><span[^>]*>([^<]+)</span></a>', body):
            found.append((letter, unescape(name), link))
    return found


def test_every_condition_and_procedure_of_every_department_is_listed_once_in_each_language():
    wanted = Condition.objects.filter(department__isnull=False).count()
    wanted += Procedure.objects.filter(department__isnull=False).count()
    for language in ("en", "zh-hans"):
        html = Client().get(f"/{language}/conditions/").content.decode()
        assert len(entries_of(html)) == wanted


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_abbreviation_is_shown_once_where_the_name_already_spells_it(language):
    """ "Stapled transanal rectal resection (STARR) for …" gets no second "(STARR)" after it; a name
    without its abbreviations gets them in brackets after it."""
    text = visible_text(Client().get(f"/{language}/conditions/").content.decode())
    procedures = Procedure.objects.filter(department__isnull=False).exclude(abbreviations="")
    assert procedures.count() >= 3
    for procedure in procedures:
        first = procedure.abbreviations.split(",")[0]
        assert text.count(first) == 1, (procedure.abbreviations, language)


def test_english_is_in_alphabetical_order_under_each_first_letter():
    entries = entries_of(Client().get("/en/conditions/").content.decode())
    names = [name for _letter, name, _link in entries]
    assert names == sorted(names, key=str.casefold)
    assert all(name[0].upper() == letter for letter, name, _link in entries)


def test_chinese_is_filed_and_ordered_by_pinyin():
    entries = entries_of(Client().get("/zh-hans/conditions/").content.decode())
    letters = {name: letter for letter, name, _link in entries}
    order = [name for _letter, name, _link in entries]
    assert (letters["骨质疏松症"], letters["脊柱结核"]) == ("G", "J")
    assert order.index("骨质疏松症") < order.index("脊柱结核")
    # Within a letter, by syllable: 脊髓 (ji sui) before 脊柱 (ji zhu), both before 结直肠 (jie).
    assert order.index("脊髓损伤") < order.index("脊柱结核") < order.index("结直肠癌")
    letters_in_order = [letter for letter, _name, _link in entries]
    assert letters_in_order == sorted(letters_in_order)


def test_unicode_order_would_be_wrong_which_is_why_pinyin_is_used():
    with translation.override("zh-hans"):
        assert sorted(["脊柱结核", "骨质疏松症"]) == ["脊柱结核", "骨质疏松症"]  # 脊 U+810A < 骨 U+9AA8
        assert sorted(["脊柱结核", "骨质疏松症"], key=a_to_z.reading) == ["骨质疏松症", "脊柱结核"]
        assert a_to_z.letter_of("PPH") == "P" and a_to_z.letter_of("96608") == "#"


def test_each_entry_links_to_the_section_of_its_departments_page_that_names_it():
    client = Client()
    for _letter, name, link in entries_of(client.get("/en/conditions/").content.decode()):
        page, section = link.split("#")
        html = client.get(page).content.decode()
        assert f'<h2 id="{section}">' in html
        part = html.split(f'<h2 id="{section}">', 1)[1].split("</section>", 1)[0]
        assert name in unescape(part)


def test_the_letters_jump_to_their_groups_and_the_page_reads_as_chinese():
    html = Client().get("/zh-hans/conditions/").content.decode()
    for letter in re.findall(r'<a href="#letter-(.)">', html):
        assert f'<h2 id="letter-{letter}">' in html
    text = visible_text(html)
    assert "疾病与诊疗技术索引" in text and "诊疗技术，结直肠肛门外科" in text.replace("， ", "，")


def test_it_is_an_item_list_for_search_engines_in_the_sitemap_and_linked_from_search():
    client = Client()
    html = client.get("/en/conditions/").content.decode()
    blocks = [
        json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)
    ]
    items = next(block for block in blocks if block["@type"] == "ItemList")
    assert items["numberOfItems"] == len(items["itemListElement"]) == len(entries_of(html))
    assert {element["item"]["@type"] for element in items["itemListElement"]} == {
        "MedicalCondition",
        "MedicalProcedure",
    }
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/en/conditions/</loc>" in sitemap and "/zh-hans/conditions/</loc>" in sitemap
    assert 'href="/en/conditions/"' in client.get("/en/search/?q=spine").content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_it_costs_a_fixed_number_of_queries(django_assert_num_queries, language):
    """The conditions, the procedures (each with its department), and the navigation."""
    from django.test import RequestFactory

    from departments.pages import views

    request = RequestFactory(headers={"host": "localhost"}).get(f"/{language}/conditions/")
    with translation.override(language), django_assert_num_queries(3):
        response = views.conditions(request)
    assert response.status_code == 200
