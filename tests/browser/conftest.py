"""Browser tests: the app served in a thread against the test database, driven by Playwright
through Chromium: `CHECKAPP_BROWSER` when set, else `chromium` on PATH (Debian's: `apt-get install
chromium`), else the one `playwright install chromium` downloads. Without one the browser tests
are skipped with one line saying how to get it; with CI=true a missing browser is an error.

Fixtures: `live_server` (base URL), `new_phone(locale, **context options)` (a fresh phone-sized
browser context's page), `phone` (one such page). CSRF protection is on, as in production.
"""
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

PHONE = "Pixel 7"
HOW_TO_GET_IT = ("install it with `apt-get install chromium` (or `playwright install chromium` where downloads "
                 "are possible), or point CHECKAPP_BROWSER at a Chromium")


def playwright_chromium() -> str | None:
    """The Chromium that `playwright install chromium` downloaded, if there is one."""
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            path = playwright.chromium.executable_path
    except Exception:  # no driver, or no browser for this platform: there is no browser then
        return None
    return path if os.access(path, os.X_OK) else None


def find_chromium() -> tuple[str | None, str]:
    """The Chromium to drive, or None and why there is none."""
    configured = os.environ.get("CHECKAPP_BROWSER")
    if configured:
        found = configured if os.path.isfile(configured) and os.access(configured, os.X_OK) else None
        return found, f"no Chromium at CHECKAPP_BROWSER={configured}"
    return shutil.which("chromium") or playwright_chromium(), "no Chromium found on PATH"


CHROMIUM, WHY_MISSING = find_chromium()
SKIPPED = []


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if "tests/browser/" in str(item.fspath)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if not browser_items or CHROMIUM:
        return
    message = f"Browser tests skipped: {WHY_MISSING}; {HOW_TO_GET_IT}."
    if os.environ.get("CI", "").lower() == "true":
        raise pytest.UsageError(f"Browser tests cannot run: {WHY_MISSING}; {HOW_TO_GET_IT}. "
                                "(CI=true: they must run.)")
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=message))
    SKIPPED.append(message)


def pytest_terminal_summary(terminalreporter):
    for message in SKIPPED:
        terminalreporter.write_line(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    }


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(autouse=True)
def _real_csrf(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def new_phone(browser, playwright, live_server):
    contexts = []

    def open_phone(locale="en-GB", **options):
        device = {k: v for k, v in playwright.devices[PHONE].items() if k != "default_browser_type"}
        context = browser.new_context(**device, locale=locale, base_url=live_server,
                                      extra_http_headers={"Accept-Language": locale}, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()


@pytest.fixture
def phone(new_phone):
    return new_phone()


@pytest.fixture
def signed_in(new_phone):
    """`signed_in(email, locale=..., size=...)`: a phone page, 360 × 740 unless told, logged in through the form."""

    def open_signed_in(email, locale="en-GB", size=(360, 740), password="correct horse battery"):
        page = new_phone(locale=locale)
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.goto("/login")
        page.locator("input[name=email]").fill(email)
        page.locator("input[name=password]").fill(password)
        page.locator("main button[type=submit]").click()
        page.wait_for_url(lambda url: "/login" not in url)
        return page

    return open_signed_in
