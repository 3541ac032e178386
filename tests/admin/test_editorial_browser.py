"""The editorial workflow in a real browser, as an editor works: one language switch, save a draft,
preview it in Chinese, publish it; a warning before leaving with unsaved changes."""

import pytest
from playwright.sync_api import expect

from departments import models
from departments.content import editions
from tests.support.editors import EDITOR_PASSWORD

pytest_plugins = ["tests.support.editor_fixtures"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("content"),
]


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/en/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", EDITOR_PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#content-main")).to_be_visible()


def spine_form(chromium, live_server, editor, **context_options):
    """A new browser, the editor signed in, on the spine surgery department's form: (context, page)."""
    context = chromium.new_context(**context_options)
    page = context.new_page()
    log_in(page, live_server, editor)
    department = models.Department.objects.get(slug="spine-surgery")
    page.goto(f"{live_server.url}/en/admin/departments/department/{department.pk}/change/")
    return context, page


def public_text(chromium, url):
    """The page as a patient in another browser gets it."""
    context = chromium.new_context()
    patient = context.new_page()
    patient.goto(url)
    text = patient.locator("main").inner_text()
    context.close()
    return text


def test_an_editor_drafts_previews_in_chinese_and_publishes(chromium, live_server, editor, tmp_path):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, live_server, editor)
    department = models.Department.objects.get(slug="spine-surgery")
    figure = department.staffstats_set.get(slug="annual-operations")
    public = f"{live_server.url}/en/departments/spine-surgery/"
    assert "more than 3,000" in public_text(chromium, public)

    page.goto(f"{live_server.url}/en/admin/departments/department/{department.pk}/change/")
    # One switch for the form's language, named in each language, instead of a tab strip per field.
    switch = page.locator("#modeltranslation-main-switch")
    expect(switch).to_be_visible()
    expect(switch.locator("option")).to_have_text(["English", "简体中文"])
    assert page.get_by_label("Editing language").count() == 1
    expect(page.locator(".ui-tabs-nav").first).to_be_hidden()
    page.select_option("#modeltranslation-main-switch", label="简体中文")
    expect(page.locator("#id_summary_zh_hans")).to_be_visible()
    expect(page.locator("#id_summary_en")).to_be_hidden()

    page.locator("#staffstats_set-group summary").click()  # the figures' section, folded
    row = page.locator(f"input[name$='-id'][value='{figure.pk}']").locator("xpath=ancestor::tr")
    row.locator("input[name$='-value']").fill("3500")
    page.locator("input[name=_save_draft]").first.click()
    expect(page.locator(".messagelist .success")).to_contain_text("The draft is saved")
    assert "more than 3,000" in public_text(chromium, public)
    page.screenshot(path=tmp_path / "draft.png", full_page=False)

    with page.expect_popup() as popup:
        page.get_by_role("link", name="Preview in 简体中文").click()
    preview = popup.value
    preview.wait_for_load_state()
    expect(preview.locator("main")).to_contain_text("超过3,500例")
    expect(preview.locator(".stale-notice")).to_contain_text("Preview of a draft")
    preview.close()

    # A note for the history goes with the publication: typing it is no unsaved change to warn of.
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.fill("#id_publish_note", "Figure from the 2026 annual report")
    page.get_by_role("button", name="Publish the saved draft").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Published")
    assert dialogs == []
    assert "more than 3,500" in public_text(chromium, public)
    assert editions.latest_revision(department).note == "Figure from the 2026 annual report"
    context.close()


def test_a_row_added_after_switching_to_chinese_is_in_chinese_too(chromium, live_server, editor):
    context, page = spine_form(chromium, live_server, editor, viewport={"width": 1280, "height": 900})
    page.select_option("#modeltranslation-main-switch", label="简体中文")
    page.locator("#condition_set-group summary").click()
    rows = int(page.locator("#id_condition_set-TOTAL_FORMS").input_value())
    page.locator("#condition_set-group .add-row a").click()
    expect(page.locator(f"#id_condition_set-{rows}-name_zh_hans")).to_be_visible()
    expect(page.locator(f"#id_condition_set-{rows}-name_en")).to_be_hidden()
    # And back: the new row follows the switch as the rows before it do.
    page.select_option("#modeltranslation-main-switch", label="English")
    expect(page.locator(f"#id_condition_set-{rows}-name_en")).to_be_visible()
    expect(page.locator(f"#id_condition_set-{rows}-name_zh_hans")).to_be_hidden()
    context.close()


def test_on_a_desktop_a_section_of_rows_scrolls_by_itself_and_its_fields_start_at_the_top(
    chromium, live_server, editor
):
    context, page = spine_form(chromium, live_server, editor, viewport={"width": 1280, "height": 900})
    page.locator("#leader_set-group summary").click()
    # The leaders' many columns scroll within their section; the page keeps the screen's width.
    assert page.evaluate("document.documentElement.scrollWidth") == 1280
    row = page.locator("#leader_set-group tr.form-row.has_original").first
    name = row.locator("td.field-name input")
    # Each field right under the row's name, not pushed down to the last line of a text area.
    assert name.bounding_box()["y"] - row.bounding_box()["y"] < 40
    context.close()


def test_leaving_a_form_with_unsaved_changes_asks_first(chromium, live_server, editor):
    context, page = spine_form(chromium, live_server, editor)
    page.fill("#id_summary_en", "Something typed and not saved.")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)  # the dialog is reported asynchronously, once the page is asked to close
    assert dialogs == ["beforeunload"]
    context.close()


def test_on_a_phone_a_fact_row_reads_top_to_bottom_and_errors_link_to_their_fields(
    chromium, live_server, editor
):
    context, page = spine_form(chromium, live_server, editor, viewport={"width": 375, "height": 800})
    page.locator("#staffstats_set-group summary").click()
    row = page.locator("#staffstats_set-group tr.form-row.has_original").first
    value = row.locator("td.field-value")
    # Each field under its column's name, within the screen: no sideways scrolling to find which
    # figure a number belongs to.
    assert value.evaluate("cell => getComputedStyle(cell, '::before').content") == '"Value"'
    box = value.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert row.locator("td.field-metric").bounding_box()["y"] < box["y"]  # the metric above its value
    # A translated field's cell is named too (modeltranslation makes one cell of its two).
    page.locator("#leader_set-group summary").click()
    title = page.locator("#leader_set-group tr.form-row.has_original").first.locator(
        "#id_leader_set-0-title_en"
    )
    cell = title.locator("xpath=ancestor::td[1]")
    assert cell.evaluate("cell => getComputedStyle(cell, '::before').content") == '"Title"'

    # A wrong value: the error is listed at the top, linked to its field.
    value.locator("input").fill("-5")
    page.locator("input[name=_save]").first.click()
    errors = page.get_by_role("navigation", name="To correct")
    expect(errors).to_contain_text("Enter zero or a positive number.")
    errors.get_by_role("link").first.click()
    assert page.evaluate("location.hash") == "#id_staffstats_set-0-value"
    expect(page.locator("#id_staffstats_set-0-value")).to_be_in_viewport()
    context.close()
