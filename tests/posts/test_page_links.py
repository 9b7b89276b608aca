"""``{% link %}`` gives exactly what ``{% url %}`` gives, under any script prefix, for plain and odd arguments."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from fansub.posts.templatetags.page_links import link

CASES = [("home", ()), ("creator-detail", ("some_creator-1",)), ("post-detail", (42,)),
         ("report", ("post", 7)), ("payments:purchases", ()), ("subscribe", ("maker", 3)),
         ("media-preview", ("12345678-1234-5678-1234-567812345678", "thumbnail"))]


@pytest.mark.parametrize(("name", "args"), CASES)
def test_link_is_the_reversed_url(name, args):
    assert link(name, *args) == reverse(name, args=args)
    assert link(name, *args) == reverse(name, args=args)  # from the cached pattern too


def test_link_follows_the_script_prefix():
    set_script_prefix("/under/")
    try:
        assert link("post-detail", 5) == reverse("post-detail", args=[5]) == "/under/p/5/"
    finally:
        clear_script_prefix()
    assert link("post-detail", 5) == "/p/5/"


def test_arguments_reverse_would_quote_or_refuse_take_the_slow_path():
    assert link("creator-detail", "a b&c") == reverse("creator-detail", args=["a b&c"])
    assert link("creator-detail", "é") == reverse("creator-detail", args=["é"])
    with pytest.raises(NoReverseMatch):
        link("post-detail", "not-a-number")
    with pytest.raises(NoReverseMatch):
        link("creator-detail", "a/b")


def test_the_tag_escapes_like_url():
    html = Template("{% load page_links %}<a href=\"{% link 'creator-detail' handle %}\">").render(
        Context({"handle": "x\"y"}))
    assert html == '<a href="{}">'.format(reverse("creator-detail", args=['x"y']).replace('"', "&quot;"))
