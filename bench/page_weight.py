"""Page weight of the page a staff member performs on: bytes on the wire for a first load, and
whether a repeat visit comes from the service worker's cache.

    .venv/bin/python bench/page_weight.py [--no-browser]

Starts the app with demo data on a temporary SQLite database in a thread, logs in as the demo
staff member, fetches the performing item page and every CSS and JS file it pulls in (module
imports followed) with `Accept-Encoding: gzip`, and prints the bytes transferred. Budget for a
first load: 60 KB in total, of which at most 30 KB of JavaScript. Then (unless --no-browser)
Chromium (/usr/bin/chromium) opens the same page twice and counts the responses served by the
service worker on the second visit.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGET_TOTAL = 60 * 1024
BUDGET_JS = 30 * 1024
ASSET = re.compile(r'<(?:link[^>]+rel="(?:stylesheet|modulepreload)"[^>]+href|script[^>]+src)="([^"]+)"')
IMPORT = re.compile(r'(?:import|export)\s[^"\']*?from\s*["\']([^"\']+)["\']|import\(\s*["\']([^"\']+)["\']\s*\)')


def start_app(workdir: str):
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    os.environ.update(CHECKAPP_ENV="development", DATABASE_URL=f"sqlite:///{workdir}/bench.db",
                      CHECKAPP_PHOTO_DIR=f"{workdir}/photos")
    from flask_migrate import upgrade
    from sqlalchemy import select
    from werkzeug.serving import make_server

    from checkapp import create_app
    from checkapp.demo import DEMO_LOGINS, load_demo
    from checkapp.extensions import db
    from checkapp.models import Run, User
    from checkapp.runs import services

    app = create_app()
    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
        _, email, password = next(login for login in DEMO_LOGINS if login[0] == "staff")
        staff = db.session.scalar(select(User).where(User.email == email))
        run = db.session.scalars(select(Run).where(Run.performer_id == staff.id).order_by(Run.id)).first()
        if run is None:
            sys.exit("The demo data has no run for the staff member: nothing to measure.")
        item = services.all_items(run)[0]
        path = f"/runs/{run.id}/items/{item.id}"
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}", email, password, path


class Client:
    """urllib with cookies; records the bytes each response put on the wire (body as sent)."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str, **headers) -> tuple[bytes, dict]:
        request = urllib.request.Request(urljoin(self.base, path), headers={"Accept-Encoding": "gzip", **headers})
        with self.opener.open(request) as response:
            return response.read(), dict(response.headers)

    def post(self, path: str, data: dict) -> None:
        from urllib.parse import urlencode
        self.opener.open(urllib.request.Request(urljoin(self.base, path), data=urlencode(data).encode()))


def log_in(client: Client, email: str, password: str) -> None:
    import gzip
    body, headers = client.get("/login")
    html = gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body
    token = re.search(rb'name="csrf_token" value="([^"]+)"', html)[1].decode()
    client.post("/login", {"csrf_token": token, "email": email, "password": password})


def weigh(client: Client, path: str) -> list[tuple[str, str, int, int, str]]:
    """[(kind, url, wire bytes, raw bytes, encoding)] for the page and every CSS/JS it pulls in."""
    import gzip

    def fetch(url):
        body, headers = client.get(url)
        encoding = headers.get("Content-Encoding", "")
        raw = gzip.decompress(body) if encoding == "gzip" else body
        return body, raw, encoding

    body, raw, encoding = fetch(path)
    rows = [("html", path, len(body), len(raw), encoding)]
    queue = [urlsplit(url).path for url in ASSET.findall(raw.decode())]
    seen = set()
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        body, raw, encoding = fetch(url)
        kind = "js" if url.endswith(".js") else "css"
        rows.append((kind, url, len(body), len(raw), encoding))
        if kind == "js":
            for found in IMPORT.findall(raw.decode()):
                queue.append(urlsplit(urljoin(url, found[0] or found[1])).path)
    return rows


