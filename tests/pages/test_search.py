"""Search: a patient finds the department, and the section of its page, by what they know."""

import json
import re
from html import unescape
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from departments.models import Department, Leader
from departments.pages import search
from tests.support.factories import make_department, make_hospital
from tests.support.project import FIXTURES


def results_of(client, url):
    """(result name, [(section anchor URL, text)]) for each result on the page, in order."""
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    found = []
    for block in html.split('<li class="result">')[1:]:
        name = re.search(r'<h3 class="result__title"><a href="([^"]+)"[^>]*>(.*?)</a>', block)
        matches = re.findall(
            r'class="result__section">[^<]*</span>\s*<a href="([^"]+)"[^>]*>(.*?)</a>', block
        )
        found.append((strip(name.group(2)), [(href, strip(text)) for href, text in matches]))
    return found


def strip(html):
    return unescape(re.sub(r"<[^>]+>", "", html))


@pytest.mark.usefixtures("content")
class TestFinding:
    def test_a_department_by_its_name_in_each_language(self, client):
        assert results_of(client, "/en/search/?q=spine")[0][0] == "Spine Surgery"
        assert results_of(client, "/zh-hans/search/?q=整形")[0][0] == "整形美容外科"

    def test_chinese_is_matched_by_substring_without_word_breaks(self, client):
        # 脊柱 ("spine") is inside 脊柱外科, 脊柱畸形, 脊柱肿瘤...; nothing separates the words.
        (result,) = results_of(client, "/zh-hans/search/?q=脊柱")
        name, matches = result
        assert name == "脊柱外科"
        assert ("/zh-hans/departments/spine-surgery/#conditions", "脊柱肿瘤") in matches

    def test_a_condition_links_to_the_conditions_section(self, client):
        ((name, matches),) = results_of(client, "/en/search/?q=spinal tumour")
        assert name == "Spine Surgery"
        assert matches == [("/en/departments/spine-surgery/#conditions", "Spinal tumours")]

    def test_a_procedure_by_name_or_abbreviation(self, client):
        ((name, matches),) = results_of(client, "/en/search/?q=PPH")
        assert name == "Colorectal and Anal Surgery"
        assert all(href == "/en/departments/colorectal-anal-surgery/#procedures" for href, _text in matches)
        procedure = Department.objects.get(slug="colorectal-anal-surgery").procedure_set.get(
            abbreviations__contains="PPH"
        )
        with translation.override("zh-hans"):
            chinese_name = procedure.name
        results = results_of(client, f"/zh-hans/search/?q={chinese_name[:4]}")
        assert ("/zh-hans/departments/colorectal-anal-surgery/#procedures", chinese_name) in results[0][1]

    def test_a_leader_by_name_with_title_and_role_as_the_page_writes_them(self, client):
        leader = Leader.objects.get(name="Zhang Shaokun")
        html = unescape(client.get("/en/search/?q=Shaokun").content.decode())
        ((name, matches),) = results_of(client, "/en/search/?q=Shaokun")
        assert name == "Spine Surgery"
        assert matches == [("/en/departments/spine-surgery/#leaders", "Professor Zhang Shaokun")]
        assert f" ({leader.get_role_display()})" in strip(html)
        # Names keep their romanization on the Chinese pages, and are found there too: the name
        # before the title, full-width brackets, no space after the full-width colon.
        with translation.override("zh-hans"):
            role = str(leader.get_role_display())
        response = client.get("/zh-hans/search/?q=zhang shaokun")
        ((name, matches),) = results_of(client, "/zh-hans/search/?q=zhang shaokun")
        assert name == "脊柱外科" and matches == [
            ("/zh-hans/departments/spine-surgery/#leaders", "Zhang Shaokun教授")
        ]
        assert f"科室领导：Zhang Shaokun教授（{role}）" in strip(response.content.decode())

    def test_an_accreditation_by_name_or_granting_body(self, client):
        results = dict(results_of(client, "/en/search/?q=Gastrointestinal Tumor Bioinformatics"))
        assert [href for href, _text in results["Gastrointestinal Surgery"]] == [
            "/en/departments/gastrointestinal-surgery/#accreditations"
        ]
        results = dict(results_of(client, "/en/search/?q=Ministry of Education"))
        # The hospital's own recognitions are on the overview.
        hospital = results["The First Hospital of Jilin University"]
        assert hospital and all(href == "/en/#accreditations" for href, _text in hospital)

    def test_one_language_can_be_typed_on_the_other_languages_pages(self, client):
        assert results_of(client, "/en/search/?q=脊柱肿瘤") == [
            ("Spine Surgery", [("/en/departments/spine-surgery/#conditions", "Spinal tumours")])
        ]
        assert results_of(client, "/zh-hans/search/?q=Spinal tumours") == [
            ("脊柱外科", [("/zh-hans/departments/spine-surgery/#conditions", "脊柱肿瘤")])
        ]

    def test_every_word_must_match_in_any_case(self, client):
        assert results_of(client, "/en/search/?q=SPINAL   Tumours") == results_of(
            client, "/en/search/?q=spinal tumours"
        )
        assert results_of(client, "/en/search/?q=spinal rhinoplasty") == []

    def test_results_follow_the_directory_order_and_the_page_order(self, client):
        names = [name for name, _matches in results_of(client, "/en/search/?q=surgery")]
        assert names[: len(Department.objects.all())] == [d.name for d in Department.objects.all()]
        sections = [
            href.rsplit("#", 1)[1]
            for href, _text in dict(results_of(client, "/en/search/?q=spin"))["Spine Surgery"]
        ]
        assert sections == sorted(
            sections, key=["conditions", "procedures", "leaders", "accreditations"].index
        )

    def test_the_matched_words_are_marked(self, client):
        html = client.get("/en/search/?q=tumour").content.decode()
        assert "Spinal <mark>tumour</mark>s" in html

    def test_the_language_switch_keeps_the_search(self, client):
        html = client.get("/en/search/?q=spine").content.decode()
        assert '<a href="/zh-hans/search/?q=spine" hreflang="zh-Hans" lang="zh-Hans">简体中文</a>' in html


