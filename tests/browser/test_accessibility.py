"""axe-core (WCAG 2.1 A and AA) and 44 px tap targets on the main pages of each role, at 360 px,
in French and in English.

The demo data gives the pages their content; the staff member also gets a run in progress with
every ready-made checklist (every kind of item), an outside tester an invite and a lapsed one.
One browser, one logged-in context per role for both languages. Any violation fails, listed readably.
"""
import io
import re
from datetime import timedelta

import pytest
from axe_playwright_python.base import AXE_FILE_PATH
from flask import current_app
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from checkapp.demo import DEMO_LOGINS, load_demo
from checkapp.evidence import services as evidence
from checkapp.insights.sending import last_month
from checkapp.invites import services as invites
from checkapp.models import Checklist, Fix, Programme, Run, utcnow
from checkapp.runs import services as runs

pytestmark = pytest.mark.browser

# label-content-name-mismatch (WCAG 2.5.3) is "experimental" in axe: asked for by name. Colours do
# not depend on the language: contrast (the slowest rule) is checked in the first language only.
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "rules": {"label-content-name-mismatch": {"enabled": True}},
              "resultTypes": ["violations"]}
WCAG_21_AA_BUT_CONTRAST = {**WCAG_21_AA, "rules": {**WCAG_21_AA["rules"], "color-contrast": {"enabled": False}}}
# Things a finger taps that are less than 44 px tall. A checkbox or radio counts with its label; a
# link inside a sentence is exempt (WCAG 2.5.5), a link alone in its block is not.
SMALL_TARGETS = """() => {
  const text = e => (e.textContent || '').replace(/\\s+/g, ' ').trim();
  const block = e => { let p = e.parentElement;
    while (p && getComputedStyle(p).display.startsWith('inline')) p = p.parentElement; return p; };
  return [...document.querySelectorAll('a[href], button, summary, select, textarea, input:not([type=hidden])')]
    .filter(e => e.getClientRects().length && !e.closest('.visually-hidden'))
    .filter(e => !(e.tagName === 'A' && text(block(e)) !== text(e)))
    .map(e => [e, (['checkbox', 'radio'].includes(e.type) && (e.closest('label') || e.labels[0]) || e)
                  .getBoundingClientRect()])
    .filter(([e, box]) => box.height < 43.5)
    .map(([e, box]) => `${e.tagName.toLowerCase()} «${text(e).slice(0, 40) || e.name}» ${Math.round(box.height)} px`);
}"""
# axe 4.x no longer checks ids (its duplicate-id rules are deprecated): the Nu checker's complaint, here.
REPEATED_IDS = """() => Object.entries([...document.querySelectorAll('[id]')]
  .reduce((seen, e) => ({...seen, [e.id]: (seen[e.id] || 0) + 1}), {})).filter(([, n]) => n > 1).map(([id]) => id)"""
PASSWORDS = {role: (email, password) for role, email, password in DEMO_LOGINS}


@pytest.fixture
def demo(db):
    users = load_demo()
    checklists = db.session.scalars(select(Checklist).order_by(Checklist.id)).all()
    versions = [c.current_version for c in checklists]
    mine = runs.create_run(title="Toutes les grilles", brief="Commandez, puis suivez chaque grille.",
                           versions=versions, performer=users["staff"], created_by=users["manager"])
    invited = runs.create_run(title="Panel", brief="", versions=versions[:2], performer=None,
                              created_by=users["manager"])
    lapsed_run = runs.create_run(title="Ancien panel", brief="", versions=versions[:1], performer=None,
                                 created_by=users["manager"])
    invite = invites.create_invite(invited, created_by=users["manager"], tester_name="Inès")
    lapsed = invites.create_invite(lapsed_run, created_by=users["manager"], tester_name="Hugo")
    lapsed.invite.expires_at = utcnow() - timedelta(days=1)
    photo, _ = evidence.add_photo(mine, runs.all_items(mine)[0], small_jpeg(),
                                  photo_dir=current_app.config["PHOTO_DIR"],
                                  max_bytes=current_app.config["MAX_PHOTO_BYTES"])
    db.session.commit()
    return {"mine": mine, "invited": invited, "token": invite.token, "lapsed_token": lapsed.token, "photo": photo.id}


def small_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 80, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def kinds_of_items(run: Run) -> list[int]:
    """One item of each kind (the first found), so that each answer form is checked once."""
    seen, ids = set(), []
    for item in runs.all_items(run):
        if item.kind not in seen:
            seen.add(item.kind)
            ids.append(item.id)
    return ids


