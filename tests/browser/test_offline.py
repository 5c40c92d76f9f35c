"""Offline first, on a phone: answers, photos and the run's sending done without network are kept
and sent exactly once, with the time they were given or taken."""
import io
import random
import re
from datetime import UTC, datetime, timedelta

import pytest
from PIL import ExifTags, Image
from playwright.sync_api import expect
from sqlalchemy import func, select

from checkapp.models import Answer, Photo, ReviewAction, Run

pytestmark = pytest.mark.browser

ITEMS = tuple(
    dict(question=question, promise="Yes", kind="yes_no", expected={"value": True}, severity=3,
         stage="unboxing", department="logistics")
    for question in ("Is the label printed?", "Does the note match the contents?", "Is the parcel intact?")
)
STATUS = "#outbox-status .outbox-text"


def photo_jpeg(size=(2000, 1500), taken: str | None = None) -> bytes:
    """A camera-like photo (with noise, so it does not compress to nothing); `taken` is its EXIF
    DateTimeOriginal ("2026:03:14 09:26:53", the camera's local time)."""
    rng = random.Random(7)
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    noise = Image.frombytes("RGB", (size[0] // 4, size[1] // 4), rng.randbytes(size[0] * size[1] * 3 // 16))
    image = Image.blend(image, noise.resize(size), 0.3)
    exif = Image.Exif()
    if taken:
        exif[ExifTags.Base.Make] = "PhoneCorp"
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92, exif=exif)
    return buffer.getvalue()


@pytest.fixture
def phone(new_phone):
    page = new_phone()
    page.errors = []  # script errors and CSP violations: there must be none
    yield page
    assert page.errors == []


@pytest.fixture
def run(make_checklist, make_run, staff):
    return make_run(performer=staff, checklists=[make_checklist(name="Parcel", items=ITEMS)])


def log_in(page, run, item):
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda m: "Content Security Policy" in m.text and page.errors.append(m.text))
    page.goto("/login")
    page.get_by_label("Email").fill("staff@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/runs/{run.id}/items/{item.id}")
    # The service worker controls the page and holds every page of this run.
    page.wait_for_selector("html[data-offline-ready]", state="attached")


API = re.compile(r".*/api/v1/.*")


def go_offline(page):
    # Chromium's offline emulation has let a request through right after it was switched on;
    # refusing the API as a dropped connection as well keeps the test about the app.
    page.context.set_offline(True)
    page.route(API, lambda route: route.abort("internetdisconnected"))


def go_online(page):
    page.unroute(API)
    page.context.set_offline(False)


def stored(db):
    db.session.rollback()  # a fresh read of what the live server committed
    answers = db.session.scalars(select(Answer).order_by(Answer.item_id)).all()
    photos = db.session.scalars(select(Photo)).all()
    return answers, photos


def answer_and_next(page, label):
    page.get_by_role("button", name=label, exact=True).click()
    mark = page.locator(".outbox-mark.is-waiting")
    expect(mark).to_contain_text("Answered — waiting to be sent")
    # The outbox marks the page as soon as the answer is kept; the form's own first try is over
    # only when it is no longer busy (back online before that, it is sent and the page shows the verdict).
    expect(page.locator("form[aria-busy]")).to_have_count(0)
    return mark


