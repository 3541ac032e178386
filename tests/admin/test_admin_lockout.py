"""Repeated wrong passwords lock one account from one address, for a while, and nothing more."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOGIN = "/en/admin/login/"
ATTACKER = "203.0.113.5"
EDITOR_OFFICE = "198.51.100.7"


@pytest.fixture
def editors():
    for name in ("alice", "bob"):
        User.objects.create_user(name, password=PASSWORD, is_staff=True)


def log_in(username, password, address=ATTACKER, forwarded_for=None):
    """A login through the real admin form, from one client address (or behind the proxy)."""
    meta = {"REMOTE_ADDR": address}
    if forwarded_for is not None:
        # Behind nginx, gunicorn's socket gives no address; nginx writes X-Forwarded-For.
        meta = {"REMOTE_ADDR": "", "HTTP_X_FORWARDED_FOR": forwarded_for}
    client = Client()
    return client.post(LOGIN, {"username": username, "password": password, "next": "/en/admin/"}, **meta)


def logged_in(response):
    return response.status_code == 302 and response["Location"] == "/en/admin/"


def locked_out(response):
    return response.status_code == 429 and b"Login temporarily locked" in response.content


def fail_five_times(username, **where):
    for attempt in range(5):
        response = log_in(username, f"wrong guess {attempt}", **where)
        assert response.status_code in (200, 429)


def test_five_wrong_passwords_lock_that_account_from_that_address(editors):
    for attempt in range(4):
        response = log_in("alice", f"wrong guess {attempt}")
        assert response.status_code == 200  # the form again, with its error
    assert logged_in(log_in("alice", PASSWORD))  # four were not enough; success resets

    fail_five_times("alice")
    response = log_in("alice", PASSWORD)
    assert locked_out(response)  # even the right password
    assert b"30 minutes" in response.content


def test_the_lockout_does_not_reach_the_same_editor_elsewhere_or_other_editors(editors):
    fail_five_times("alice")
    assert locked_out(log_in("alice", PASSWORD))
    assert logged_in(log_in("alice", PASSWORD, address=EDITOR_OFFICE))
    assert logged_in(log_in("bob", PASSWORD))  # same address, other account


def test_one_attacker_cannot_lock_every_editor_out(editors):
    for name in ("alice", "bob"):
        fail_five_times(name)
    for name in ("alice", "bob"):
        assert logged_in(log_in(name, PASSWORD, address=EDITOR_OFFICE))


def test_the_lock_lifts_after_the_cool_off(editors):
    fail_five_times("alice")
    assert locked_out(log_in("alice", PASSWORD))
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=31)
    )
    assert logged_in(log_in("alice", PASSWORD))


def test_behind_the_proxy_the_client_is_the_address_nginx_saw(editors, settings):
    settings.TRUSTED_PROXIES = 1
    fail_five_times("alice", forwarded_for=ATTACKER)
    assert locked_out(log_in("alice", PASSWORD, forwarded_for=ATTACKER))
    # A fake address prepended by the attacker does not escape: nginx's entry is the last one.
    assert locked_out(log_in("alice", PASSWORD, forwarded_for=f"192.0.2.1, {ATTACKER}"))
    # The editor, coming through the same proxy from her office, is not locked out.
    assert logged_in(log_in("alice", PASSWORD, forwarded_for=EDITOR_OFFICE))


def test_without_a_trusted_proxy_forwarded_for_is_ignored(editors):
    for attempt in range(5):
        # Each try claims to come from somewhere new; the socket's address is what counts.
        response = Client().post(
            LOGIN,
            {"username": "alice", "password": f"wrong guess {attempt}"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}",
        )
        assert response.status_code in (200, 429)
    assert locked_out(log_in("alice", PASSWORD))


def test_test_client_login_without_a_request_still_works(editors):
    """Axes needs a request to know the client; logins from code have none and are not locked."""
    assert Client().login(username="alice", password=PASSWORD)


@pytest.mark.parametrize("forwarded_for", ["not-an-address", "", "999.1.1.1"])
def test_a_garbled_client_address_is_a_normal_login_page(editors, settings, forwarded_for):
    """Whatever reaches X-Forwarded-For, a wrong password gets the login form again, never a 500."""
    settings.TRUSTED_PROXIES = 1
    response = log_in("alice", "wrong password", forwarded_for=forwarded_for)
    assert response.status_code == 200
    assert b"Please enter the correct username and password" in response.content
