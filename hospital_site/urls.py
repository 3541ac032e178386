from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, register_converter
from django.views.decorators.http import require_safe

from departments.pages import views
from departments.sitemaps import SITEMAPS
from hospital_site import health, media


class SimplifiedChineseAlias:
    """A first segment that names Simplified Chinese otherwise than the site does (zh, zh-cn, zh-sg;
    any case). Any other is no match, so that the patterns after it are tried."""

    regex = "[A-Za-z-]+"

    def to_python(self, value):
        if value.lower() not in views.SIMPLIFIED_CHINESE_ALIASES:
            raise ValueError(value)
        return value

    def to_url(self, value):
        return value


register_converter(SimplifiedChineseAlias, "zh_alias")

urlpatterns = [
    path("", views.choose_language, name="root"),
    path("<zh_alias:alias>/", views.simplified_chinese, name="simplified-chinese"),
    path("<zh_alias:alias>/<path:rest>", views.simplified_chinese, name="simplified-chinese-page"),
    path("healthz", health.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", require_safe(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    # Open data, the same in every language (each field gives both).
    path("api/v1/", include("departments.api_urls")),
    # Photo renditions only; production's nginx answers /media/ before Django sees it.
    path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", media.rendition, name="media"),
]

urlpatterns += i18n_patterns(
    path("", include("departments.urls")),
    path("admin/", admin.site.urls),
)

handler400 = "hospital_site.errors.bad_request"
handler404 = "hospital_site.errors.page_not_found"
handler500 = "hospital_site.errors.server_error"
