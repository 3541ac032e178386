"""The Content-Security-Policy in a real browser: nothing on the site or in the admin is refused.

Chromium reports each blocked script, style, image or frame on the console ("Refused to ..." in
older versions, "... violates the following Content Security Policy directive" in newer ones), and
fires a `securitypolicyviolation` event, which the tests log too; a Permissions-Policy it cannot
parse is reported as well. Each test also shows that the pages' scripts did run under the policy
(the admin's actions, slug prepopulation and translation tabs).
"""

import pytest

from departments.models import Department

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("content"),
]


@pytest.fixture
def watched(page, live_server):
    """The page, with every console message and uncaught error written down."""
    page.messages = []
    page.on(
        "console", lambda message: page.messages.append(f"{message.type}: {message.text} {message.location}")
    )
    page.on("pageerror", lambda error: page.messages.append(f"pageerror: {error}"))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', event => console.error("
        "'CSP violation: ' + event.violatedDirective + ' ' + event.blockedURI));"
    )

    def visit(path):
        response = page.goto(f"{live_server.url}{path}")
        assert response.ok, path
        # The policy is really there: a test without it would prove nothing.
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")

    page.visit = visit
    return page


def refusals(page):
    return [
        message
        for message in page.messages
        if any(
            sign in message
            for sign in ("Refused to", "Content Security Policy", "CSP violation", "Permissions-Policy")
        )
    ]


def test_public_pages_break_no_rule(watched, live_server):
    slug = Department.objects.values_list("slug", flat=True).first()
    for language in ("en", "zh-hans"):
        for path in (f"/{language}/", f"/{language}/departments/", f"/{language}/departments/{slug}/"):
            watched.visit(path)
    missing = watched.goto(f"{live_server.url}/zh-hans/no-such-page/")
    assert missing.status == 404
    assert refusals(watched) == []
    assert [message for message in watched.messages if message.startswith("pageerror")] == []


def test_admin_works_under_the_policy(watched, admin_user):
    page = watched
    page.visit("/en/admin/login/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", "password")  # pytest-django's admin_user
    page.click("input[type=submit]")
    page.wait_for_url("**/en/admin/")

    # A changelist, with its actions script.
    page.visit("/en/admin/departments/department/")
    page.locator("#action-toggle").check()
    assert (
        page.locator("#result_list tbody input.action-select:checked").count() == Department.objects.count()
    )

    # An add form: the slug is prepopulated from the English name by the admin's script.
    page.visit("/en/admin/departments/department/add/")
    page.locator(".ui-tabs").first.wait_for()
    page.fill("#id_name_en", "Nuclear Medicine")
    page.locator("#id_name_en").blur()
    assert page.input_value("#id_slug") == "nuclear-medicine"

    # A change form with its translation tabs (jQuery UI and modeltranslation's script).
    department = Department.objects.first()
    page.visit(f"/en/admin/departments/department/{department.pk}/change/")
    page.locator(".ui-tabs").first.wait_for()
    assert page.is_visible("#id_summary_en") and page.is_hidden("#id_summary_zh_hans")
    page.select_option("#modeltranslation-main-switch", label="简体中文")  # one switch for the form
    assert page.is_visible("#id_summary_zh_hans") and page.is_hidden("#id_summary_en")

    assert refusals(page) == []