@pytest.mark.usefixtures("content")
class TestTheWordsPatientsUse:
    """Patients type words the texts spell or say otherwise (American spelling, the everyday
    name, Chinese run together with 手术 "operation"): the texts' word is searched as well."""

    @pytest.mark.parametrize(
        ("url", "department", "match"),
        [
            ("/en/search/?q=hemorrhoids", "Colorectal and Anal Surgery", "Haemorrhoids"),
            ("/en/search/?q=hemorrhoid", "Colorectal and Anal Surgery", "Haemorrhoids"),
            ("/en/search/?q=piles", "Colorectal and Anal Surgery", "Haemorrhoids"),
            (
                "/en/search/?q=hemorrhoid surgery",
                "Colorectal and Anal Surgery",
                "Minimally invasive surgery for haemorrhoids",
            ),
            ("/en/search/?q=tumors", "Spine Surgery", "Spinal tumours"),
            (
                "/en/search/?q=stomach cancer",
                "Gastrointestinal Surgery",
                "Gastric Cancer Demonstration Base — China Anti-Cancer Association",
            ),
            ("/en/search/?q=colon cancer", "Colorectal and Anal Surgery", "Colorectal cancer"),
            ("/en/search/?q=herniated disc", "Spine Surgery", "Degenerative spinal diseases"),
            ("/en/search/?q=slipped disc", "Spine Surgery", "Degenerative spinal diseases"),
            ("/zh-hans/search/?q=痔疮手术", "结直肠肛门外科", "痔疮"),
            ("/zh-hans/search/?q=胃癌手术", "胃肠外科", "中国抗癌协会胃癌示范基地"),
            ("/zh-hans/search/?q=胃癌治疗", "胃肠外科", "中国抗癌协会胃癌示范基地"),
            ("/zh-hans/search/?q=结肠癌", "结直肠肛门外科", "结直肠癌"),
        ],
    )
    def test_finds_the_department_whose_texts_say_it_otherwise(self, client, url, department, match):
        results = dict(results_of(client, url))
        assert match in [text for _href, text in results[department]]

    def test_what_was_typed_is_searched_too(self, client):
        # "Tumor" is in one recognition's name as the text spells it; "tumour" everywhere else.
        results = dict(results_of(client, "/en/search/?q=tumor"))
        texts = [text for _href, text in results["Gastrointestinal Surgery"]]
        assert "Jilin Provincial Key Laboratory of Gastrointestinal Tumor Bioinformatics" in texts
        assert "Gastrointestinal tumours" in texts
        assert results["Spine Surgery"] == [("/en/departments/spine-surgery/#conditions", "Spinal tumours")]

    def test_the_words_found_for_the_typed_ones_are_marked(self, client):
        assert "<mark>Haemorrhoids</mark>" in client.get("/en/search/?q=hemorrhoids").content.decode()
        assert "<mark>Haemorrhoid</mark>s" in client.get("/en/search/?q=piles").content.decode()
        assert "<mark>痔疮</mark>" in client.get("/zh-hans/search/?q=痔疮手术").content.decode()
        assert "<mark>结直肠癌</mark>" in client.get("/zh-hans/search/?q=结肠癌").content.decode()

    def test_the_query_stays_what_was_typed(self, client):
        query = search.parse("Hemorrhoids 痔疮手术")
        assert query.text == "Hemorrhoids 痔疮手术"
        assert query.terms == ["hemorrhoids", "痔疮手术"]
        assert 'value="hemorrhoids"' in client.get("/en/search/?q=hemorrhoids").content.decode()

    @pytest.mark.parametrize(
        "url", ["/en/search/?q=back pain", "/en/search/?q=sciatica", "/zh-hans/search/?q=腰痛"]
    )
    def test_a_symptom_leads_to_no_department(self, client, url):
        # Same words only: a symptom pointing to a department would be medical advice.
        assert results_of(client, url) == []
        assert not {"back", "pain", "sciatica", "腰痛"} & set(search.SAME_WORDS)


