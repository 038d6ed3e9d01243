"""Removing identifying details from text bound for a public summary.

What it removes, from text people typed:

- each child's name (from the rapid review the learning review came from):
  the full name and the first name become the child's pseudonym ("Child A"),
  any other part of the name (a family name, shared with parents and siblings)
  becomes "[name removed]"; their date of birth (as ISO, 03/04/2015 or
  3 April 2015) and each line of their address are removed too;
- the names of the partnership's members (contributors, lead authors, people
  asked for information...) become their job title and agency;
- email addresses, UK phone numbers and postcodes.

Matching ignores case and respects word boundaries ("Al" does not match
"Alex"). Names it has never been told about (a parent who is not a member,
say) cannot be recognised: the sections that describe the family are left
out of the public summary altogether for that reason, and the page asks the
business manager to read the summary before it is published.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

NAME_REMOVED = "[name removed]"
DATE_REMOVED = "[date removed]"
ADDRESS_REMOVED = "[address removed]"
EMAIL_REMOVED = "[email removed]"
PHONE_REMOVED = "[phone number removed]"
POSTCODE_REMOVED = "[postcode removed]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# UK numbers: 01234 567890, 0161 496 0000, 07700 900123, +44 7700 900123 (spaces or hyphens between groups).
_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\b0)\d{2,4}(?:[\s-]?\d{3,4}){2}\b")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
# The shortest name part worth matching on its own: single letters (initials) would match everywhere.
_MIN_PART = 2


@dataclass(frozen=True)
class KnownChild:
    pseudonym: str
    name: str
    date_of_birth: str = ""
    address: str = ""


def _word_pattern(phrases: Iterable[str]) -> re.Pattern | None:
    """One case-insensitive pattern matching any phrase as whole words, longest first."""
    unique = sorted({p.strip() for p in phrases if p and p.strip()}, key=len, reverse=True)
    if not unique:
        return None
    # Whitespace inside a phrase matches any run of whitespace ("Jo  Smith" on two lines).
    alternatives = [r"\s+".join(re.escape(part) for part in phrase.split()) for phrase in unique]
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def _date_spellings(iso: str) -> list[str]:
    try:
        day = date.fromisoformat(iso.strip())
    except ValueError:
        return [iso] if iso.strip() else []
    return [
        day.isoformat(),
        f"{day.day:02d}/{day.month:02d}/{day.year}",
        f"{day.day}/{day.month}/{day.year}",
        f"{day.day:02d}.{day.month:02d}.{day.year}",
        f"{day.day:02d}-{day.month:02d}-{day.year}",
        f"{day.day} {day:%B} {day.year}",
        f"{day.day} {day:%b} {day.year}",
        f"{day:%B} {day.day}, {day.year}",
    ]


class Redactor:
    """Scrubs text of the identities it is given (see the module docstring). Build once, scrub many."""

    def __init__(self, *, children: Iterable[KnownChild] = (), people: dict[str, str] | None = None) -> None:
        self._replacements: dict[str, str] = {}
        removals: list[tuple[str, str]] = []
        for child in children:
            parts = [p for p in child.name.split() if len(p) >= _MIN_PART]
            if child.name.strip():
                self._replacements[_key(child.name)] = child.pseudonym
            if parts:
                self._replacements.setdefault(_key(parts[0]), child.pseudonym)
                for part in parts[1:]:
                    self._replacements.setdefault(_key(part), NAME_REMOVED)
            removals += [(spelling, DATE_REMOVED) for spelling in _date_spellings(child.date_of_birth)]
            for line in re.split(r"[,\n]+", child.address):
                if len(line.strip()) >= 4:
                    removals.append((line.strip(), ADDRESS_REMOVED))
        for name, instead in (people or {}).items():
            if name.strip():
                self._replacements.setdefault(_key(name), instead)
        for phrase, instead in removals:
            self._replacements.setdefault(_key(phrase), instead)
        self._names = _word_pattern(self._replacements)

    def scrub(self, text: str | None) -> str:
        text = text or ""
        if self._names is not None:
            text = self._names.sub(lambda m: self._replacements[_key(m.group(0))], text)
        text = _EMAIL.sub(EMAIL_REMOVED, text)
        text = _POSTCODE.sub(POSTCODE_REMOVED, text)
        return _PHONE.sub(PHONE_REMOVED, text)


def _key(phrase: str) -> str:
    return " ".join(phrase.split()).casefold()
