"""The installable app: service worker, manifest, icons, offline and outbox pages, headers."""
import gzip
import html
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from checkapp.pwa import shell
from checkapp.pwa.shell import shell_version
from checkapp.pwa.words import words_version

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}
STATIC = Path(__file__).resolve().parent.parent / "static"


# --- service worker ------------------------------------------------------------------------------

def test_service_worker_is_served_from_the_root_uncached_with_root_scope(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"


def test_service_worker_gets_its_version_shell_and_offline_page(client, app):
    source = client.get("/sw.js").get_data(as_text=True)
    assert "__VERSION__" not in source and "__SHELL__" not in source and "__OFFLINE__" not in source
    version = re.search(r'const VERSION = "([0-9a-f]{12})"', source)[1]
    assert version == shell_version(app.static_folder)
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", source)[1])
    for url in ("/static/css/app.css", "/static/js/app.js", "/static/js/outbox.js",
                "/static/icons/icon-192.png", "/offline", "/outbox", "/manifest.webmanifest"):
        assert url in shell
    assert 'const OFFLINE_URL = "/offline"' in source
    for url in shell:  # everything precached must exist, or installing the worker fails
        assert client.get(url).status_code == 200, url


def test_service_worker_returns_before_any_respond_with_for_non_get_requests():
    source = (STATIC / "sw.js").read_text()
    handler = source[source.index('self.addEventListener("fetch"'):]
    guard = handler.index('if (request.method !== "GET") return;')
    assert guard < handler.index("respondWith")
    assert source.index("respondWith") > source.index('self.addEventListener("fetch"')


def run_fetch_handler(method: str, url: str, mode: str = "same-origin") -> bool:
    """Run sw.js in Node with a fake worker scope; True if the fetch handler called respondWith."""
    script = """
    const fs = require("fs");
    const handlers = {};
    const self = { addEventListener: (type, fn) => { handlers[type] = fn; }, location: { origin: "https://app.test" },
                   skipWaiting() {}, clients: { claim() {} } };
    const caches = { open: async () => ({}), match: async () => undefined, keys: async () => [] };
    new Function("self", "caches", "fetch", fs.readFileSync(process.argv[1], "utf8"))(self, caches, async () => ({}));
    let responded = false;
    handlers.fetch({ request: { method: process.argv[2], url: process.argv[3], mode: process.argv[4] },
                     respondWith: (p) => { responded = true; Promise.resolve(p).catch(() => {}); } });
    console.log(responded ? "respondWith" : "passed");
    """
    result = subprocess.run(["node", "-e", script, str(STATIC / "sw.js"), method, url, mode],
                            capture_output=True, text=True, check=True)
    return result.stdout.strip() == "respondWith"


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("url", ["https://app.test/runs/1/items/2", "https://app.test/api/v1/runs/1/answers",
                                 "https://app.test/static/css/app.css"])
def test_service_worker_never_intercepts_non_get_requests(method, url):
    assert run_fetch_handler(method, url, "navigate") is False
    assert run_fetch_handler(method, url) is False


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_service_worker_serves_run_pages_and_static_files_but_not_the_api():
    assert run_fetch_handler("GET", "https://app.test/runs/1/items/2", "navigate") is True
    assert run_fetch_handler("GET", "https://app.test/static/js/app.js") is True
    assert run_fetch_handler("GET", "https://app.test/api/v1/runs/1") is False
    assert run_fetch_handler("GET", "https://elsewhere.test/static/x.js") is False


def test_shell_version_changes_when_a_static_file_changes(tmp_path):
    static = tmp_path / "static"
    shutil.copytree(STATIC, static)
    before = shell_version(str(static))
    (static / "css" / "app.css").write_text("/* changed */", encoding="utf-8")
    assert shell_version.__wrapped__(str(static)) != before


# --- manifest and icons --------------------------------------------------------------------------

def test_manifest_has_what_installing_needs(client):
    response = client.get("/manifest.webmanifest", headers=EN)
    assert response.mimetype == "application/manifest+json"
    data = json.loads(response.get_data())
    assert data["name"] and data["short_name"] == "CheckApp"
    assert (data["start_url"], data["scope"], data["display"]) == ("/launch", "/", "standalone")
    assert data["theme_color"].startswith("#") and data["background_color"].startswith("#")
    assert data["lang"] == "en"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in data["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")} <= sizes


