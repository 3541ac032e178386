"""Reading at the size one needs, in a real browser: the text-size control, high contrast, reflow.

For older readers and low vision (China's 适老化 website guidelines, WCAG 2.2): a "Text size" /
"字号" control on every page with three steps, remembered in this browser without a cookie by a
small script (static/js/text-size.js), the page whole without it; more contrast when the system
asks; nothing that moves.
"""

import pytest

from tests.support.axe import violations
from tests.support.pages import CONTENT_PAGES, LANGUAGES, public_urls

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("content"),
]

LABELS = {"en": ("Text size", ["Standard", "Large", "Largest"]), "zh-hans": ("字号", ["标准", "大", "特大"])}
# The root font size of each step, in CSS pixels, with the browser's default of 16.
SIZES = {"standard": 16, "large": 20, "largest": 24}


def root_font_size(page):
    return page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")


def tab_with_text_size(chromium, size, width, height=900, **options):
    """A new browser tab in which the reader chose this size earlier (as the script remembers it)."""
    context = chromium.new_context(viewport={"width": width, "height": height}, **options)
    if size != "standard":
        context.add_init_script(f"localStorage.setItem('text-size', '{size}')")
    return context, context.new_page()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_reader_enlarges_the_text_and_it_stays_so_on_the_next_page(chromium, live_server, language):
    context = chromium.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/{language}/")
    label, names = LABELS[language]
    control = page.get_by_role("group", name=label)
    assert control.is_visible()
    buttons = [control.get_by_role("button", name=name, exact=True) for name in names]
    assert [button.get_attribute("aria-pressed") for button in buttons] == ["true", "false", "false"]
    assert root_font_size(page) == SIZES["standard"]

    buttons[2].click()
    assert root_font_size(page) == SIZES["largest"]
    assert [button.get_attribute("aria-pressed") for button in buttons] == ["false", "false", "true"]
    # Headings and figures grow with it: every size on the site is relative to the root's.
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)") > 24 * 1.5

    page.goto(f"{live_server.url}/{language}/departments/spine-surgery/")
    assert root_font_size(page) == SIZES["largest"]
    assert page.get_by_role("button", name=names[2], exact=True).get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name=names[1], exact=True).click()
    assert root_font_size(page) == SIZES["large"]
    page.reload()
    assert root_font_size(page) == SIZES["large"]
    page.get_by_role("button", name=names[0], exact=True).click()
    page.reload()
    assert root_font_size(page) == SIZES["standard"]

    # Remembered in this browser's storage, never in a cookie.
    assert context.cookies() == []
    assert page.evaluate("document.cookie") == ""
    context.close()


def test_the_keyboard_reaches_the_control_and_sets_the_size(chromium, live_server):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/en/")
    largest = page.get_by_role("button", name="Largest", exact=True)
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.size") == "largest":
            break
    assert largest.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    assert root_font_size(page) == SIZES["largest"]
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    assert root_font_size(page) == SIZES["large"]
    context.close()


def test_without_javascript_the_page_is_whole_and_shows_no_control_that_would_do_nothing(
    chromium, live_server
):
    context = chromium.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    for language in LANGUAGES:
        page.goto(f"{live_server.url}/{language}/departments/spine-surgery/")
        assert not page.get_by_role("group", name=LABELS[language][0]).is_visible()
        assert page.locator("h1").is_visible()
        assert page.locator("main section").count() > 3
    context.close()


def test_a_stored_size_that_is_not_one_of_the_steps_is_the_standard_size(chromium, live_server):
    context = chromium.new_context()
    context.add_init_script("localStorage.setItem('text-size', '9999%')")
    page = context.new_page()
    page.goto(f"{live_server.url}/en/")
    assert root_font_size(page) == SIZES["standard"]
    assert page.get_by_role("button", name="Standard", exact=True).get_attribute("aria-pressed") == "true"
    context.close()


