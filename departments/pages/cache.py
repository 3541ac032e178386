"""Public pages are rendered once per content version and then served from the cache.

Every content write bumps `ContentVersion` (content/signals.py, which `loaddata`'s raw saves
send too), so a cached page can never be stale: the next request, on any worker or host, reads the
new version and misses. Rendered pages live in the shared cache (the database cache table by
default, Redis when REDIS_URL is set) and in each worker's memory, keyed by the code that
rendered them (code_version) and the content version, so a warm request costs one small query.
When the database is down, the last rendered page is served with a notice; when the shared
cache is down, pages are rendered without it.

Search results are cached too, in each worker only, per language, normalised query and content
version, in a least-recently-used cache of bounded size (SearchCache): a popular query costs one
lookup, and endless distinct queries cost a bounded amount of memory.

Who may keep a page, and for how long (Cache-Control): browsers revalidate on every visit
(max-age=0, answered 304 while the ETag holds); shared caches (a CDN) for a second (s-maxage=1),
then revalidate; our own nginx until the end of the current second (X-Accel-Expires: nginx counts
whole seconds, so "1" would let it keep a page for up to two). Either way a publish is seen on
the next request after that second.
"""

import functools
import gzip
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseNotModified
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from departments import selectors
from departments.models import ContentVersion
from departments.pages import outages, seo
from departments.pages import search as site_search

logger = logging.getLogger(__name__)

# Browsers revalidate every visit (a 304 while nothing changed); shared caches keep a page a
# second; when the origin fails, a shared cache may serve what it has for a day.
PUBLIC_CACHE_CONTROL = "public, max-age=0, s-maxage=1, stale-if-error=86400"
# Search results: browsers and shared caches alike must ask each time (the ETag still saves the body).
SEARCH_CACHE_CONTROL = "no-cache"
LOCAL_PAGES_PER_WORKER = 500
CACHED_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Content-Disposition",
    "Access-Control-Allow-Origin",
    "Cross-Origin-Resource-Policy",
)


