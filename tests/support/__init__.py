"""Helpers the tests share: paths, databases, pages, serving processes, editors, provenance."""
