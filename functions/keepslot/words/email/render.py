"""One Jinja2 template per message, rendered twice: plain text and autoescaped HTML.

The first line of a template is the subject. Links and buttons go through
`link()` / `button()`, which write `label: url` in text and an anchor in HTML;
blank lines separate paragraphs, which the HTML part wraps in `<p>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str


def _text_link(url: str, label: str | None = None) -> str:
    return f"{label}: {url}" if label else url


def _html_link(url: str, label: str | None = None) -> Markup:
    return Markup('<a href="{}">{}</a>').format(url, label or url)


def _html_button(label: str, url: str) -> Markup:
    return Markup('<a class="button" href="{}">{}</a>').format(url, label)


class Renderer:
    def __init__(self) -> None:
        loader = FileSystemLoader(TEMPLATES)
        common: dict[str, Any] = {
            "loader": loader,
            "undefined": StrictUndefined,
            "keep_trailing_newline": True,
            "trim_blocks": True,
            "lstrip_blocks": True,
        }
        self._text = Environment(autoescape=False, **common)
        self._text.globals.update(link=_text_link, button=lambda label, url: f"→ {label}: {url}")
        self._html = Environment(autoescape=True, **common)
        self._html.globals.update(link=_html_link, button=_html_button)

    def exists(self, name: str) -> bool:
        return (TEMPLATES / f"{name}.j2").is_file()

    def render(self, name: str, view: dict[str, Any]) -> Rendered:
        text = self._text.get_template(f"{name}.j2").render(view)
        subject, _, body = text.partition("\n")
        rich = self._html.get_template(f"{name}.j2").render(view)
        rich_body = rich.partition("\n")[2]
        page = self._html.get_template("_base.html.j2").render(
            {**view, "subject": subject.strip(), "content": _paragraphs(rich_body)}
        )
        return Rendered(subject.strip(), _tidy(body), page)


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() + "\n"


def _paragraphs(escaped: str) -> Markup:
    """Already-escaped HTML text -> <p> blocks (a single newline becomes <br>)."""
    blocks = [b.strip() for b in _tidy(escaped).split("\n\n") if b.strip()]
    # Markup(...) is safe here: every value in `escaped` was autoescaped by Jinja2.
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>\n").join(Markup(line) for line in b.split("\n")))
        for b in blocks
    )


__all__ = ["Rendered", "Renderer", "escape"]
