"""Emoji and symbols are never the only label: in a template each one sits in an ``aria-hidden`` element (the
words next to it, or visually hidden text, carry the meaning) or inside an element with an ``aria-label``."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
STATIC_JS = Path(__file__).resolve().parents[2] / "static" / "js"
# Pictographs, dingbats and arrows (🔒 💬 ♥ ✓ →). Typography is left alone: × in "800×600", › in breadcrumbs.
ICON = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF\u2190-\u21FF\u2B00-\u2BFF]")
HIDDEN = re.compile(r'<(\w+)[^<>]*aria-hidden="true"[^<>]*>[^<]*$')
LABELLED = re.compile(r'<(\w+)[^<>]*aria-label="[^"]+"[^<>]*>[^<]*$')


def _offences(path: Path) -> list[str]:
    text = path.read_text()
    found = []
    for match in ICON.finditer(text):
        before = text[max(0, match.start() - 300):match.start()]
        if HIDDEN.search(before) or LABELLED.search(before):
            continue
        line = text.count("\n", 0, match.start()) + 1
        found.append(f"{path.relative_to(path.parents[1])}:{line}: {match.group()!r}")
    return found


def test_no_icon_is_the_only_label_in_any_template():
    offences = [o for path in sorted(TEMPLATES.rglob("*.html")) for o in _offences(path)]
    offences += [o for path in sorted(STATIC_JS.glob("*.js")) for o in _offences(path)]
    assert offences == [], "wrap the icon in <span aria-hidden=\"true\"> next to words, or label its element:\n" + \
        "\n".join(offences)


def test_the_check_finds_a_bare_icon(tmp_path):
    bare = tmp_path / "t" / "bare.html"
    bare.parent.mkdir()
    bare.write_text('<p>ok <span aria-hidden="true">🔒</span> Locked</p>\n<a href="/m/">💬</a>\n')
    assert [o.split(": ")[1] for o in _offences(bare)] == ["'💬'"]
