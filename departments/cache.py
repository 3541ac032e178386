"""Public pages are rendered once per content version and then served from the cache.

Every content write bumps `ContentVersion` (signals below, which `loaddata`'s raw saves send
too), so a cached page can never be stale: the next request, on any worker or host, reads the
new version and misses. Rendered pages live in the shared cache (the database cache table by
default, Redis when REDIS_URL is set) and, keyed by the same version, in each worker's memory,
so a warm request costs one small query.
"""

import contextlib
import contextvars
import gzip
import hashlib
import logging

from django.apps import apps
from django.core.cache import caches
from django.db import DatabaseError
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date

from departments.models import ContentVersion

logger = logging.getLogger(__name__)

MAX_AGE = 60  # seconds a browser or proxy may reuse a page before asking again
LOCAL_PAGES_PER_WORKER = 500
CACHED_HEADERS = ("Content-Type", "Content-Language")


# Inside one_version_bump(): the databases written to, whose version is bumped once at the end.
deferred_bumps = contextvars.ContextVar("deferred_bumps", default=None)


def content_changed(sender, using=None, **kwargs):
    written = deferred_bumps.get()
    if written is None:
        ContentVersion.bump(using=using)
    else:
        written.add(using)


@contextlib.contextmanager
def one_version_bump():
    """Bump the content version once for all the writes inside, after them, rather than per row.

    For loads of thousands of rows, which run in one transaction: readers see the new version
    when the new content commits, either way. Nothing is bumped if the block fails.
    """
    token = deferred_bumps.set(set())
    try:
        yield
        written = deferred_bumps.get()
    finally:
        deferred_bumps.reset(token)
    for using in written:
        ContentVersion.bump(using=using)


def connect_signals():
    for model in apps.get_app_config("departments").get_models():
        if model is ContentVersion:
            continue
        uid = f"content-version-{model._meta.label_lower}"
        post_save.connect(content_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"{uid}-delete")


def cache_public_page(view):
    """Mark a view's 200 responses as the same for every visitor, so they may be cached."""

    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.public_page = True
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


class CachedPage:
    def __init__(self, response, version, changed_at):
        self.body = response.content
        self.gzipped = gzip.compress(self.body, compresslevel=6, mtime=0)
        self.headers = {name: response[name] for name in CACHED_HEADERS if name in response}
        digest = hashlib.sha256(self.body).hexdigest()[:16]
        # Each encoding is its own representation, so each has its own strong ETag.
        self.etag = f'"{version}-{digest}"'
        self.etag_gzip = f'"{version}-{digest}-gz"'
        self.last_modified = http_date(changed_at.timestamp()) if changed_at else None

    def response_for(self, request):
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
        response["Cache-Control"] = f"public, max-age={MAX_AGE}"
        patch_vary_headers(response, ["Accept-Encoding"])
        return response


class PublicPageCacheMiddleware:
    """Serve public pages from the cache, keyed by content version, language (in the path) and URL."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.local, self.local_version = {}, None

    def __call__(self, request):
        # A query string would make the key space unbounded; no public page takes one but search.
        if request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING"):
            return self.get_response(request)
        try:
            version = ContentVersion.current()
        except DatabaseError:
            # Let the view meet the same error, where it becomes the friendly 503 page.
            return self.get_response(request)
        if version != self.local_version:
            self.local, self.local_version = {}, version
        # Hashed: a path may hold anything a visitor typed (NUL bytes, which PostgreSQL refuses).
        key = f"page:{version}:{hashlib.sha256(request.path.encode()).hexdigest()}"
        page = self.local.get(key)
        if page is None:
            page = caches["default"].get(key)
            if page is None:
                response = self.get_response(request)
                if not self.cacheable(response):
                    return response
                page = CachedPage(response, version, ContentVersion.changed_at_of(version))
                caches["default"].set(key, page)
            self.remember(key, page)
        return page.response_for(request)

    @staticmethod
    def cacheable(response):
        return (
            getattr(response, "public_page", False)
            and response.status_code == 200
            and not response.cookies
            and not response.streaming
        )

    def remember(self, key, page):
        if len(self.local) < LOCAL_PAGES_PER_WORKER:
            self.local[key] = page
