"""Which language a translated field is shown in on the current page.

A Chinese page shows a field's English text where the Chinese is empty (modeltranslation's
fallback); that text is marked `lang="en"` so that screen readers pronounce it as English.
Templates (`fallback_lang`), search results and charts all ask here.
"""

from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname


def fallback_language(obj, field):
    """The language the field falls back to on this page ("en"), or "" when it is shown in the
    page's own language (or has no text at all)."""
    language = get_language()
    default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    if not language or language == default:
        return ""
    if getattr(obj, build_localized_fieldname(field, language), None):
        return ""
    if not getattr(obj, build_localized_fieldname(field, default), None):
        return ""
    return default


def lang_attribute(obj, field):
    """` lang="en"` where the field shows its fallback, else nothing."""
    language = fallback_language(obj, field)
    return format_html(' lang="{}"', language) if language else ""
