"""What a reader sees on a page: its visible text, and which Latin words a Chinese page may show."""

from html.parser import HTMLParser

from departments.models import Leader

# Latin-script words a Chinese page may show: abbreviations used in Chinese medicine as they are,
# and the language switch's own label.
LATIN_ALLOWED_IN_CHINESE = {"PPH", "TST", "RPH", "STARR", "LVR", "SIR", "MDT", "SCI", "English"}


# The hospital's own words, quoted in a page's sources: English on every page, by design.
SOURCE_QUOTE = "sources__quote"


class VisibleText(HTMLParser):
    """The text a reader sees: no tags, scripts or styles (nor, if asked, the quoted source words)."""

    def __init__(self, without_source_quotes=False):
        super().__init__()
        self.parts, self.skipping = [], []
        self.without_source_quotes = without_source_quotes

    def handle_starttag(self, tag, attrs):
        quote = self.without_source_quotes and SOURCE_QUOTE in (dict(attrs).get("class") or "").split()
        if (self.skipping or quote or tag in ("script", "style")) and tag not in (
            "br",
            "img",
            "meta",
            "link",
        ):
            self.skipping.append(tag)

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html, without_source_quotes=False):
    parser = VisibleText(without_source_quotes)
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def people_names():
    return {word for name in Leader.objects.values_list("name", flat=True) for word in name.split()}