def precache_extra(client: Client, counted: set[str]) -> int:
    """Bytes the service worker fetches on install beyond the page's own files (icons, offline page…)."""
    import gzip
    import json

    body, headers = client.get("/sw.js")
    source = (gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body).decode()
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", source)[1])
    return len(body) + sum(len(client.get(url)[0]) for url in shell if url not in counted)


def lighthouse(base: str, path: str, client: Client) -> dict | None:
    """Mobile scores from Lighthouse 12 (npm i lighthouse@12), signed in with the bench's cookie."""
    import json
    import shutil
    import subprocess

    if shutil.which("npx") is None:
        return None
    cookie = "; ".join(f"{c.name}={c.value}" for c in client.jar)
    command = ["npx", "--no-install", "lighthouse", urljoin(base, path), "--quiet", "--output=json",
               "--only-categories=performance,accessibility,best-practices",
               "--chrome-flags=--headless=new --no-sandbox", f"--extra-headers={json.dumps({'Cookie': cookie})}"]
    result = subprocess.run(command, capture_output=True, text=True,
                            env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
                            cwd=os.environ.get("LIGHTHOUSE_DIR", str(ROOT)), timeout=240)
    if result.returncode != 0:
        print("Lighthouse did not run:", result.stderr.strip()[-300:])
        return None
    report = json.loads(result.stdout)
    scores = {key: round(category["score"] * 100) for key, category in report["categories"].items()}
    return {**scores, "url": report.get("finalDisplayedUrl")}


def repeat_visit(base: str, email: str, password: str, path: str) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        context = browser.new_context(**{k: v for k, v in p.devices["Pixel 7"].items() if k != "default_browser_type"},
                                      base_url=base, locale="en-GB")
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
        page.goto(path)
        page.wait_for_selector("html[data-offline-ready]", state="attached", timeout=20_000)
        responses = []
        page.on("response", lambda r: responses.append(r))
        page.goto(path)
        page.wait_for_load_state("networkidle")
        statics = [r for r in responses if "/static/" in r.url]
        result = {
            "static files": len(statics),
            "static from service worker": sum(1 for r in statics if r.from_service_worker),
            "page from service worker": any(r.from_service_worker for r in responses if r.url.endswith(path)),
        }
        browser.close()
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-browser", action="store_true", help="skip the repeat-visit check in Chromium")
    parser.add_argument("--lighthouse", action="store_true",
                        help="also run Lighthouse 12 (installed with npm in $LIGHTHOUSE_DIR or here)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        server, base, email, password, path = start_app(workdir)
        client = Client(base)
        log_in(client, email, password)
        rows = weigh(client, path)
        print(f"First load of {path} (Accept-Encoding: gzip)")
        for kind, url, wire, raw, encoding in rows:
            print(f"  {kind:4} {url:40} {wire:7,} B on the wire  ({raw:,} B raw{', ' + encoding if encoding else ''})")
        total = sum(r[2] for r in rows)
        js = sum(r[2] for r in rows if r[0] == "js")
        print(f"  total {total / 1024:6.1f} KB (budget {BUDGET_TOTAL // 1024} KB)  "
              f"{'OK' if total <= BUDGET_TOTAL else 'OVER'}")
        print(f"  JS    {js / 1024:6.1f} KB (budget {BUDGET_JS // 1024} KB)  {'OK' if js <= BUDGET_JS else 'OVER'}")
        extra = precache_extra(client, {r[1] for r in rows})
        print(f"  + {extra / 1024:.1f} KB fetched once by the service worker on install (icons, offline pages)")
        if not args.no_browser:
            print("Repeat visit in Chromium:", repeat_visit(base, email, password, path))
        if args.lighthouse:
            print("Lighthouse (mobile):", lighthouse(base, path, client))
        server.shutdown()


if __name__ == "__main__":
    main()
