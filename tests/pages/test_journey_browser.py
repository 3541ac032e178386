"""What a patient does, in a real browser: find a department, a section, the other language, a search."""

from urllib.parse import quote_plus, urlsplit

import pytest
from playwright.sync_api import expect

from tests.support.pages import LANGUAGES, public_urls

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("content"),
]


def test_overview_to_a_department_section_and_the_same_page_in_chinese(page, live_server):
    page.goto(f"{live_server.url}/en/")
    expect(page.locator("h1")).to_have_text("The First Hospital of Jilin University")
    page.locator(".card__title a", has_text="Spine Surgery").click()

    expect(page).to_have_url(f"{live_server.url}/en/departments/spine-surgery/")
    expect(page.locator("h1")).to_have_text("Spine Surgery")
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text("Departments")
    page.get_by_role("navigation", name="On this page").get_by_role("link", name="Conditions treated").click()
    expect(page).to_have_url(f"{live_server.url}/en/departments/spine-surgery/#conditions")
    page.wait_for_function(
        "() => { const b = document.querySelector('#conditions').getBoundingClientRect();"
        " return b.top >= 0 && b.top < innerHeight; }"
    )
    expect(page.locator("section[aria-labelledby=conditions]")).to_contain_text("Spinal tumours")

    page.get_by_role("link", name="简体中文").click()
    expect(page).to_have_url(f"{live_server.url}/zh-hans/departments/spine-surgery/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("h1")).to_have_text("脊柱外科")
    expect(page.locator("section[aria-labelledby=conditions]")).to_contain_text("脊柱肿瘤")
    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("Spine Surgery")


@pytest.mark.parametrize(
    ("language", "typed", "result", "department"),
    [
        ("en", "spinal tumour", "Spinal tumours", "Spine Surgery"),
        ("zh-hans", "脊柱肿瘤", "脊柱肿瘤", "脊柱外科"),
    ],
)
def test_a_search_leads_to_the_section_that_matched(page, live_server, language, typed, result, department):
    page.goto(f"{live_server.url}/{language}/")
    box = page.locator("#site-search")
    box.fill(typed)
    box.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/{language}/search/?q={quote_plus(typed)}")
    expect(page.locator(".result__title")).to_have_text([department])
    expect(page.locator("#search-q")).to_have_value(typed)
    page.locator(".result__matches a", has_text=result).click()
    expect(page).to_have_url(f"{live_server.url}/{language}/departments/spine-surgery/#conditions")
    expect(page.locator("h1")).to_have_text(department)
    # Switching language keeps the search.
    page.go_back()
    other = "zh-hans" if language == "en" else "en"
    page.locator(".language-switch a").click()
    expect(page).to_have_url(f"{live_server.url}/{other}/search/?q={quote_plus(typed)}")
    expect(page.locator(".result__title")).to_have_count(1)


def test_no_request_leaves_the_site_and_nothing_is_refused(page, live_server):
    site = urlsplit(live_server.url).netloc
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    for language in LANGUAGES:
        for url in public_urls(language):
            page.goto(live_server.url + url, wait_until="networkidle")
    assert len(requests) >= len(public_urls("en")) * 2 + 1  # the pages and their stylesheet, at least
    elsewhere = [url for url in requests if urlsplit(url).netloc != site and not url.startswith("data:")]
    assert not elsewhere
    # A Content-Security-Policy refusal (an inline style or script) shows as a console error.
    assert not errors
    hosts = {urlsplit(url).hostname for url in requests}
    assert hosts <= {"127.0.0.1", "localhost"}
