"""Every public page, in both languages, in a real browser: axe-core, keyboard, reflow, contrast.

One browser for the whole run (conftest's `chromium`); each test walks all the pages in one
browser tab, so the fixtures are loaded once per test rather than once per page.
"""

import pytest

from tests.support.axe import violations
from tests.support.pages import LANGUAGES, public_urls

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("content"),
]


def open_tab(chromium, width, height=900, **options):
    context = chromium.new_context(viewport={"width": width, "height": height}, **options)
    return context, context.new_page()


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_axe_violations_on_any_page(chromium, live_server, language, width):
    context, page = open_tab(chromium, width)
    found = {}
    for url in [*public_urls(language), f"/{language}/no-such-page/"]:
        response = page.goto(live_server.url + url)
        assert response.status == (404 if "no-such-page" in url else 200), url
        if problems := violations(page):
            found[url] = problems
    context.close()
    assert not found, "\n".join(f"{url}:\n  " + "\n  ".join(items) for url, items in found.items())


def test_colour_contrast_holds_in_the_dark_scheme(chromium, live_server):
    context, page = open_tab(chromium, 1280, color_scheme="dark")
    found = {}
    for language in LANGUAGES:
        for url in public_urls(language):
            page.goto(live_server.url + url)
            assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
            if problems := violations(page, rules=["color-contrast"]):
                found[url] = problems
    context.close()
    assert not found, found


def test_pages_reflow_at_320_pixels_without_sideways_scrolling(chromium, live_server):
    context, page = open_tab(chromium, 320, height=640)
    wide = {}
    for language in LANGUAGES:
        for url in public_urls(language):
            page.goto(live_server.url + url)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                wide[url] = width
    context.close()
    assert not wide


KEYBOARD_STATE = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    return {
        id: element.dataset.kbd || element.id || element.tagName,
        outline: style.outlineStyle,
        width: parseFloat(style.outlineWidth),
        visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight,
    };
}"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_keyboard_reaches_every_link_with_a_visible_focus_ring(chromium, live_server, language):
    # Without smooth scrolling, a focused element is in view as soon as the Tab key is up.
    context, page = open_tab(chromium, 1280, reduced_motion="reduce")
    for url in public_urls(language):
        # The skip link comes first, shows itself when focused, and moves focus to the content.
        page.goto(live_server.url + url)
        page.keyboard.press("Tab")
        state = page.evaluate(KEYBOARD_STATE)
        assert page.evaluate("document.activeElement.classList.contains('skip-link')"), url
        assert state["visible"] and state["outline"] != "none" and state["width"] >= 2, (url, state)
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main", url

        page.goto(live_server.url + url)
        links = page.evaluate(
            """() => {
                const focusable = document.querySelectorAll('a[href], button, input, select, textarea');
                focusable.forEach((element, index) => { element.dataset.kbd = String(index); });
                return [...document.querySelectorAll('a[href]')]
                    .filter(link => link.getClientRects().length)
                    .map(link => link.dataset.kbd);
            }"""
        )
        reached, unringed = [], []
        for _ in range(len(links) + 10):
            page.keyboard.press("Tab")
            state = page.evaluate(KEYBOARD_STATE)
            if state["id"] in reached or state["id"] == "BODY":
                break
            reached.append(state["id"])
            if not (state["visible"] and state["outline"] != "none" and state["width"] >= 2):
                unringed.append(state)
        assert set(links) <= set(reached), f"{url}: links never reached with Tab"
        assert not unringed, f"{url}: focus without a visible ring: {unringed}"
    context.close()
