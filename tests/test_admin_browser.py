"""An editor in a real browser: log in, edit a department in both languages, upload a photo, see it live."""

import io
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import expect

from departments import models
from tests.editors import EDITOR_PASSWORD

pytest_plugins = ["tests.editor_fixtures"]

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
    page.get_by_role("link", name=department.name_en, exact=True).click()
    page.wait_for_load_state()

    # Both languages side by side in tabs (jQuery UI from our own static files).
    page.locator(".ui-tabs").first.wait_for()
    assert page.is_visible("#id_summary_en") and page.is_hidden("#id_summary_zh_hans")
    page.click("a[href='#tab_id_summary_zh_hans']")
    page.fill("#id_summary_zh_hans", "脊柱外科：在浏览器里修改的简介。")

    # The figure, in its inline row.
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
