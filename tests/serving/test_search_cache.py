"""Search results are cached in each worker, bounded: a popular query costs one lookup, and an
attacker's endless distinct queries cannot grow a worker's memory without bound."""

import itertools
import subprocess
from pathlib import Path
from urllib.parse import quote

from departments.pages.cache import SearchCache
from tests.support.serving import Gunicorn, free_port, production_site, request

PROXIED = {"X-Forwarded-Proto": "https"}
# A small cache, so that the test fills it quickly.
SEARCH_CACHE_BYTES = 512 * 1024


class Page:
    def __init__(self, size):
        self.size = size


def test_the_least_recently_used_go_first_and_the_bytes_never_exceed_the_bound():
    cache = SearchCache(max_bytes=1000)
    for number in range(10):
        cache.put(number, Page(300))
        assert cache.bytes <= 1000
    assert list(cache.pages) == [7, 8, 9]
    cache.get(7)  # used: now the most recent
    cache.put("new", Page(300))
    assert list(cache.pages) == [9, 7, "new"]
    cache.put("huge", Page(5000))  # larger than the whole cache: not kept, nothing dropped for it
    assert "huge" not in cache.pages and len(cache) == 3


def distinct_queries():
    """'spine surgery' in every mix of upper and lower case: each its own query, each matching."""
    letters = "spinesurgery"
    for mask in itertools.count():
        word = "".join(c.upper() if mask >> i & 1 else c for i, c in enumerate(letters))
        yield f"{word[:5]} {word[5:]}"


def rss_kib(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))


def test_endless_distinct_queries_cannot_grow_a_worker_without_bound():
    site = {**production_site(), "DJANGO_SEARCH_CACHE_BYTES": SEARCH_CACHE_BYTES}
    # One worker, never recycled (gunicorn.conf.py recycles after about 2,000 requests).
    with Gunicorn(site, f"127.0.0.1:{free_port()}", workers=1, extra_args=["--max-requests", "0"]) as server:
        worker = int(
            subprocess.run(["pgrep", "-P", str(server.process.pid)], capture_output=True, text=True).stdout
        )
        queries = distinct_queries()

        def search():
            response = request(server.bind, f"/en/search/?q={quote(next(queries))}", headers=PROXIED)
            assert response.status == 200
            return response

        first = search()
        stored = len(first.body) * 1.25  # and its gzipped copy
        capacity = int(SEARCH_CACHE_BYTES / stored)
        for _ in range(capacity + 100):  # the cache is full
            search()
        # Memory once the cache is full, then after each as many queries again: it levels off.
        sizes = [rss_kib(worker)]
        for _ in range(4):
            for _ in range(capacity):
                search()
            sizes.append(rss_kib(worker))
    print(f"page {len(first.body)} B, {capacity} queries a round: RSS {sizes} KiB")
    # Unbounded, each round would add the cache's whole size; the last three add less than one.
    assert sizes[-1] - sizes[1] < SEARCH_CACHE_BYTES / 1024, sizes


def test_a_repeated_query_is_answered_from_the_cache_with_an_etag():
    with Gunicorn(production_site(), f"127.0.0.1:{free_port()}", workers=1) as server:
        path = "/zh-hans/search/?q=" + quote("  脊柱 ")
        first = request(server.bind, path, headers=PROXIED)
        # The same query, written differently: one entry.
        same = request(server.bind, "/zh-hans/search/?q=" + quote("脊柱") + "&utm_source=x", headers=PROXIED)
        assert first.status == same.status == 200
        assert first.body == same.body and first.headers["ETag"] == same.headers["ETag"]
        assert first.headers["Cache-Control"] == "no-cache"
        again = request(server.bind, path, headers={**PROXIED, "If-None-Match": first.headers["ETag"]})
        assert again.status == 304
        # Another language is another page.
        english = request(server.bind, "/en/search/?q=" + quote("脊柱"), headers=PROXIED)
        assert english.headers["ETag"] != first.headers["ETag"]
