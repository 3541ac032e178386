from django import template

from departments.content.photos import renditions_for

register = template.Library()


@register.simple_tag
def photo_renditions(photo):
    """The renditions of a photo for `<picture>` (see includes/photo.html), or None."""
    return renditions_for(photo)
