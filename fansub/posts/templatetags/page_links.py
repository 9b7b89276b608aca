"""``{% link 'name' arg … %}``: ``{% url %}`` for links a page draws many times (every card's creator, post, tip
and report links; the nav), without walking the URL resolver for each one.

Each (URL name, argument count, script prefix, URLconf) is reversed once with placeholder arguments; later
calls put the real arguments in the placeholders' places. Only arguments the place's converter takes as they
are (digits; letters, digits, ``_`` and ``-`` where the converter takes text — reversing leaves those unquoted)
take that path; anything else is reversed as ``{% url %}`` would, so the result, or the NoReverseMatch, is the
same."""

import re
from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

register = template.Library()

_PLAIN = re.compile(r"[A-Za-z0-9_-]+")
_MARK = 987_654_320  # digits: they pass both the int and the str path converters


_TEXT = "Zz_-9"  # a plain value the str, slug and path converters take and the int one refuses


@lru_cache(maxsize=256)
def _pattern(name: str, count: int, prefix: str, urlconf: str) -> tuple[tuple[str, ...], tuple[bool, ...]]:
    """The URL cut at each argument's place, and whether each place takes plain text (not only digits).
    ``((), ())`` when the pattern cannot be cut this way (e.g. a uuid argument): every call reverses."""
    marks = [str(_MARK + i) for i in range(count)]
    try:
        url = reverse(name, args=marks, urlconf=urlconf)
    except NoReverseMatch:
        return (), ()
    parts = [url]
    for mark in marks:
        head, found, tail = parts.pop().partition(mark)
        if not found or mark in tail:  # the placeholder is not where an argument goes
            return (), ()
        parts += [head, tail]
    return tuple(parts), tuple(_takes_text(name, marks, i, urlconf) for i in range(count))


def _takes_text(name: str, marks: list[str], index: int, urlconf: str) -> bool:
    try:
        reverse(name, args=[*marks[:index], _TEXT, *marks[index + 1:]], urlconf=urlconf)
    except NoReverseMatch:
        return False
    return True


def _fits(value: str, takes_text: bool) -> bool:
    return value.isascii() and (value.isdigit() or (takes_text and _PLAIN.fullmatch(value) is not None))


@register.simple_tag
def link(name: str, *args: object) -> str:
    values = [str(a) for a in args]
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    parts, takes_text = _pattern(name, len(values), get_script_prefix(), urlconf)
    if not parts or not all(_fits(v, t) for v, t in zip(values, takes_text, strict=True)):
        return reverse(name, args=values, urlconf=urlconf)
    out = [parts[0]]
    for value, part in zip(values, parts[1:], strict=True):
        out += [value, part]
    return "".join(out)