def test_answers_and_photo_taken_offline_survive_a_reload_and_arrive_once(phone, run, db):
    items = run.checklists[0].version.items
    page = phone
    log_in(page, run, items[0])
    go_offline(page)

    answer_and_next(page, "Yes").get_by_role("link", name="Next").click()
    expect(page.get_by_role("heading", name=items[1].question)).to_be_visible()
    answer_and_next(page, "No").get_by_role("link", name="Next").click()
    expect(page.get_by_role("heading", name=items[2].question)).to_be_visible()
    answer_and_next(page, "Yes")
    page.locator("form[data-photo-upload] input[type=file]").first.set_input_files(
        files=[{"name": "parcel.jpg", "mimeType": "image/jpeg", "buffer": photo_jpeg()}])
    expect(page.locator(".photo-status")).to_contain_text("waiting to be sent")
    expect(page.locator(STATUS)).to_have_text("3 answers and 1 photo waiting — will send when back online")

    page.reload()  # still offline: the page comes from the service worker, the queue from IndexedDB
    expect(page.get_by_role("heading", name=items[2].question)).to_be_visible()
    expect(page.locator(".outbox-mark.is-waiting")).to_contain_text("Answered — waiting to be sent")
    expect(page.locator(".photo-status img")).to_have_count(1)
    expect(page.locator(STATUS)).to_have_text("3 answers and 1 photo waiting — will send when back online")
    assert stored(db) == ([], [])

    page.goto("/")  # not kept offline: the offline page, which lists the runs this phone still has
    expect(page.get_by_role("heading", name="No connection")).to_be_visible()
    page.get_by_role("link", name=run.title).click()
    expect(page.get_by_role("heading", name=run.title)).to_be_visible()
    page.goto(f"/runs/{run.id}/items/{items[2].id}")

    go_online(page)
    expect(page.locator(STATUS)).to_have_text("All sent", timeout=15_000)
    answers, photos = stored(db)
    assert [(a.item_id, a.value) for a in answers] == [
        (items[0].id, {"value": True}), (items[1].id, {"value": False}), (items[2].id, {"value": True})]
    assert [(p.item_id, p.width) for p in photos] == [(items[2].id, 1600)]

    page.goto(f"/runs/{run.id}/items")  # online again: the list shows them answered, nothing waits
    expect(page.locator(".outbox-badge")).to_have_count(0)
    assert len(stored(db)[0]) == 3


def test_failed_and_lost_sync_attempts_are_retried_without_duplicates(phone, run, db):
    items = run.checklists[0].version.items
    page = phone
    log_in(page, run, items[0])
    calls = {"answers": 0, "photos": 0}
    sizes = []

    def flaky_answers(route):
        calls["answers"] += 1
        if calls["answers"] == 1:
            route.fulfill(status=503, body="Service Unavailable")
        elif calls["answers"] == 2:
            route.fetch()   # the server stores it, but the phone never hears back
            route.abort()
        else:
            route.continue_()

    def flaky_photos(route):
        calls["photos"] += 1
        sizes.append(len(route.request.post_data_buffer or b""))
        if calls["photos"] == 1:
            route.fetch()
            route.abort()
        else:
            route.continue_()

    page.route(re.compile(r".*/api/v1/runs/\d+/answers$"), flaky_answers)
    page.route(re.compile(r".*/api/v1/runs/\d+/photos$"), flaky_photos)

    original = photo_jpeg()
    page.get_by_role("button", name="No", exact=True).click()
    expect(page.locator(".outbox-mark.is-waiting")).to_be_visible()
    page.locator("form[data-photo-upload] input[type=file]").first.set_input_files(
        files=[{"name": "parcel.jpg", "mimeType": "image/jpeg", "buffer": original}])

    status = page.locator(STATUS)
    for _attempt in range(6):
        expect(status).to_have_text(re.compile("All sent|waiting to be sent"), timeout=15_000)
        if status.inner_text() == "All sent":
            break
        page.evaluate("document.querySelector('[data-outbox-send]').click()")  # "Send now"
    expect(status).to_have_text("All sent")

    answers, photos = stored(db)
    assert calls["answers"] >= 3 and calls["photos"] >= 2
    assert [(a.item_id, a.value) for a in answers] == [(items[0].id, {"value": False})]
    assert len(photos) == 1
    assert max(sizes) < len(original)  # downscaled on the phone before sending


def test_an_answer_refused_after_the_fact_stays_in_the_outbox_with_its_reason(phone, make_checklist, make_run,
                                                                               staff, db):
    item = dict(question="How many days did delivery take?", promise="Within 3 days", kind="number",
                expected={"op": "le", "value": 3}, unit="days", severity=4, stage="delivery", department="logistics")
    run = make_run(performer=staff, checklists=[make_checklist(name="Delivery", items=(item,))])
    [number] = run.checklists[0].version.items
    page = phone
    log_in(page, run, number)
    go_offline(page)
    page.get_by_label("What you observed").fill("three")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".outbox-mark.is-waiting")).to_be_visible()  # the first attempt has failed
    expect(page.locator(STATUS)).to_have_text("1 answer waiting — will send when back online")

    go_online(page)
    expect(page.locator(STATUS)).to_have_text("1 answer could not be sent: open the outbox to see why",
                                              timeout=15_000)
    expect(page.locator(".outbox-mark.is-error")).to_contain_text("Not sent")
    page.get_by_role("link", name="See waiting items").click()
    entry = page.locator(".outbox-entry")
    expect(entry).to_contain_text("How many days did delivery take?")
    expect(entry.locator(".error")).to_have_text(re.compile(r"number"))
    expect(entry.get_by_role("button", name="Try again")).to_be_visible()
    page.on("dialog", lambda dialog: dialog.accept())
    entry.get_by_role("button", name="Delete").click()
    expect(page.locator("[data-outbox-list]")).to_have_text("Nothing is waiting: everything you entered has been sent.")
    assert stored(db) == ([], [])


