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
PUBLIC_PAGES = [*CONTENT_PAGES, "accessibility/"]
