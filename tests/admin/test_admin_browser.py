"""An editor in a real browser: log in, edit a department in both languages, upload a photo, see it live."""

import io
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import expect

from departments import models
from tests.support.editors import EDITOR_PASSWORD

pytest_plugins = ["tests.support.editor_fixtures"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def photo_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), "seagreen").save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def watched_page(page, live_server):
    """The page, refusing (and noting) any request to another site, and noting console errors."""
    own_host = urlsplit(live_server.url).netloc
    page.foreign_requests = []
    page.console_errors = []

    def route(route):
        if urlsplit(route.request.url).netloc == own_host or route.request.url.startswith("data:"):
            route.continue_()
        else:
            page.foreign_requests.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    return page


@pytest.mark.usefixtures("content")
def test_an_editor_changes_a_figure_and_sees_it_on_the_public_page(
    watched_page, live_server, editor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = watched_page
    department = models.Department.objects.get(slug="spine-surgery")
    figure = department.staffstats_set.first()

    page.goto(f"{live_server.url}/en/admin/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", EDITOR_PASSWORD)
    page.click("input[type=submit]")
    page.locator("#content-main").get_by_role("link", name="Departments", exact=True).click()
    with page.expect_navigation(url=f"**/department/{department.pk}/change/"):
        page.get_by_role("link", name=department.name_en, exact=True).click()

    # Both languages side by side in tabs (jQuery UI from our own static files).
    page.locator(".ui-tabs").first.wait_for()
    assert page.is_visible("#id_summary_en") and page.is_hidden("#id_summary_zh_hans")
    page.select_option("#modeltranslation-main-switch", label="简体中文")  # one switch for the form
    page.fill("#id_summary_zh_hans", "脊柱外科：在浏览器里修改的简介。")

    # The figure, in its inline row (in its section, which opens on a click and counts its rows).
    summary = page.locator("#staffstats_set-group summary")
    expect(summary).to_contain_text(f"({department.staffstats_set.count()})")
    summary.click()
    row = next(
        index
        for index in range(department.staffstats_set.count())
        if page.input_value(f"#id_staffstats_set-{index}-id") == str(figure.pk)
    )
    page.fill(f"#id_staffstats_set-{row}-value", "4321")

    # A photo with its description.
    page.set_input_files(
        "#id_photo", files=[{"name": "ward.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}]
    )
    page.select_option("#modeltranslation-main-switch", label="English")  # its English description
    page.fill("#id_photo_alt_en", "The spine surgery ward")

    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()

    page.goto(f"{live_server.url}/en/departments/spine-surgery/")
    assert "4,321" in page.inner_text("main")
    image = page.locator("picture img")
    image.wait_for()
    page.wait_for_function("() => document.querySelector('picture img').complete")
    assert image.get_attribute("alt") == "The spine surgery ward"
    assert image.evaluate("img => img.naturalWidth") > 0
    assert image.evaluate("img => img.currentSrc").endswith(".webp")

    page.goto(f"{live_server.url}/zh-hans/departments/spine-surgery/")
    assert "脊柱外科：在浏览器里修改的简介。" in page.inner_text("main")

    assert page.foreign_requests == []
    assert page.console_errors == []


def log_in(page, live_server, editor):
    page.goto(f"{live_server.url}/en/admin/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", EDITOR_PASSWORD)
    page.click("input[type=submit]")


def stored_texts(department):
    """The department's stored text columns, every language (the untranslated mirrors aside)."""
    row = models.Department.objects.filter(pk=department.pk).values_list(
        "description_en",
        "description_zh_hans",
        "summary_en",
        "summary_zh_hans",
        "location_zh_hans",
        "other_name_en",
        "booking_information_en",
        "photo_alt_en",
    )
    return row.get()


@pytest.mark.usefixtures("content")
def test_a_save_from_the_browser_changes_nothing_it_was_not_asked_to(watched_page, live_server, editor):
    """The browser posts text areas with CRLF line breaks: an unchanged save must stay unchanged
    (its paragraphs stay apart, empty fields stay empty text), and so must the history."""
    page = watched_page
    department = models.Department.objects.get(slug="spine-surgery")
    before = stored_texts(department)
    paragraphs = department.description_en.count("\n\n") + 1
    assert paragraphs >= 3
    log_in(page, live_server, editor)

    page.goto(f"{live_server.url}/en/admin/departments/department/{department.pk}/change/")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()

    assert stored_texts(department) == before
    page.goto(f"{live_server.url}/en/admin/departments/department/{department.pk}/history/")
    assert "No fields changed." in page.inner_text("#change-history")
    page.goto(f"{live_server.url}/en/departments/spine-surgery/")
    assert page.locator("section[aria-labelledby=about] > p:not(.motto)").count() == paragraphs
    assert page.foreign_requests == []
    assert page.console_errors == []


@pytest.mark.usefixtures("content")
def test_an_editor_types_paragraphs_and_a_location_and_patients_see_them(watched_page, live_server, editor):
    page = watched_page
    department = models.Department.objects.get(slug="spine-surgery")
    log_in(page, live_server, editor)

    page.goto(f"{live_server.url}/en/admin/departments/department/{department.pk}/change/")
    page.locator(".ui-tabs").first.wait_for()
    page.fill("#id_description_en", "")
    page.locator("#id_description_en").press_sequentially("First paragraph.")
    page.locator("#id_description_en").press("Enter")
    page.locator("#id_description_en").press("Enter")
    page.locator("#id_description_en").press_sequentially("Second paragraph.")
    page.fill("#id_location_en", "Building 2, 3rd floor")
    page.select_option("#modeltranslation-main-switch", label="简体中文")  # one switch for the form
    page.fill("#id_location_zh_hans", "二号楼三层")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()

    assert (
        models.Department.objects.get(pk=department.pk).description_en
        == "First paragraph.\n\nSecond paragraph."
    )
    page.goto(f"{live_server.url}/en/departments/spine-surgery/")
    about = page.locator("section[aria-labelledby=about] > p:not(.motto)")
    # Each paragraph as typed, followed by its source marker (a department's prose cites its text).
    texts = about.evaluate_all(
        """paragraphs => paragraphs.map(paragraph => {
            const copy = paragraph.cloneNode(true);
            copy.querySelectorAll(".cite").forEach(marker => marker.remove());
            return copy.textContent.trim();
        })"""
    )
    assert texts == ["First paragraph.", "Second paragraph."]
    assert about.locator(".cite").count() == 2
    assert "Building 2, 3rd floor" in page.inner_text("section[aria-labelledby=visiting]")
    page.goto(f"{live_server.url}/zh-hans/departments/spine-surgery/")
    assert "二号楼三层" in page.inner_text("section[aria-labelledby=visiting]")