def test_manifest_is_in_the_users_language(client):
    en = json.loads(client.get("/manifest.webmanifest", headers=EN).get_data())
    fr = json.loads(client.get("/manifest.webmanifest", headers=FR).get_data())
    assert fr["lang"] == "fr"
    assert fr["name"] != en["name"] and fr["description"] != en["description"]


def test_manifest_follows_the_language_of_the_page_that_links_it(client):
    data = json.loads(client.get("/manifest.webmanifest?lang=fr", headers=EN).get_data())
    assert data["lang"] == "fr" and data["description"].startswith("Vérifier")


def test_shell_responses_never_set_the_session_cookie(client):
    """They are fetched alongside a login: an old session in their response would undo it."""
    client.get("/login")  # an anonymous session with its CSRF token
    assert "Set-Cookie" not in client.get("/manifest.webmanifest").headers
    assert "Set-Cookie" not in client.get("/sw.js").headers
    assert "Set-Cookie" not in client.get("/static/js/app.js").headers
    assert 'credentials: "omit"' in (STATIC / "sw.js").read_text()  # precached pages: no cookie at all


def test_manifest_icons_are_pngs_of_the_stated_size(client):
    for icon in json.loads(client.get("/manifest.webmanifest").get_data())["icons"]:
        response = client.get(icon["src"])
        assert response.status_code == 200
        image = Image.open(io.BytesIO(response.get_data()))
        assert image.format == "PNG"
        assert f"{image.width}x{image.height}" == icon["sizes"]
        if icon["purpose"] == "maskable":  # full bleed: no transparent corners for the launcher to show
            assert image.convert("RGBA").getpixel((0, 0))[3] == 255


def test_pages_link_the_manifest_theme_colour_and_scripts_as_modules_only(client):
    page = client.get("/login", headers=EN).get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest?lang=en">' in page
    assert '<meta name="theme-color"' in page
    assert '<script type="module" src="/static/js/app.js"></script>' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "inline script found"


def test_installed_app_opens_on_the_testers_run_or_the_staff_home(app, client, login, as_tester, staff, make_run):
    assert client.get("/launch").headers["Location"] == "/"
    tester = app.test_client()
    as_tester(make_run(), tester)
    assert tester.get("/launch").headers["Location"] == "/tester"
    assert login(staff).get("/launch").headers["Location"] == "/"


# --- offline and outbox pages --------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/offline", "/outbox"])
def test_offline_and_outbox_pages_work_without_signing_in(client, path):
    assert client.get(path, headers=EN).status_code == 200


def words_of(client, page: str) -> dict:
    """The outbox's words that a page names (its indicator's data-words)."""
    url = html.unescape(re.search(r'id="outbox-status"[^>]* data-words="([^"]+)"', page)[1])
    return client.get(url).get_json()


def test_outbox_indicator_words_come_translated_from_the_server(client):
    page = client.get("/offline", headers=FR).get_data(as_text=True)
    assert 'id="outbox-status"' in page and 'aria-live="polite"' in page
    assert words_of(client, page)["allSent"] == "Tout est envoyé"
    assert words_of(client, page)["answersOther"] == "{n} réponses"
    en = client.get("/offline", headers=EN).get_data(as_text=True)
    assert words_of(client, en)["waitingOffline"] == "{x} waiting — will send when back online"