def readable(path: str, violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{path}: {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['failureSummary'].splitlines()[-1].strip()}")
            lines.append(f"        {node['html'][:160]}")
    return "\n".join(lines)


@pytest.fixture
def open_phone(browser, playwright, live_server):
    device = {k: v for k, v in playwright.devices["Pixel 7"].items() if k != "default_browser_type"}
    contexts = []

    def open_one():
        # No service worker: its precaching would compete with the pages being checked.
        context = browser.new_context(**{**device, "viewport": {"width": 360, "height": 780}}, base_url=live_server,
                                      service_workers="block")
        context.set_default_timeout(10_000)
        context.add_init_script(path=str(AXE_FILE_PATH))  # axe in every page, sent to the browser once
        contexts.append(context)
        return context.new_page()

    yield open_one
    for context in contexts:
        context.close()


def log_in(page, role):
    email, password = PASSWORDS[role]
    page.goto("/login")
    page.locator("input[type=email]").fill(email)
    page.locator("input[type=password]").fill(password)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def test_main_pages_of_each_role_pass_wcag_21_aa_with_44_px_targets(open_phone, live_server, db, demo):
    mine, invited = demo["mine"], demo["invited"]
    submitted = db.session.scalar(select(Run).where(Run.status == "submitted").limit(1))
    accepted = db.session.scalar(select(Run).where(Run.status == "accepted").limit(1))  # its acceptance can be undone
    fix = db.session.scalar(select(Fix).where(Fix.kind == "mismatch").limit(1))
    checklist = db.session.scalar(select(Checklist).limit(1))
    programme = db.session.scalar(select(Programme).limit(1))
    anonymous, manager, staff, tester = open_phone(), log_in(open_phone(), "manager"), log_in(open_phone(), "staff"), \
        open_phone()
    tester.goto(f"/i/{demo['token']}")
    visits = (
        (anonymous, ("/login",)),
        (manager, ("/runs", "/review", f"/review/runs/{submitted.id}", f"/review/runs/{accepted.id}", "/fixes",
                   f"/fixes/{fix.id}", "/fixes/print",
                   "/dashboard", "/checklists/", f"/checklists/{checklist.id}", "/checklists/library", "/staff",
                   f"/runs/{invited.id}/invites", "/invites/panel", "/fixes/shares", "/fixes/ideas/new",
                   "/runs/new", f"/runs/{submitted.id}/report", "/departments", "/departments/logistics",
                   "/programmes", f"/programmes/{programme.id}", f"/programmes/{programme.id}/edit", "/coverage",
                   "/insights/journey", "/insights/verbatims", f"/reports/monthly/{last_month()}",
                   "/reports/recipients", "/privacy/settings", "/privacy/requests")),
        (staff, ("/", "/runs", f"/runs/{mine.id}/perform", f"/runs/{mine.id}/items",
                 *(f"/runs/{mine.id}/items/{item_id}" for item_id in kinds_of_items(mine)),
                 f"/runs/{mine.id}/submit", f"/runs/{mine.id}/report", f"/runs/{mine.id}/photos/{demo['photo']}",
                 f"/runs/{mine.id}/photos/{demo['photo']}/redact", "/account")),
        (tester, ("/tester", f"/runs/{invited.id}/perform", f"/runs/{invited.id}/items/{runs.all_items(invited)[0].id}",
                  f"/runs/{invited.id}/submit", "/privacy")),
    )
    problems, checked = [], 0
    for language, accept, options in (("fr", "fr-FR", WCAG_21_AA), ("en", "en-GB", WCAG_21_AA_BUT_CONTRAST)):
        for page in (anonymous, manager, staff, tester):
            page.context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
            page.set_extra_http_headers({"Accept-Language": accept})
        gone = anonymous.goto(f"/i/{demo['lapsed_token']}")
        assert gone.status == 410
        for page, paths in ((anonymous, (None,)), *visits):
            for path in paths:
                if path is not None:
                    response = page.goto(path)
                    assert response.status == 200, f"{path} answered {response.status}"
                path = f"{page.url.removeprefix(live_server)} ({language})"
                checked += 1
                violations = page.evaluate("options => axe.run(document, options)", options)["violations"]
                if violations:
                    problems.append(readable(path, violations))
                small = page.evaluate(SMALL_TARGETS)
                if small:
                    problems.append(f"{path}: under 44 px: " + ", ".join(small))
                repeated = page.evaluate(REPEATED_IDS)
                if repeated:
                    problems.append(f"{path}: ids used more than once: " + ", ".join(repeated))
    assert not problems, f"{len(problems)} problems on {checked} pages:\n" + "\n".join(problems)

    # What the rules above cannot see: the fix's history and comments are announced by their heading, and a
    # keyboard scrolls the printable list sideways (WCAG 2.1.1).
    manager.goto(f"/fixes/{fix.id}")
    expect(manager.get_by_role("region", name="History and comments", exact=True)).to_be_attached()
    manager.goto("/fixes/print")
    table = manager.get_by_role("region", name="Fix list")
    for _ in range(60):  # as a keyboard user gets there: Tab after Tab
        manager.keyboard.press("Tab")
        if table.evaluate("e => e === document.activeElement"):
            break
    expect(table).to_be_focused()
    manager.keyboard.press("ArrowRight")
    expect(table).not_to_have_js_property("scrollLeft", 0)


def test_the_language_buttons_answer_to_the_words_they_show(open_phone):
    """A voice-control user says "click EN": the button's spoken name must start with what it shows."""
    page = open_phone()
    page.set_extra_http_headers({"Accept-Language": "fr-FR"})
    page.goto("/login")
    expect(page.get_by_role("heading", name="Se connecter")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^EN\b")).click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^EN\b"))).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name=re.compile(r"^FR\b")).click()
    expect(page.get_by_role("heading", name="Se connecter")).to_be_visible()
