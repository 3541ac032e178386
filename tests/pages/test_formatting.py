from types import SimpleNamespace

import pytest
from django.utils import translation

from departments.pages.formatting import format_figure


def figure(value, qualifier="exact", unit="count"):
    return SimpleNamespace(value=value, qualifier=qualifier, unit=unit)


@pytest.mark.parametrize(
    ("item", "english", "chinese"),
    [
        (figure(7000, "more_than"), "more than 7,000", "超过7,000"),
        (figure(30000, "nearly"), "nearly 30,000", "近30,000"),
        (figure(70, "more_than", "percent"), "more than 70%", "超过70%"),
        (figure(5000, "over"), "over 5,000", "超过5,000"),
        (figure(155), "155", "155"),
        (figure(10_000_000, "over", "yuan"), "over 10 million yuan", "超过1,000万元"),
        (figure(20_000_000, "exact", "yuan"), "20 million yuan", "2,000万元"),
        (figure(9, "exact", "rank"), "9th", "第9位"),
        # A sum whose text names no currency keeps none (spine: "more than 10 million scientific
        # research funds").
        (figure(10_000_000, "more_than"), "more than 10 million", "超过1,000万"),
        (figure(549_500, "exact", "m2"), "549,500 m²", "549,500平方米"),
        (figure(100, "hundreds"), "hundreds", "数百"),
    ],
)
def test_figures_keep_their_qualifier_in_both_languages(item, english, chinese):
    with translation.override("en"):
        assert format_figure(item) == english
    with translation.override("zh-hans"):
        assert format_figure(item) == chinese


def counted(metric, value, qualifier="exact"):
    from departments.models import StaffStats

    return StaffStats(metric=metric, value=value, qualifier=qualifier, unit="count")


@pytest.mark.parametrize(
    ("item", "english", "chinese"),
    [
        (
            counted("annual_operations", 5000, "more_than"),
            "<strong>more than 5,000</strong> operations a year",
            "年手术量<strong>超过5,000例</strong>",
        ),
        (counted("beds", 51), "<strong>51</strong> beds", "床位<strong>51张</strong>"),
        (
            counted("annual_operations", 8000, "nearly"),
            "<strong>nearly 8,000</strong> operations a year",
            "年手术量<strong>近8,000例</strong>",
        ),
        (
            counted("annual_outpatients", 30000, "nearly"),
            "<strong>nearly 30,000</strong> outpatient visits a year",
            "年门诊量<strong>近30,000人次</strong>",
        ),
        (counted("professors", 5), "<strong>5</strong> professors", "教授<strong>5人</strong>"),
    ],
)
def test_a_figure_with_its_label_reads_in_each_languages_order(item, english, chinese):
    """Label before figure in Chinese, with the figure's measure word (例, 张, 人次, 人)."""
    from departments.templatetags.hospital import labelled_figure

    with translation.override("en"):
        assert labelled_figure(item) == english
    with translation.override("zh-hans"):
        assert labelled_figure(item) == chinese


def test_research_counts_take_their_measure_words():
    from departments.models import ResearchFigure

    papers = ResearchFigure(metric="papers", value=400, qualifier="more_than", unit="count")
    projects = ResearchFigure(metric="projects", value=60, qualifier="more_than", unit="count")
    several = ResearchFigure(metric="sci_papers", value=100, qualifier="hundreds", unit="count")
    with translation.override("zh-hans"):
        assert [format_figure(item) for item in (papers, projects, several)] == [
            "超过400篇",
            "超过60项",
            "数百篇",
        ]


def recognition_of(**fields):
    from departments.models import Accreditation

    return Accreditation(kind="designation", **fields)


