"""The production settings, plus one bare view to compare with (bench/urls.py)."""

from hospital_site.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