def test_variants_of_a_term():
    assert search.variants("hemorrhoids") == ("hemorrhoids", "haemorrhoids")
    assert search.variants("piles") == ("piles", "haemorrhoid")
    assert search.variants("spine") == ("spine",)
    assert search.variants("痔疮手术") == ("痔疮手术", "痔疮")
    assert search.variants("胃癌治疗") == ("胃癌治疗", "胃癌")
    assert search.variants("结肠癌手术") == ("结肠癌手术", "结肠癌", "结直肠癌手术", "结直肠癌")
    # At least two characters must remain: 手术 alone, or 胃 ("stomach"), is no search for an operation.
    assert search.variants("手术") == ("手术",)
    assert search.variants("胃手术") == ("胃手术",)


def test_the_table_of_words_keeps_its_rule():
    """Lower case (terms are); the texts' word contains no typed word (so a variant's variants
    end); and the texts really use it."""
    content = " ".join(
        json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False) for path in FIXTURES
    ).lower()
    for typed, written in search.SAME_WORDS.items():
        assert typed == typed.lower() and written == written.lower()
        assert not any(word in written for word in search.SAME_WORDS), written
        assert written in content, written


# Words of the table, words the texts use, Chinese endings and anything else.
SEARCH_WORDS = st.one_of(
    st.sampled_from(
        [
            *search.SAME_WORDS,
            *search.SAME_WORDS.values(),
            *search.CHINESE_ENDINGS,
            "cancer",
            "disc",
            "surgery",
            "spinal",
            "base",
            "痔疮",
            "胃癌",
            "结肠癌",
            "脊柱",
            "a",
        ]
    ),
    st.text(alphabet="aeiorst胃癌肠结痔疮手术治疗", min_size=1, max_size=6),
)
SEARCH_TERMS = st.tuples(SEARCH_WORDS, st.sampled_from(["", *search.CHINESE_ENDINGS])).map("".join)


@pytest.mark.usefixtures("content")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(terms=st.lists(SEARCH_TERMS, min_size=1, max_size=3))
# The texts spell one name "Tumor": the typed word must still find it.
@example(terms=["tumor"])
@example(terms=["colon", "cancer"])
@example(terms=["结肠癌手术"])
def test_the_words_the_texts_use_never_lose_a_result(terms):
    """Whatever is typed, every department and fact found by the typed words alone is found."""

    def found(query):
        with translation.override("en"):
            results = search.run(query)
        return {(result.name, None) for result in results} | {
            (result.name, match.text) for result in results for match in result.matches
        }

    query = search.parse(" ".join(terms))
    with mock.patch.object(search, "SAME_WORDS", {}), mock.patch.object(search, "CHINESE_ENDINGS", ()):
        typed_only = found(query)
    assert typed_only <= found(query)


@pytest.mark.usefixtures("content")
class TestAnyInput:
    """Whatever is typed, the answer is a normal page."""

    @pytest.mark.parametrize(
        "query",
        [
            "",
            " ",
            "%00",
            "%00spine",
            "<script>alert(1)</script>",
            "😀",
            "👩‍⚕️ 脊柱",
            "%",
            "_",
            "\\",
            "'\"",
            "%FF%FE",
            "q=1&q=2",
        ],
    )
    def test_odd_queries_give_a_normal_page(self, client, query, django_assert_max_num_queries):
        with django_assert_max_num_queries(4):
            response = client.get(f"/en/search/?q={query}")
        assert response.status_code == 200
        html = response.content.decode()
        assert "<script>alert" not in html
        assert "\x00" not in html
        assert "<h1>Search</h1>" in html

    def test_a_nul_byte_is_dropped_not_searched(self, client):
        assert results_of(client, "/en/search/?q=%00spine") == results_of(client, "/en/search/?q=spine")

    def test_a_huge_query_is_shortened_and_says_so(self, client, django_assert_max_num_queries):
        with django_assert_max_num_queries(4):
            response = client.get("/en/search/", {"q": "spine " + "x" * 10_000})
        assert response.status_code == 200
        html = unescape(response.content.decode())
        assert "Only the first 100 characters of your search were used." in html
        assert 'maxlength="100"' in html
        assert len(response.content) < 40_000

    def test_the_query_is_shown_escaped(self, client):
        html = client.get("/en/search/", {"q": "<b>bold</b>"}).content.decode()
        assert "<b>bold</b>" not in html
        assert "&lt;b&gt;bold&lt;/b&gt;" in html

    def test_nothing_found_says_so_and_offers_the_directory(self, client):
        html = unescape(client.get("/en/search/?q=zzzz").content.decode())
        assert "Nothing found for “zzzz”" in html
        assert 'href="/en/departments/"' in html

    def test_the_empty_page_invites_a_search(self, client):
        html = client.get("/zh-hans/search/").content.decode()
        assert '<input id="search-q" type="search" name="q" value=""' in html
        assert '<label for="search-q">' in html
        assert 'class="results"' not in html