@pytest.mark.parametrize(
    ("fields", "english", "chinese"),
    [
        (
            {
                "name_en": "Key laboratory",
                "name_zh_hans": "重点实验室",
                "granting_body_en": "Ministry of Education",
                "granting_body_zh_hans": "教育部",
            },
            'Key laboratory</span> — <span class="accreditation__body">Ministry of Education</span>',
            '<span class="accreditation__body">教育部</span><span>重点实验室</span>',
        ),
        (
            {
                "name_en": "Key laboratories of Jilin Province",
                "name_zh_hans": "吉林省重点实验室",
                "count": 14,
            },
            "<span>Key laboratories of Jilin Province</span>: 14",
            "<span>吉林省重点实验室</span>14个",
        ),
        (
            {"name_en": "National key discipline", "name_zh_hans": "国家重点学科", "count": 1},
            "<span>National key discipline</span>",
            "<span>国家重点学科</span>",
        ),
        (
            {
                "name_en": "Top ten",
                "name_zh_hans": "前十名",
                "granting_body_en": "Fudan University",
                "granting_body_zh_hans": "复旦大学",
                "year": 2017,
            },
            ' <span class="accreditation__year">(2017)</span>',
            '<span>前十名</span><span class="accreditation__year">（2017年）</span>',
        ),
    ],
)
def test_a_recognition_names_its_granting_body_first_in_chinese(fields, english, chinese):
    """教育部重点实验室, 吉林省重点实验室14个; never "17 ×" or "1 ×"."""
    from departments.templatetags.hospital import recognition

    with translation.override("en"):
        assert english in recognition(recognition_of(**fields))
        assert "×" not in recognition(recognition_of(**fields))
    with translation.override("zh-hans"):
        assert chinese in recognition(recognition_of(**fields))


def test_a_persons_name_comes_before_their_title_in_chinese():
    from departments.models import Leader
    from departments.templatetags.hospital import leader

    person = Leader(name="Liu Yi", title_en="Professor", title_zh_hans="教授", role="founder")
    with translation.override("en"):
        assert leader(person) == "<strong><span>Professor</span> Liu Yi</strong>, Founder and first director"
    with translation.override("zh-hans"):
        # No space between the romanized name and the Chinese title (the site's one convention).
        assert leader(person) == "<strong>Liu Yi</strong><span>教授</span>（创始人、首任主任）"


def test_labels_take_a_space_after_an_english_colon_and_none_after_a_full_width_one():
    from departments.pages.formatting import label_gap

    assert label_gap("Motto:") == "Motto: "
    assert label_gap("院训：") == "院训："


def test_asides_take_full_width_brackets_and_the_enumeration_comma_in_chinese():
    from departments.pages.formatting import in_brackets

    with translation.override("en"):
        assert in_brackets("PPH, TST, RPH") == " (PPH, TST, RPH)"
    with translation.override("zh-hans"):
        assert in_brackets("PPH, TST, RPH") == "（PPH、TST、RPH）"
        assert in_brackets("腰椎间盘突出症、颈椎病") == "（腰椎间盘突出症、颈椎病）"


def test_several_states_no_number():
    from departments.models import ResearchFigure

    projects = ResearchFigure(metric="projects", value=2, qualifier="several", unit="count")
    with translation.override("en"):
        assert format_figure(projects) == "several"
    with translation.override("zh-hans"):
        # As the descriptions say it (承担多项国家级项目, 一、二等奖多项).
        assert format_figure(projects) == "多项"


def test_every_counted_metric_has_its_chinese_measure_word():
    """A new metric counted in plain numbers must say what it counts in Chinese (床位51张)."""
    from departments.models import ResearchMetric, StaffMetric
    from departments.pages.formatting import CHINESE_MEASURE_WORDS

    # Measured in their own units (m², %, yuan, a rank), which say it already.
    not_counted = {"floor_area", "laparoscopic_share", "funding", "funding_rank"}
    metrics = {*StaffMetric.values, *ResearchMetric.values} - not_counted
    assert metrics <= set(CHINESE_MEASURE_WORDS)


def test_a_title_is_set_in_each_languages_marks():
    from departments.models import Source
    from departments.templatetags.hospital import source_title

    text = Source(
        name="spine-surgery.txt",
        kind="text",
        title_en="Spine Surgery: introduction",
        title_zh_hans="脊柱外科简介",
    )
    with translation.override("en"):
        assert source_title(text) == '“<a href="/en/sources/spine-surgery/">Spine Surgery: introduction</a>”'
    with translation.override("zh-hans"):
        assert source_title(text) == '《<a href="/zh-hans/sources/spine-surgery/">脊柱外科简介</a>》'
