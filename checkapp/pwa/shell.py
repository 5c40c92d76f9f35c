"""The app shell the service worker precaches, and its version.

The version is a hash of the shell's static files, of the service worker's source and of the
compiled catalogs (the shell's pages and the outbox's words are made from them), so a deploy that
changes any of them renews the cache; it is computed once per process.
"""
import hashlib
import json
from functools import lru_cache
from pathlib import Path

SHELL_DIRS = ("css", "js", "icons")
SHELL_PAGES = ("pwa.offline", "pwa.outbox", "pwa.manifest")
SW_SOURCE = "sw.js"
CATALOGS = Path(__file__).resolve().parent.parent / "translations"


def shell_files(static_folder: str) -> list[str]:
    """Static paths (relative to the static folder) of every CSS, JS and icon file, sorted."""
    root = Path(static_folder)
    found = []
    for folder in SHELL_DIRS:
        found += [p.relative_to(root).as_posix() for p in (root / folder).rglob("*") if p.is_file()]
    return sorted(found)


@lru_cache(maxsize=4)
def shell_version(static_folder: str) -> str:
    digest = hashlib.sha256()
    files = [(name, Path(static_folder) / name) for name in [*shell_files(static_folder), SW_SOURCE]]
    files += [(path.relative_to(CATALOGS).as_posix(), path) for path in sorted(CATALOGS.glob("*/LC_MESSAGES/*.mo"))]
    for name, path in files:
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:12]


def render_service_worker(static_folder: str, shell_urls: list[str], offline_url: str) -> str:
    """The service worker's source with its version, shell list and offline page filled in."""
    source = (Path(static_folder) / SW_SOURCE).read_text(encoding="utf-8")
    return (source.replace('"__VERSION__"', json.dumps(shell_version(static_folder)))
                  .replace('["__SHELL__"]', json.dumps(shell_urls))
                  .replace('"__OFFLINE__"', json.dumps(offline_url)))