@pytest.mark.usefixtures("content")
@pytest.mark.parametrize(
    "query", ["spine", "脊柱", "surgery", "a b c d e f g h i j", "hemorrhoid tumor colon", "结肠癌手术"]
)
def test_search_costs_at_most_four_queries(client, django_assert_max_num_queries, query):
    with django_assert_max_num_queries(4):
        assert client.get("/zh-hans/search/", {"q": query}).status_code == 200


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_content(client):
    hospital = make_hospital()
    make_department(hospital, slug="one", name_en="Spine one")
    with CaptureQueriesContext(connection) as few:
        client.get("/en/search/?q=spine")
    for index in range(10):
        department = make_department(hospital, slug=f"more-{index}", name_en=f"Spine {index}")
        department.condition_set.create(slug="c", name_en="Spine condition", name_zh_hans="脊柱病")
        department.leader_set.create(slug="l", name="Spine Leader", role="director")
    with CaptureQueriesContext(connection) as many:
        client.get("/en/search/?q=spine")
    assert len(many.captured_queries) == len(few.captured_queries) <= 4
    results = results_of(client, "/en/search/?q=spine")
    assert sorted(len(matches) for _name, matches in results) == [0] + [2] * 10


@pytest.mark.django_db
def test_an_untranslated_result_is_marked_as_english(client):
    hospital = make_hospital()
    make_department(hospital, slug="new", name_en="Hand Surgery", name_zh_hans="", summary_zh_hans="")
    html = client.get("/zh-hans/search/?q=hand").content.decode()
    assert '<a href="/zh-hans/departments/new/" lang="en"><mark>Hand</mark> Surgery</a>' in html


def test_parse_makes_any_text_safe_to_search():
    assert search.parse("  Spinal\t\ttumour \n").terms == ["spinal", "tumour"]
    assert search.parse("spine\x00\x1f\u200bsurgery").terms == ["spine", "surgery"]
    assert search.parse("a A a").terms == ["a"]
    assert not search.parse("\x00 \t")
    long = search.parse("x" * 10_000)
    assert long.shortened and len(long.text) == search.MAX_QUERY_LENGTH
    assert len(search.parse(" ".join(str(n) for n in range(50))).terms) == search.MAX_TERMS
    assert search.parse("脊柱肿瘤").terms == ["脊柱肿瘤"]


@pytest.mark.django_db
def test_a_search_matching_every_department_lists_the_first_and_says_so(client):
    hospital = make_hospital()
    for number in range(search.MAX_DEPARTMENTS + 5):
        make_department(hospital, slug=f"department-{number:03}", position=number)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/search/?q=department")
    assert len(queries.captured_queries) <= 4
    listed = re.findall(
        r'<h3 class="result__title"><a href="/en/departments/(department-\d+)/"', response.text
    )
    assert listed == [f"department-{number:03}" for number in range(search.MAX_DEPARTMENTS)]
    assert f"More than {search.MAX_DEPARTMENTS} departments match" in unescape(response.text)


@pytest.mark.usefixtures("content")
def test_a_search_with_few_results_says_nothing_about_more(client):
    response = client.get("/en/search/?q=spine")
    assert "departments match; the first" not in unescape(response.text)


@pytest.mark.usefixtures("content")
def test_a_fact_of_the_hospital_that_the_overview_does_not_show_is_not_linked_to_it(client):
    """Only the hospital's recognitions have a section on the overview: a search must not link
    to a section that is not there."""
    from departments.models import Condition, Hospital

    Condition.objects.create(hospital=Hospital.objects.get(), slug="zebra", name_en="Zebracondition")
    html = client.get("/en/search/", {"q": "zebracondition"}).content.decode()
    assert "/en/#conditions" not in html
