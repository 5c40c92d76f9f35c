"""The first thing anyone does: open the app on a phone and log in."""
from playwright.sync_api import expect


def test_staff_member_logs_in_on_a_phone_in_french(new_phone, staff):
    page = new_phone(locale="fr-FR")
    page.goto("/")
    expect(page.get_by_role("heading", name="Se connecter")).to_be_visible()
    assert page.viewport_size["width"] <= 412
    page.get_by_label("E-mail").fill("staff@example.org")
    page.get_by_label("Mot de passe").fill("correct horse battery")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Bonjour Lucas")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Hello Lucas")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
