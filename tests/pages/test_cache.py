"""Public pages are served from the cache and are never stale."""

import gzip

import pytest
from django.core.management import call_command
from django.test import Client

from departments import selectors
from departments.models import Department, StaffStats
from tests.support.project import ROOT

pytestmark = pytest.mark.usefixtures("content")

SPINE = "/en/departments/spine-surgery/"


def test_a_warm_page_costs_one_query(client, django_assert_num_queries):
    first = client.get(SPINE)
    with django_assert_num_queries(1):
        second = client.get(SPINE)
    assert second.status_code == 200
    assert second.content == first.content


def test_every_worker_sees_an_edit_on_its_next_request():
    # Each test client has its own handler and middleware instances, like two gunicorn workers.
    worker_a, worker_b = Client(), Client()
    assert "155" in worker_a.get("/en/departments/gastrointestinal-surgery/").content.decode()
    worker_b.get("/en/departments/gastrointestinal-surgery/")
    StaffStats.objects.filter(department__slug="gastrointestinal-surgery", metric="beds").update(value=156)
    # QuerySet.update sends no signal: the page may stay as it was until a signalled write.
    beds = StaffStats.objects.get(department__slug="gastrointestinal-surgery", metric="beds")
    beds.save()
    for worker in (worker_a, worker_b):
        html = worker.get("/en/departments/gastrointestinal-surgery/").content.decode()
        assert "156" in html and ">155<" not in html


def test_a_deletion_shows_at_once(client):
    assert "Liu Yi" in client.get(SPINE).content.decode()
    Department.objects.get(slug="spine-surgery").leader_set.get(slug="liu-yi").delete()
    assert "Liu Yi" not in client.get(SPINE).content.decode()


def test_loaddata_refreshes_cached_pages(client, tmp_path):
    before = client.get(SPINE).content.decode()
    fixture = (ROOT / "fixtures" / "30-spine-surgery.json").read_text()
    changed = fixture.replace('"Spine Surgery"', '"Spine Surgery (renamed)"', 1)
    assert changed != fixture
    path = tmp_path / "changed.json"
    path.write_text(changed)
    version = selectors.content_version()
    call_command("loaddata", path, verbosity=0)
    # Once for the whole load, not once per row.
    assert selectors.content_version() == version + 1
    after = client.get(SPINE).content.decode()
    assert "Spine Surgery (renamed)" in after and "Spine Surgery (renamed)" not in before


def test_conditional_requests_get_304_without_a_body(client):
    response = client.get(SPINE)
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=1, stale-if-error=86400"
    assert response["Last-Modified"]
    assert not response.cookies
    repeat = client.get(SPINE, headers={"if-none-match": response["ETag"]})
    assert repeat.status_code == 304
    assert repeat.content == b""
    assert repeat["ETag"] == response["ETag"]


def test_an_edit_changes_the_etag(client):
    etag = client.get(SPINE)["ETag"]
    Department.objects.get(slug="spine-surgery").save()
    response = client.get(SPINE, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_pages_are_compressed_for_clients_that_accept_it(client):
    plain = client.get(SPINE)
    compressed = client.get(SPINE, headers={"accept-encoding": "gzip, deflate, br"})
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 3
    assert "Accept-Encoding" in compressed["Vary"]
    assert compressed["ETag"] != plain["ETag"]
    assert int(compressed["Content-Length"]) == len(compressed.content)
    assert int(plain["Content-Length"]) == len(plain.content)


def test_admin_and_unknown_pages_are_never_cached_or_compressed(client):
    login = client.get("/en/admin/login/", headers={"accept-encoding": "gzip"})
    assert "Content-Encoding" not in login
    assert "public" not in login.get("Cache-Control", "")
    missing = client.get("/en/departments/nope/", headers={"accept-encoding": "gzip"})
    assert missing.status_code == 404 and "Content-Encoding" not in missing


def test_query_strings_bypass_the_cache(client, django_assert_max_num_queries):
    client.get(SPINE)
    with django_assert_max_num_queries(20) as captured:
        client.get(SPINE + "?utm_source=x")
    assert len(captured) > 1