def test_logging_out_forgets_the_run_pages_kept_for_offline_use(phone, run):
    page = phone
    log_in(page, run, run.checklists[0].version.items[0])
    assert page.evaluate(f"{KEPT_PAGES}()") >= 3
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    for _poll in range(50):  # the worker deletes them in the background
        if page.evaluate(f"{KEPT_PAGES}()") == 0:
            break
        page.wait_for_timeout(100)
    assert page.evaluate(f"{KEPT_PAGES}()") == 0


KEPT_PAGES = """(async () => {
  let count = 0;
  for (const name of (await caches.keys()).filter((key) => key.startsWith("checkapp-pages-"))) {
    count += (await (await caches.open(name)).keys()).length;
  }
  return count;
})"""


def test_a_photo_taken_while_the_page_is_still_starting_is_sent(browser, playwright, live_server, run, db):
    """The camera can return before the page's script is wired: that photo must not be dropped."""
    device = {k: v for k, v in playwright.devices["Pixel 7"].items() if k != "default_browser_type"}
    # No service worker, so that the app's script comes from the network and can be held back.
    context = browser.new_context(**device, base_url=live_server, service_workers="block", locale="en-GB")
    try:
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("Email").fill("staff@example.org")
        page.get_by_label("Password").fill("correct horse battery")
        page.get_by_role("button", name="Log in").click()
        # The home page after signing in loads its own app.js: held too, it would be the one let go below.
        page.wait_for_url(lambda url: "/login" not in url)
        page.wait_for_load_state("load")
        held = []
        page.route("**/static/js/app.js", lambda route: held.append(route))
        item = run.checklists[0].version.items[0]
        page.goto(f"/runs/{run.id}/items/{item.id}", wait_until="commit")
        page.locator('input[type="file"][capture]').wait_for(state="attached")
        page.locator('input[type="file"][capture]').set_input_files(
            files=[{"name": "label.jpg", "mimeType": "image/jpeg", "buffer": photo_jpeg((800, 600))}])
        assert stored(db)[1] == []
        held[0].continue_()
        expect(page.locator(".photo-grid img")).to_have_count(1)
        assert len(stored(db)[1]) == 1
    finally:
        context.close()


def naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


@pytest.fixture
def planned_yesterday(run, db):
    run.created_at = naive_utc(datetime.now(UTC) - timedelta(days=1))
    db.session.commit()
    return run


def test_an_answer_given_offline_is_stored_with_the_time_it_was_given(phone, planned_yesterday, db):
    run = planned_yesterday
    item = run.checklists[0].version.items[0]
    page = phone
    log_in(page, run, item)
    # Given three hours ago in a cellar without network; the phone gets back online only now.
    given = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    page.clock.set_fixed_time(given)
    go_offline(page)
    answer_and_next(page, "No")
    go_online(page)
    expect(page.locator(STATUS)).to_have_text("All sent", timeout=15_000)
    [answer] = stored(db)[0]
    assert answer.value == {"value": False}
    assert answer.given_at == naive_utc(given)
    assert answer.answered_at - answer.given_at > timedelta(hours=2, minutes=59)


def test_back_online_the_first_send_carries_a_fresh_csrf_token(phone, run, db):
    """The page came from the offline cache with an expired token: nothing is refused for it."""
    item = run.checklists[0].version.items[0]
    page = phone
    log_in(page, run, item)
    posts = []
    page.on("response", lambda r: r.request.method == "POST" and "/api/v1/" in r.url and posts.append(r.status))
    go_offline(page)
    page.evaluate("document.querySelector('meta[name=\"csrf-token\"]').content = 'expired-hours-ago'")
    answer_and_next(page, "Yes")
    go_online(page)
    expect(page.locator(STATUS)).to_have_text("All sent", timeout=15_000)
    assert posts == [201]
    assert len(stored(db)[0]) == 1


