"""The login pages' one way to HTML (``http/pages.py``, ``render``): whatever text it is
given, nothing of it is markup."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from userpools.http.pages import Markup, render


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.values: list[str | None] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.values += [value for _, value in attrs]

    def handle_data(self, data: str) -> None:
        self.text += data


@given(st.text())
def test_any_text_stays_text_in_an_element_and_in_an_attribute(value: str) -> None:
    page = render('<p class="x">$a</p><input value="$b">', a=value, b=value)
    parsed = Tags()
    parsed.feed(page)
    parsed.close()
    assert parsed.tags == ["p", "input"]  # nothing the value held became a tag
    assert parsed.values == ["x", value]  # the attribute holds the value, all of it
    assert parsed.text == value


def test_markup_from_render_is_kept_and_nothing_else_is() -> None:
    inner = render("<b>$x</b>", x="<i>")
    assert render("<p>$y</p>", y=inner) == "<p><b>&lt;i&gt;</b></p>"
    assert render("<p>$y</p>", y="<b>x</b>") == "<p>&lt;b&gt;x&lt;/b&gt;</p>"
    assert isinstance(inner, Markup)
