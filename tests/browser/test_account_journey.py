"""A person who left themselves logged in elsewhere ends it from their phone."""
from playwright.sync_api import expect


def log_in(page, email):
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Hello Lucas")).to_be_visible()


def test_log_out_on_all_devices_from_the_account_page(new_phone, staff):
    phone, shared_computer = new_phone(), new_phone()
    log_in(phone, staff.email)
    log_in(shared_computer, staff.email)
    phone.set_viewport_size({"width": 360, "height": 780})
    phone.get_by_role("link", name="Your account").click()
    expect(phone.get_by_role("heading", name="Your account")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") == 360
    button = phone.get_by_role("button", name="Log out on all devices")
    assert button.bounding_box()["height"] >= 44
    button.click()
    expect(phone.get_by_text("You are logged out, on this device and on all others.")).to_be_visible()
    shared_computer.reload()
    expect(shared_computer.get_by_role("heading", name="Log in")).to_be_visible()


def test_the_login_form_says_when_to_try_again(new_phone, staff):
    page = new_phone(locale="fr-FR")
    page.goto("/login")
    for _ in range(6):
        page.get_by_label("E-mail").fill(staff.email)
        page.get_by_label("Mot de passe").fill("pas le bon")
        page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Trop de tentatives. Réessayez dans")).to_be_visible()
    expect(page.get_by_label("E-mail")).to_be_visible()
