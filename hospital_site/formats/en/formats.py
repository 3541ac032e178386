# The English pages are British English: "23 November 2026", not Django's US default "Nov. 23, 2026".
DATE_FORMAT = "j F Y"
YEAR_MONTH_FORMAT = "F Y"
