"""What a reader sees on a page: its visible text, and which Latin words a Chinese page may show."""

from html.parser import HTMLParser

from departments.models import Leader

# Latin-script words a Chinese page may show: abbreviations used in Chinese medicine as they are,
# and the language switch's own label.
LATIN_ALLOWED_IN_CHINESE = {"PPH", "TST", "RPH", "STARR", "LVR", "SIR", "MDT", "SCI", "English"}


class VisibleText(HTMLParser):
    """The text a reader sees: no tags, scripts or styles."""

    def __init__(self):
        super().__init__()
        self.parts, self.skipping = [], []

    def handle_starttag(self, tag, attrs):
        if (self.skipping or tag in ("script", "style")) and tag not in ("br", "img", "meta", "link"):
            self.skipping.append(tag)

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def people_names():
    return {word for name in Leader.objects.values_list("name", flat=True) for word in name.split()}
