"""Conditions and procedures, A to Z: how a patient who knows only what ails them finds the
department that treats it.

English sorts by the alphabet; Chinese by pinyin, as a Chinese reader looks things up (骨质疏松症
under G, before 脊柱结核 under J, before 腰椎间盘突出症 under Y). Unicode order is meaningless for
Chinese, so the reading comes from pypinyin.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin

from departments.models import Condition, Procedure
from departments.pages.formatting import is_chinese

KINDS = {Condition: ("conditions", _("condition")), Procedure: ("procedures", _("procedure"))}


@dataclass
class Entry:
    fact: object
    kind: str  # what it is: condition or procedure
    section: str  # the id of the department page's section that shows it

    @property
    def url(self):
        return f"{self.fact.department.get_absolute_url()}#{self.section}"


@dataclass
class Letter:
    letter: str
    entries: list = field(default_factory=list)

    @property
    def anchor(self):
        return f"letter-{self.letter}"


def reading(name):
    """How a name is ordered: its pinyin in Chinese (syllables, then the characters), the name
    itself in English; case and accents aside."""
    if is_chinese():
        return (" ".join(lazy_pinyin(name, style=Style.NORMAL, errors="default")).casefold(), name)
    return (name.casefold(), name)


def letter_of(name):
    """The letter a name is filed under: its first letter, or its first character's pinyin initial
    in Chinese; "#" for anything else (a digit, a symbol)."""
    first = reading(name)[0][:1].upper()
    return first if "A" <= first <= "Z" else "#"


def index():
    """Every condition and procedure of every department, by letter, in reading order."""
    entries = []
    for model, (section, kind) in KINDS.items():
        for fact in model.objects.filter(department__isnull=False).select_related("department"):
            entries.append(Entry(fact, kind, section))
    entries.sort(key=lambda entry: (reading(entry.fact.name), reading(entry.fact.department.name)))
    letters = {}
    for entry in entries:
        letter = letter_of(entry.fact.name)
        letters.setdefault(letter, Letter(letter)).entries.append(entry)
    return sorted(letters.values(), key=lambda letter: (letter.letter == "#", letter.letter))
