from django.conf import settings
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_info

# Open Graph names a locale by language and territory.
OPEN_GRAPH_LOCALES = {"en": "en_GB", "zh-hans": "zh_CN"}


def site(request):
    """The language switch and alternates for every page, and the site's navigation (lazily)."""
    from departments.models import Department

    current = get_language()
    # Search results stay the same search in the other language.
    match = request.resolver_match
    keep_query = match is not None and match.view_name == "departments:search" and request.GET.get("q")
    query = f"?{request.GET.urlencode()}" if keep_query else ""
    languages = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        languages.append(
            {
                "code": code,
                "html_code": "zh-Hans" if code == "zh-hans" else code,
                "name_local": info["name_local"],
                "url": request.build_absolute_uri(translate_url(request.path, code)),
                "path": translate_url(request.path, code) + query,
                "is_current": code == current,
                "og_locale": OPEN_GRAPH_LOCALES.get(code, code),
            }
        )
    return {
        "languages": languages,
        "html_lang": "zh-Hans" if current == "zh-hans" else current,
        "canonical_url": request.build_absolute_uri(request.path),
        "x_default_url": request.build_absolute_uri("/"),
        "og_locale": OPEN_GRAPH_LOCALES.get(current, current),
        "icp_filing": getattr(settings, "ICP_FILING", ""),
        "nav_departments": SimpleLazyObject(
            lambda: list(Department.objects.only("slug", "name", "name_en", "name_zh_hans", "position"))
        ),
    }
