from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_info, override

from departments.pages.seo import absolute_url

# Open Graph names a locale by language and territory.
OPEN_GRAPH_LOCALES = {"en": "en_GB", "zh-hans": "zh_CN"}


# The header lists every department while they are few; beyond that it links to the directory
# alone, so that a page's size and cost do not grow with the number of departments.
NAVIGATION_LIMIT = 12


def navigation(departments):
    """The departments the header lists: all of them, or none when there are too many."""
    first = list(departments[: NAVIGATION_LIMIT + 1])
    return first if len(first) <= NAVIGATION_LIMIT else []


def in_language(path, code):
    """This page's path in another language; the other language's home page where the path cannot
    be translated (a path such as "//[::1/" is not even a URL to urlsplit)."""
    try:
        return translate_url(path, code)
    except ValueError:
        with override(code):
            return reverse("departments:overview")


def site(request):
    """The language switch and alternates for every page, and the site's navigation (lazily)."""
    from departments.models import Department
    from departments.pages.search import localized

    current = get_language()
    # Search results stay the same search in the other language.
    match = request.resolver_match
    keep_query = match is not None and match.view_name == "departments:search" and request.GET.get("q")
    query = f"?{request.GET.urlencode()}" if keep_query else ""
    languages = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        path = in_language(request.path, code)
        languages.append(
            {
                "code": code,
                "html_code": "zh-Hans" if code == "zh-hans" else code,
                "name_local": info["name_local"],
                "url": absolute_url(request, path),
                "path": path + query,
                "is_current": code == current,
                "og_locale": OPEN_GRAPH_LOCALES.get(code, code),
            }
        )
    return {
        "languages": languages,
        "html_lang": "zh-Hans" if current == "zh-hans" else current,
        "canonical_url": absolute_url(request, request.path),
        "x_default_url": absolute_url(request, "/"),
        "og_locale": OPEN_GRAPH_LOCALES.get(current, current),
        "icp_filing": getattr(settings, "ICP_FILING", ""),
        "nav_departments": SimpleLazyObject(
            lambda: navigation(Department.objects.only("slug", *localized("name"), "position"))
        ),
    }