def test_outbox_words_are_a_file_per_language_kept_with_the_shell_not_in_every_page(client):
    page = client.get("/offline", headers=FR).get_data(as_text=True)
    assert "Tout est envoyé" not in page and "data-all-sent" not in page
    response = client.get(f"/words/fr.json?v={words_version()}")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Set-Cookie" not in response.headers
    assert client.get("/words/de.json").status_code == 404
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", client.get("/sw.js").get_data(as_text=True))[1])
    assert {f"/words/{lang}.json?v={words_version()}" for lang in ("fr", "en")} <= set(shell)
    assert "/words/" in (STATIC / "sw.js").read_text()  # served from the cache, offline too


def test_the_shell_version_changes_with_the_catalogs(monkeypatch, tmp_path):
    """The shell's pages and the outbox's words are made from them."""
    static = tmp_path / "static"
    (static / "js").mkdir(parents=True)
    (static / "js" / "app.js").write_text("x")
    catalogs = tmp_path / "translations"
    (catalogs / "fr" / "LC_MESSAGES").mkdir(parents=True)
    (catalogs / "fr" / "LC_MESSAGES" / "messages.mo").write_bytes(b"one")
    monkeypatch.setattr(shell, "CATALOGS", catalogs)
    before = shell.shell_version.__wrapped__(str(static))
    (catalogs / "fr" / "LC_MESSAGES" / "messages.mo").write_bytes(b"two")
    assert shell.shell_version.__wrapped__(str(static)) != before


# --- headers: CSP and compression ----------------------------------------------------------------

def test_every_page_has_a_strict_content_security_policy(client):
    csp = client.get("/login").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["img-src"] == "'self' blob: data:"
    assert "script-src" not in directives  # scripts fall back to 'self': no inline, no eval
    assert "unsafe-inline" not in csp  # no inline style attribute or element either
    assert client.get("/api/openapi.json").headers["Content-Security-Policy"] == csp


def test_text_responses_are_gzipped_when_the_client_accepts_it(client):
    plain = client.get("/static/js/outbox.js")
    zipped = client.get("/static/js/outbox.js", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    assert len(zipped.get_data()) < len(plain.get_data()) / 2
    page = client.get("/login", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert page.headers["Content-Encoding"] == "gzip"


def test_small_responses_and_images_are_not_compressed(client):
    small = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert len(small.get_data()) < 500 and "Content-Encoding" not in small.headers
    icon = client.get("/static/icons/icon-512.png", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in icon.headers


def test_a_warm_page_names_the_words_file_without_hashing_the_words_again(performer, run, monkeypatch):
    """The words change only with a deploy: their version is computed once per process, not at every page."""
    import checkapp.pwa.words

    item = run.checklists[0].version.items[0]
    url = f"/runs/{run.id}/items/{item.id}"
    first = performer.get(url).get_data(as_text=True)
    read = []
    real = checkapp.pwa.words.words_json
    monkeypatch.setattr(checkapp.pwa.words, "words_json", lambda lang: read.append(lang) or real(lang))
    again = performer.get(url).get_data(as_text=True)
    assert read == []
    assert f"/words/fr.json?v={words_version()}" in again and f"v={words_version()}" in first


def test_the_outbox_indicator_is_rendered_once_per_language_and_names_that_languages_words(performer, run,
                                                                                           monkeypatch):
    import checkapp.pwa.words

    url = f"/runs/{run.id}/items/{run.checklists[0].version.items[0].id}"
    for lang in ("fr", "en"):
        performer.get(url, headers={"Accept-Language": lang})
    named = []
    real = checkapp.pwa.words.words_url
    monkeypatch.setitem(performer.application.jinja_env.globals, "words_url",
                        lambda lang: named.append(lang) or real(lang))
    pages = {lang: performer.get(url, headers={"Accept-Language": lang}).get_data(as_text=True)
             for lang in ("fr", "en")}
    assert named == []
    for lang, page in pages.items():
        assert page.count('id="outbox-status"') == 1 and f'data-words="/words/{lang}.json?v={words_version()}"' in page
