"""The app shell the service worker precaches, and its version.

The version is a hash of the shell's static files and of the service worker's source, so a
deploy that changes any of them renews the cache; it is computed once per process.
"""
import hashlib
import json
from functools import lru_cache
from pathlib import Path

SHELL_DIRS = ("css", "js", "icons")
SHELL_PAGES = ("pwa.offline", "pwa.outbox", "pwa.manifest")
SW_SOURCE = "sw.js"


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
    for name in [*shell_files(static_folder), SW_SOURCE]:
        path = Path(static_folder) / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:12]


def render_service_worker(static_folder: str, shell_urls: list[str], offline_url: str) -> str:
    """The service worker's source with its version, shell list and offline page filled in."""
    source = (Path(static_folder) / SW_SOURCE).read_text(encoding="utf-8")
    return (source.replace('"__VERSION__"', json.dumps(shell_version(static_folder)))
                  .replace('["__SHELL__"]', json.dumps(shell_urls))
                  .replace('"__OFFLINE__"', json.dumps(offline_url)))
