"""/sitemap.xml: every public page, in every language, each with its alternates."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from departments.models import Department


class TranslatedSitemap(Sitemap):
    # One entry per page and language, each listing the page in every language (hreflang).
    i18n = True
    alternates = True
    x_default = False  # the pages name the site root as x-default; a sitemap entry cannot

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme if settings.SITE_URL else super().get_protocol(protocol)

    def get_domain(self, site=None):
        # The configured address, as on every page (departments.pages.seo.absolute_url).
        return urlsplit(settings.SITE_URL).netloc if settings.SITE_URL else super().get_domain(site)


class PageSitemap(TranslatedSitemap):
    """The pages that are not a record's own: the overview, the directory, the A–Z, the
    accessibility statement and the open data's description."""

    def items(self):
        return [
            "departments:overview",
            "departments:directory",
            "departments:conditions",
            "departments:accessibility",
            "departments:open-data",
        ]

    def location(self, item):
        return reverse(item)


class DepartmentSitemap(TranslatedSitemap):
    def items(self):
        return Department.objects.only("slug", "reviewed_on").order_by("position", "slug")

    def lastmod(self, department):
        return department.reviewed_on


SITEMAPS = {"pages": PageSitemap, "departments": DepartmentSitemap}