@pytest.mark.parametrize("size", ["large", "largest"])
def test_no_axe_violations_at_the_larger_sizes(chromium, live_server, size):
    context, page = tab_with_text_size(chromium, size, 375)
    found = {}
    for language in LANGUAGES:
        urls = public_urls(language) if size == "largest" else [f"/{language}/{p}" for p in CONTENT_PAGES]
        for url in urls:
            page.goto(live_server.url + url)
            assert root_font_size(page) == SIZES[size], url
            if problems := violations(page):
                found[url] = problems
    context.close()
    assert not found, "\n".join(f"{url}:\n  " + "\n  ".join(items) for url, items in found.items())


@pytest.mark.parametrize(
    "width",
    [
        320,  # 400% zoom of a 1280-pixel window, with the largest text on top
        640,  # 200% zoom
    ],
)
def test_with_the_largest_text_pages_reflow_without_sideways_scrolling(chromium, live_server, width):
    context, page = tab_with_text_size(chromium, "largest", width, height=640)
    wide = {}
    for language in LANGUAGES:
        for url in public_urls(language):
            page.goto(live_server.url + url)
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                wide[url] = scroll_width
    context.close()
    assert not wide


def lines_of_text(element):
    """How many lines an element's text is laid out on (a word broken over lines counts each)."""
    return element.evaluate(
        """element => { const range = document.createRange(); range.selectNodeContents(element);
            return new Set([...range.getClientRects()].filter(rect => rect.width > 0)
                .map(rect => Math.round(rect.top))).size; }"""
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_with_the_largest_text_at_320_pixels_a_search_button_is_one_line_and_its_box_usable(
    chromium, live_server, language
):
    # "搜索" broke into "搜/索" and the box shrank to a few characters: each search form, the
    # header's and the search page's own, keeps its button's word whole and its box at least 8rem.
    context, page = tab_with_text_size(chromium, "largest", 320, height=640)
    checked = []
    for url in [f"/{language}/", f"/{language}/search/"]:
        page.goto(live_server.url + url)
        for form in page.get_by_role("search").all():
            button, box = form.locator("button[type=submit]"), form.locator("input[type=search]")
            assert lines_of_text(button) == 1, (url, button.inner_text())
            assert box.bounding_box()["width"] >= 8 * SIZES["largest"], url
            assert button.bounding_box()["x"] + button.bounding_box()["width"] <= 320, url
            checked.append(url)
    context.close()
    assert checked == [f"/{language}/", f"/{language}/search/"]  # the search page has its own form only


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_more_contrast_when_the_system_asks_for_it(chromium, live_server, scheme):
    context = chromium.new_context(
        viewport={"width": 375, "height": 800}, contrast="more", color_scheme=scheme
    )
    page = context.new_page()
    found = {}
    for language in LANGUAGES:
        for url in [f"/{language}/{path}" for path in CONTENT_PAGES]:
            page.goto(live_server.url + url)
            colours = page.evaluate(
                "[getComputedStyle(document.body).color, getComputedStyle(document.body).backgroundColor]"
            )
            expected = ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
            assert colours == (expected if scheme == "light" else expected[::-1]), (url, colours)
            if problems := violations(page, rules=["color-contrast", "link-in-text-block"]):
                found[url] = problems
    context.close()
    assert not found, found


def test_in_forced_colours_the_chosen_size_is_shown_by_more_than_colour(chromium, live_server):
    context, page = tab_with_text_size(chromium, "large", 1280, forced_colors="active")
    page.goto(f"{live_server.url}/en/")
    widths = page.evaluate(
        """[...document.querySelectorAll('.text-size button')].map(button =>
            [button.getAttribute('aria-pressed'), getComputedStyle(button).borderTopWidth,
             getComputedStyle(button).textDecorationLine])"""
    )
    assert widths == [["false", "2px", "none"], ["true", "4px", "underline"], ["false", "2px", "none"]]
    context.close()


def test_nothing_on_the_page_moves(chromium, live_server):
    context, page = tab_with_text_size(chromium, "standard", 1280)
    page.goto(f"{live_server.url}/en/departments/spine-surgery/")
    moving = page.evaluate(
        """[...document.querySelectorAll('*')].map(element => getComputedStyle(element))
            .filter(style => style.animationName !== 'none' || parseFloat(style.transitionDuration) > 0
                     || style.scrollBehavior === 'smooth').length"""
    )
    assert moving == 0
    context.close()
