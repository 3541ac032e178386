"""Content as staff and editors write it: fixtures checked and loaded, compared, exported; photos."""
