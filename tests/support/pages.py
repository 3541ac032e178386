"""The site's public pages, as paths after the language prefix, for the tests that visit them all."""

LANGUAGES = ["en", "zh-hans"]
DEPARTMENT_SLUGS = [
    "gastrointestinal-surgery",
    "colorectal-anal-surgery",
    "spine-surgery",
    "plastic-cosmetic-surgery",
]
# The pages made from the content: the overview, the directory and each department.
CONTENT_PAGES = ["", "departments/", *(f"departments/{slug}/" for slug in DEPARTMENT_SLUGS)]
# A page per source text: the hospital's own words (English in both languages, by design).
SOURCE_PAGES = [f"sources/{name}/" for name in ["hospital", *DEPARTMENT_SLUGS]]
PUBLIC_PAGES = [*CONTENT_PAGES, "conditions/", "accessibility/", "open-data/"]
# Every public page; the search page with results (and marked matches) in the page's language.
SEARCHES = {"en": "search/?q=surgery", "zh-hans": "search/?q=外科"}


def public_urls(language):
    """Every public page's URL in one language, the empty search and a search with results included."""
    return [f"/{language}/{path}" for path in [*PUBLIC_PAGES, *SOURCE_PAGES, "search/", SEARCHES[language]]]
