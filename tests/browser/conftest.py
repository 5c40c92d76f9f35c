"""Browser tests: the app served in a thread against the test database, driven by Playwright
through Debian's Chromium (`apt-get install chromium`; Playwright cannot download browsers here).

Fixtures: `live_server` (base URL), `new_phone()` (a fresh phone-sized browser context's page),
`phone` (one such page). CSRF protection is on, as in production.
"""
import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = "Pixel 7"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


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

    def open_phone(locale="en-GB"):
        device = {k: v for k, v in playwright.devices[PHONE].items() if k != "default_browser_type"}
        context = browser.new_context(**device, locale=locale, base_url=live_server,
                                      extra_http_headers={"Accept-Language": locale})
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
