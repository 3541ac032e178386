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
        (figure(9, "exact", "rank"), "9th", "第9名"),
        (figure(549_500, "exact", "m2"), "549,500 m²", "549,500平方米"),
        (figure(100, "hundreds"), "hundreds", "数百"),
    ],
)
def test_figures_keep_their_qualifier_in_both_languages(item, english, chinese):
    with translation.override("en"):
        assert format_figure(item) == english
    with translation.override("zh-hans"):
        assert format_figure(item) == chinese