def cache_public_page(view):
    """Mark a view's 200 responses as the same for every visitor, so they may be cached.

    Public pages are read, never posted to: any method but GET and HEAD is answered 405 (with
    Allow), as Django's require_safe does, rather than rendered uncached.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.public_page = True
        return response

    return require_safe(wrapped)


# Where a page served during a database outage says that it may be out of date (base.html).
STALE_NOTICE_SLOT = b"<!-- stale-notice -->"


class CachedPage:
    def __init__(self, response, state, changed_at):
        self.state = state
        self.body = response.content
        self.gzipped = gzip.compress(self.body, compresslevel=6, mtime=0)
        self.headers = {name: response[name] for name in CACHED_HEADERS if name in response}
        version = state[0]
        digest = hashlib.sha256(self.body).hexdigest()[:16]
        # Each encoding is its own representation, so each has its own strong ETag.
        self.etag = f'"{version}-{digest}"'
        self.etag_gzip = f'"{version}-{digest}-gz"'
        self.last_modified = http_date(changed_at.timestamp()) if changed_at else None

    def response_for(self, request, cache_control=PUBLIC_CACHE_CONTROL):
        gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
        etag = self.etag_gzip if gzipped else self.etag
        if_none_match = request.headers.get("If-None-Match", "")
        if self.etag in if_none_match or self.etag_gzip in if_none_match:
            response = HttpResponseNotModified()
        elif gzipped:
            response = HttpResponse(self.gzipped, headers=self.headers)
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(self.body, headers=self.headers)
        if response.status_code == 200:
            response["Content-Length"] = str(len(response.content))
        response["ETag"] = etag
        if self.last_modified:
            response["Last-Modified"] = self.last_modified
        response["Cache-Control"] = cache_control
        if cache_control == PUBLIC_CACHE_CONTROL:
            # Our nginx (deploy/nginx/hospital.conf) keeps it until this second ends, then revalidates.
            response["X-Accel-Expires"] = f"@{int(time.time())}"
        patch_vary_headers(response, ["Accept-Encoding"])
        return response

    @property
    def size(self):
        return len(self.body) + len(self.gzipped)

    def stale_response(self, request):
        """The page as last rendered, for when the database cannot say whether it is current:
        with a notice saying so, and kept by no cache."""
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        with translation.override(language):
            notice = render_to_string("includes/stale_notice.html").encode()
        response = HttpResponse(self.body.replace(STALE_NOTICE_SLOT, notice, 1), headers=self.headers)
        response["Content-Length"] = str(len(response.content))
        response["Cache-Control"] = "no-store"
        return response


def code_version():
    """A digest of what renders the pages: code, templates, translations, static file names,
    pinned libraries, the source texts, and the settings that pages show (PAGE_SETTINGS).

    It is part of every page's cache key. Shared entries live for a day, so without it a deploy
    (new templates, then a reload) would go on serving pages rendered by the old code until the
    content next changed. Read once per worker, when it starts: gunicorn starts new workers on a
    reload.
    """
    base = settings.BASE_DIR
    # Named relative to where they are, so that two hosts with the same code agree.
    files = {"requirements.txt": base / "requirements.txt"}
    files["static/staticfiles.json"] = Path(settings.STATIC_ROOT) / "staticfiles.json"
    # The source texts too: their pages show them whole.
    for folder in ("departments", "hospital_site", "templates", "locale", "fixtures/sources"):
        for path in (base / folder).rglob("*"):
            if path.suffix in CODE_SUFFIXES:
                files[path.relative_to(base).as_posix()] = path
    digest = hashlib.sha256(repr([getattr(settings, name) for name in PAGE_SETTINGS]).encode())
    for name, path in sorted(files.items()):
        if path.is_file():
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


CODE_SUFFIXES = {".py", ".html", ".txt", ".xml", ".mo", ".json"}
# Settings read from the environment that a page shows: its links, its footer, its scheme.
PAGE_SETTINGS = ("SITE_URL", "ICP_FILING", "HTTPS", "STATIC_URL", "LANGUAGES")


class SharedCache:
    """The cache shared by workers and hosts, asked only while it answers.

    A cache is an optimisation: when Redis (or the cache table) fails, pages are rendered
    without it, and for a second it is not asked again, so that an outage costs each request
    nothing. The outage is logged once, with its cause (departments.pages.outages).
    """

    def __init__(self):
        # The cache table is in the database: when that is down, there is no point asking it.
        self.in_database = isinstance(caches["default"], DatabaseCache)

    def call(self, method, *args):
        if outages.CACHE.recently_failed():
            return None
        try:
            result = getattr(caches["default"], method)(*args)
        except Exception as error:  # whatever the backend raises: the page is served without it
            outages.CACHE.failed(error)
            return None
        outages.CACHE.answered()
        return result

    def get(self, key):
        return self.call("get", key)

    def set_many(self, values):
        self.call("set_many", values)


class PublicPageCacheMiddleware:
    """Serve public pages from the cache, keyed by code, content version, and URL (host and path;
    the language is in the path).

    When the database does not answer, the page as this worker (or the shared cache) last
    rendered it is served, marked as possibly out of date, rather than a 503.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.code_version = code_version()
        self.shared = SharedCache()
        # This worker's pages by URL, each the last rendered, whatever its content version.
        self.local = {}
        self.lock = threading.Lock()
        # At most settings.SEARCH_CACHE_BYTES of pages (plain and gzipped; 8 MB: some hundreds of queries).
        self.searches = SearchCache(settings.SEARCH_CACHE_BYTES)

    @functools.cached_property
    def search_paths(self):
        return set(site_search.page_paths())

    def search_page(self, request):
        """Search results, rendered once per language, normalised query and content version."""
        try:
            state = self.content_state()
        except DatabaseError:
            return self.get_response(request)  # the view's own answer to an outage
        # The page shows the query as parse() cleaned it, and nothing else of the query string.
        query = site_search.parse(request.GET.get("q", ""))
        key = (self.url_key(request), query.text, state)
        page = self.searches.get(key)
        if page is None:
            response = self.get_response(request)
            if response.status_code != 200 or response.cookies or response.streaming:
                return response
            # No Last-Modified (it would cost a query): the ETag is what revalidates.
            page = CachedPage(response, state, None)
            self.searches.put(key, page)
        return page.response_for(request, cache_control=SEARCH_CACHE_CONTROL)

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        # A query string would make the key space unbounded; no public page takes one but search,
        # whose cache is bounded.
        if request.META.get("QUERY_STRING"):
            if request.path_info in self.search_paths:
                return self.search_page(request)
            return self.get_response(request)
        url = self.url_key(request)
        try:
            state = self.content_state()
        except DatabaseError:
            page = self.local.get(url)
            if page is None and not self.shared.in_database:
                page = self.shared.get(self.shared_key("page-last", url))
            if page is None:
                # The view meets the same error, where it becomes the friendly 503 page.
                return self.get_response(request)
            return page.stale_response(request)
        page = self.local.get(url)
        if page is None or page.state != state:
            key = self.shared_key("page", url, state)
            page = self.shared.get(key)
            if page is None:
                response = self.get_response(request)
                if not self.cacheable(response):
                    return response
                page = CachedPage(response, state, ContentVersion.changed_at_of(state[0]))
                entries = {key: page}
                if not self.shared.in_database:  # what an outage serves cannot be in the database
                    entries[self.shared_key("page-last", url)] = page
                self.shared.set_many(entries)
            self.remember(url, page)
        return page.response_for(request)

    @staticmethod
    def content_state():
        """The content's state, from the database; not asked in the second after it failed (see
        departments.pages.outages), so that the last rendered page is served at once."""
        if outages.DATABASE.recently_failed():
            raise outages.DatabaseDown("the database did not answer a moment ago")
        try:
            state = selectors.content_state()
        except DatabaseError as error:
            outages.DATABASE.failed(error)
            raise
        outages.DATABASE.answered()
        return state

    def shared_key(self, kind, url, state=None):
        """The key of a page in the shared cache: "page" of a content state, or the "page-last"
        rendered of that URL (what a database outage serves); both of this code only."""
        return f"{kind}:{hashlib.sha256(f'{self.code_version}|{state}|{url}'.encode()).hexdigest()}"

    @staticmethod
    def url_key(request):
        """The page's address, hashed: a path may hold anything a visitor typed.

        The request's origin is part of it unless the site's address is configured (SITE_URL):
        pages carry absolute links (canonical, alternates, structured data) made from it.
        """
        origin = seo.request_origin(request)  # a Host that ALLOWED_HOSTS refuses is a 400 here
        return hashlib.sha256(f"{'' if settings.SITE_URL else origin}{request.path}".encode()).hexdigest()

    @staticmethod
    def cacheable(response):
        return (
            getattr(response, "public_page", False)
            and response.status_code == 200
            and not response.cookies
            and not response.streaming
        )

    def remember(self, url, page):
        with self.lock:  # a worker's threads share self.local (gunicorn.conf.py)
            if url not in self.local and len(self.local) >= LOCAL_PAGES_PER_WORKER:
                del self.local[next(iter(self.local))]  # the oldest
            self.local[url] = page


class SearchCache:
    """A worker's search results by key, least recently used dropped first: never more than
    max_bytes of pages, whatever the number of distinct queries."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.bytes = 0
        self.pages = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, key, page):
        if page.size > self.max_bytes:
            return
        with self.lock:
            if (old := self.pages.pop(key, None)) is not None:
                self.bytes -= old.size
            self.pages[key] = page
            self.bytes += page.size
            while self.bytes > self.max_bytes:
                _key, dropped = self.pages.popitem(last=False)
                self.bytes -= dropped.size

    def __len__(self):
        return len(self.pages)
