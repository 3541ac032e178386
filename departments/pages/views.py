from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.encoding import escape_uri_path, iri_to_uri
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django.views.generic import DetailView

from departments import selectors
from departments.models import Hospital, Source, SourceKind
from departments.pages import a_to_z, charts, citations, sections, seo
from departments.pages import search as site_search
from departments.pages.cache import cache_public_page
from departments.pages.context_processors import navigation
from departments.pages.outages import works_without_database


@require_safe
@vary_on_headers("Accept-Language")
def choose_language(request):
    """Send / to the overview in the visitor's language (Accept-Language; English otherwise)."""
    language = translation.get_language_from_request(request, check_path=False)
    with translation.override(language):
        return redirect(reverse("departments:overview"))


# What visitors and other sites write for Simplified Chinese, which the site's addresses call
# zh-hans. The site has no Traditional Chinese (zh-tw, zh-hk, zh-hant): those stay a 404, not a
# page in a script its reader did not ask for.
SIMPLIFIED_CHINESE_ALIASES = {"zh", "zh-cn", "zh-sg"}


@require_safe
def simplified_chinese(request, alias, rest=""):
    """Send /zh-cn/<rest> (or /zh/, /zh-sg/, in any case) for good to /zh-hans/<rest>, query and all."""
    with translation.override("zh-hans"):
        url = reverse("departments:overview") + escape_uri_path(rest)
    if query := request.META.get("QUERY_STRING"):
        url = f"{url}?{iri_to_uri(query)}"
    return redirect(url, permanent=True)


def the_hospital(queryset):
    """The site's hospital (the site describes one), or 404 before any content is loaded."""
    hospital = queryset.first()
    if hospital is None:
        raise Http404("No hospital has been loaded.")
    return hospital


# How many departments the overview shows before it sends visitors to the directory, and how
# many a page of the directory lists: pages keep their size however many departments there are.
OVERVIEW_DEPARTMENTS = 12
DIRECTORY_PAGE_SIZE = 48


@cache_public_page
def overview(request):
    hospital = the_hospital(Hospital.objects.select_related("source"))
    # One more than shown, to know whether there are more.
    first_departments = list(selectors.overview_departments(hospital)[: OVERVIEW_DEPARTMENTS + 1])
    departments = first_departments[:OVERVIEW_DEPARTMENTS]
    facts = selectors.facts_of(hospital)
    overview_charts = charts.overview_charts(departments)
    context = {
        "hospital": hospital,
        "facts": facts,
        "departments": departments,
        "more_departments": len(first_departments) > OVERVIEW_DEPARTMENTS,
        "nav_departments": navigation(first_departments),
        "charts": overview_charts,
        "notes": citations.overview_notes(hospital, facts, departments, overview_charts),
        "data_url": reverse("api:hospital"),
        "structured_data": seo.hospital(hospital, facts, departments, request),
    }
    return render(request, "departments/overview.html", context)


@cache_public_page
def directory(request, page=None):
    if page == 1:
        # The first page has one address: the directory's own.
        return redirect("departments:directory", permanent=True)
    if page is None:
        page = 1
    hospital = the_hospital(Hospital.objects.select_related("source"))
    paginator = Paginator(selectors.directory_departments(hospital), DIRECTORY_PAGE_SIZE)
    try:
        departments = paginator.page(page)
    except InvalidPage:
        raise Http404("No such page of the directory.") from None
    breadcrumbs = [{"name": _("Departments")}]
    if page > 1:
        breadcrumbs = [
            {"name": _("Departments"), "url": reverse("departments:directory")},
            {"name": _("Page %(number)s") % {"number": page}},
        ]
    context = {
        "hospital": hospital,
        "departments": departments,
        # A later page holds few departments, not all of them: only a single page is the whole list.
        "nav_departments": navigation(departments) if paginator.num_pages == 1 else [],
        "breadcrumbs": breadcrumbs,
        "notes": citations.directory_notes(departments),
    }
    return render(request, "departments/directory.html", context)


@method_decorator(cache_public_page, name="dispatch")
class DepartmentDetailView(DetailView):
    template_name = "departments/department_detail.html"
    context_object_name = "department"

    def get_queryset(self):
        return selectors.page_departments()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        facts = selectors.facts_of(self.object)
        context["sections"] = sections.of_department(self.object, facts)
        context["notes"] = citations.department_notes(self.object, context["sections"])
        context["data_url"] = reverse("api:department", kwargs={"slug": self.object.slug})
        context["structured_data"] = seo.department(self.object, facts, self.request)
        context["breadcrumbs"] = [
            {"name": _("Departments"), "url": reverse("departments:directory")},
            {"name": self.object.name},
        ]
        return context


@cache_public_page
def conditions(request):
    """Conditions treated and procedures offered, A to Z, each linking to its department."""
    letters = a_to_z.index()
    context = {
        "letters": letters,
        "breadcrumbs": [{"name": _("Conditions and procedures A–Z")}],
        "structured_data": seo.conditions_list(letters, request),
    }
    return render(request, "departments/conditions.html", context)


@cache_public_page
def source(request, name):
    """A source text of the hospital's, whole, with the phrases the pages quote marked and linked
    back to the facts that quote them."""
    text_source = get_object_or_404(Source, name=f"{name}.txt", kind=SourceKind.TEXT)
    text = citations.source_text(text_source)
    if text is None:
        raise Http404("The source text is not on this server.")
    context = {
        "source": text_source,
        "paragraphs": citations.passages(text, citations.pages_citing(text_source)),
        "breadcrumbs": [{"name": text_source.title}],
    }
    return render(request, "departments/source.html", context)


@cache_public_page
def search(request):
    """Search results for ?q=, in the page's language; any text at all gives a normal page."""
    query = site_search.parse(request.GET.get("q", ""))
    context = {
        "query": query,
        "results": site_search.run(query),
        "highlight": site_search.highlight_pattern(query),
        "max_length": site_search.MAX_QUERY_LENGTH,
        "max_departments": site_search.MAX_DEPARTMENTS,
        "breadcrumbs": [{"name": _("Search")}],
        # The page is its own search form.
        "hide_site_search": True,
    }
    return render(request, "departments/search.html", context)


@cache_public_page
def accessibility(request):
    context = {"breadcrumbs": [{"name": _("Accessibility statement")}]}
    return render(request, "departments/accessibility.html", context)


@works_without_database
@require_safe
def robots_txt(request):
    """Crawl everything but the search results (endless, and marked noindex); here is the sitemap."""
    context = {
        "search_paths": site_search.page_paths(),
        "sitemap_url": seo.absolute_url(request, reverse("sitemap")),
    }
    return render(request, "robots.txt", context, content_type="text/plain; charset=utf-8")
