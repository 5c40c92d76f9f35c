"""The review screen after the UX review: each mismatch shows promise, observed value and gap; the decision
comes after the evidence; wording names the person who performed the run; the recommend score reads well."""
from tests.test_review_flow import ITEMS, submitted  # noqa: F401  (fixture reused)

EN, FR = {"Accept-Language": "en"}, {"Accept-Language": "fr"}


def test_each_mismatch_card_shows_promise_observed_value_and_gap(client, login, manager, submitted):  # noqa: F811
    run = submitted()
    login(manager)
    page = client.get(f"/review/runs/{run.id}", headers=EN).get_data(as_text=True)
    _days, _label = run.checklists[0].version.items
    card = page[page.index('id="mismatch-'):page.index("</ul>", page.index('id="mismatch-'))]
    assert "Delivered within 3 days" in card and "≤ 3 days" in card
    assert "Observed" in card and "5 days" in card
    assert "Gap" in card and "+2 days" in card
    assert "Label printed" in card and "No" in card


def test_decision_comes_after_the_evidence(client, login, manager, submitted):  # noqa: F811
    run = submitted()
    login(manager)
    page = client.get(f"/review/runs/{run.id}", headers=EN).get_data(as_text=True)
    decision = page.index(f'action="/review/runs/{run.id}/accept"')
    assert page.index('id="mismatches-title"') < decision
    assert page.index('class="report-body"') < decision
    assert 'href="#decision-title"' in page


def test_send_back_form_names_the_person_who_performed_the_run(client, login, manager, submitted):  # noqa: F811
    run = submitted()
    login(manager)
    french = client.get(f"/review/runs/{run.id}", headers=FR).get_data(as_text=True)
    english = client.get(f"/review/runs/{run.id}", headers=EN).get_data(as_text=True)
    assert "exécutant" not in french and "la personne qui a réalisé le test" in french
    assert "performer" not in english.lower() and "the person who performed the run" in english


def test_recommend_score_reads_as_a_score(client, login, manager, submitted):  # noqa: F811
    run = submitted()
    login(manager)
    french = client.get(f"/review/runs/{run.id}", headers=FR).get_data(as_text=True)
    assert "Recommandation\u00a0: 6/10" in french and "recommanderait" not in french
    assert "Recommend score: 6/10" in client.get(f"/review/runs/{run.id}", headers=EN).get_data(as_text=True)
    report = client.get(f"/runs/{run.id}/report", headers=FR).get_data(as_text=True)
    assert "<dt>Recommandation</dt>" in report and "recommanderait" not in report
