"""The public pages: views, the page cache, search, SEO, charts and the formatting of figures."""
