"""mkdocs hooks: the site speaks the configured locale and states the enforced policy.

Build-time tooling, so it may read the environment: KEEPSLOT_CONFIG overrides the
path of keepslot.yaml (default: next to mkdocs.yml). A broken config fails the
build with the message naming the key.

Each build leaves in the site the SHA-256 of the config file it came from
(CONFIG_STAMP), so the local stack can refuse to serve a policy page written from
one config while its functions enforce another (`site_built_from`). The stamp
names no path: it ships with the site, harmlessly.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from keepslot.config.model import ConfigError, KeepslotConfig, load_config
from keepslot.words import Words
from keepslot.words.formats import date_patterns
from keepslot.words.pages import render_home, render_policy

# Pages another engineer fills with forms: the hook only localises their title line.
APP_TITLES = {
    "book/index.md": "title.book",
    "manage/index.md": "title.manage",
    "admin/index.md": "title.admin",
    "dashboard/index.md": "title.dashboard",
    "waitlist/index.md": "title.waitlist",
}
NAV_TITLES = {"index.md": "nav.home", "policy.md": "nav.policy", "book/index.md": "nav.book"}
KEEPSLOT_CSS = "assets/css/keepslot.css"
H1 = re.compile(r"\A\s*#\s+[^\n]*")
CONFIG_STAMP = ".keepslot-config.sha256"

_state: dict[str, Any] = {}


def config_path(mkdocs_config: MkDocsConfig) -> Path:
    override = os.environ.get("KEEPSLOT_CONFIG")
    if override:
        return Path(override)
    return Path(mkdocs_config.config_file_path).parent / "keepslot.yaml"


@event_priority(100)  # before any plugin reads the language or the site name
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    try:
        keepslot = load_config(config_path(config))
    except ConfigError as e:
        raise PluginError(f"keepslot: {e}") from e
    words = Words(keepslot.business.locale)
    _state.update(keepslot=keepslot, words=words)
    config.site_name = keepslot.business.name
    config.theme["language"] = keepslot.business.locale
    config.nav = [_titled(entry, words) for entry in config.nav or []]
    # The booking pages' stylesheet belongs to their author; load it once it exists.
    docs = Path(config.docs_dir)
    if (docs / KEEPSLOT_CSS).is_file() and KEEPSLOT_CSS not in config.extra_css:
        config.extra_css.append(KEEPSLOT_CSS)
    return config


def _titled(entry: Any, words: Words) -> Any:
    """`- policy.md` becomes `- Politica di cancellazione: policy.md`."""
    if isinstance(entry, str) and entry in NAV_TITLES:
        return {words(NAV_TITLES[entry]): entry}
    return entry


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    keepslot: KeepslotConfig = _state["keepslot"]
    src = page.file.src_uri
    if src == "index.md":
        return render_home(keepslot)
    if src == "policy.md":
        return render_policy(keepslot)
    if src in APP_TITLES:
        title = _state["words"](APP_TITLES[src])
        return H1.sub(lambda _: f"# {title}", markdown, count=1)
    return markdown


def on_post_build(config: MkDocsConfig) -> None:
    stamp_site(Path(config.site_dir), config_path(config))


def stamp_site(site_dir: Path, keepslot_yaml: Path) -> None:
    """Record in `site_dir` that its pages were written from `keepslot_yaml`."""
    (site_dir / CONFIG_STAMP).write_text(_fingerprint(keepslot_yaml) + "\n", encoding="ascii")


def site_built_from(site_dir: Path, keepslot_yaml: Path) -> bool:
    """True when the site in `site_dir` was built from exactly this config's content."""
    stamp = site_dir / CONFIG_STAMP
    return stamp.is_file() and stamp.read_text("ascii").strip() == _fingerprint(keepslot_yaml)


def _fingerprint(keepslot_yaml: Path) -> str:
    return hashlib.sha256(keepslot_yaml.read_bytes()).hexdigest()


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Every page carries the locale's date patterns (Babel's), so the booking pages write
    a date the way the emails and the policy page do. A JSON data block: never run, so the
    deployed Content-Security-Policy needs no hash for it."""
    data = json.dumps(date_patterns(_state["keepslot"].business.locale), ensure_ascii=False)
    data = data.replace("</", "<\\/")  # nothing in it may close the script element
    block = f'<script id="ks-dates" type="application/json">{data}</script>'
    return output.replace("</head>", f"{block}\n</head>", 1)


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    """`mkdocs serve` rebuilds when keepslot.yaml changes, too."""
    server.watch(str(config_path(config)))
    return server