def test_a_run_sent_offline_is_sent_once_when_back_online_and_the_page_said_it_would_be(phone, run, db):
    items = run.checklists[0].version.items
    page = phone
    log_in(page, run, items[0])
    sent = []

    def reply_lost_once(route):
        sent.append(route.request.post_data_json)
        if len(sent) == 1:
            route.fetch()   # the server records it, but the phone never hears back
            route.abort()
        else:
            route.continue_()

    page.route(re.compile(r".*/api/v1/runs/\d+/submit$"), reply_lost_once)
    go_offline(page)
    for item, label in zip(items, ("Yes", "No", "Yes"), strict=True):
        page.goto(f"/runs/{run.id}/items/{item.id}")
        answer_and_next(page, label)
    # The copy of this page kept for offline use listed the three items as unanswered.
    page.goto(f"/runs/{run.id}/submit")
    expect(page.get_by_text("Before you can send it")).to_be_hidden()
    page.get_by_label("9", exact=True).check()
    page.get_by_label("Anything else to tell us?").fill("Sent from the warehouse")
    page.get_by_role("button", name="Send the run").click()
    expect(page.get_by_role("status").filter(has_text="Kept on this phone")).to_have_text(
        "Kept on this phone: your run will be sent when you are back online.")
    expect(page.locator(STATUS)).to_have_text("3 answers and 1 run waiting — will send when back online")
    expect(page.get_by_role("button", name="Send the run")).to_be_hidden()
    db.session.rollback()
    assert db.session.get(Run, run.id).status == "planned"

    go_online(page)
    done = page.get_by_role("status").filter(has_text="Thank you")
    expect(done.get_by_text("Thank you: your run was sent. A manager will review it.")).to_be_visible(timeout=15_000)
    expect(done.get_by_role("link", name="Back to the brief")).to_have_attribute("href", f"/runs/{run.id}/perform")
    expect(page.locator(STATUS)).to_have_text("All sent")
    answers, _photos = stored(db)
    sent_run = db.session.get(Run, run.id)
    assert (sent_run.status, sent_run.recommend_score, sent_run.comment) == ("submitted", 9, "Sent from the warehouse")
    assert len(sent) == 2 and sent[0]["client_uuid"] == sent[1]["client_uuid"]
    [action] = db.session.scalars(select(ReviewAction)).all()
    assert action.action == "submit"
    assert len(answers) == 3 and all(a.answered_at <= action.created_at for a in answers)  # answers first


def test_a_photos_capture_time_and_button_reach_the_server(new_phone, run, db):
    page = new_phone(timezone_id="Europe/Paris")
    page.errors = []
    item = run.checklists[0].version.items[0]
    log_in(page, run, item)
    camera = page.locator('form[data-photo-upload] input[type="file"][capture]')
    camera.set_input_files(files=[{"name": "label.jpg", "mimeType": "image/jpeg",
                                   "buffer": photo_jpeg(taken="2026:03:14 09:26:53")}])
    expect(page.locator(".photo-grid img")).to_have_count(1)
    gallery = page.locator('form[data-photo-upload] input[type="file"]:not([capture])')
    gallery.set_input_files(files=[{"name": "old.jpg", "mimeType": "image/jpeg", "buffer": photo_jpeg((900, 600))}])
    expect(page.locator(".photo-grid img")).to_have_count(2)
    shot, chosen = sorted(stored(db)[1], key=lambda p: p.id)
    # 09:26:53 in Paris, read on the phone: the server only got the 1600 px copy, without EXIF.
    assert (shot.taken_at, shot.source_hint, shot.width) == (datetime(2026, 3, 14, 8, 26, 53), "camera", 1600)
    # No EXIF: the file's own date (set when it was handed to the page, a moment ago).
    assert chosen.source_hint == "gallery"
    assert abs(chosen.taken_at - naive_utc(datetime.now(UTC))) < timedelta(minutes=2)
    assert db.session.scalar(select(func.count(Photo.id))) == 2
    assert page.errors == []
