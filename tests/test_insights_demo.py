"""The demo closes the loop: its last month has a committee report worth reading, a department
answered through its link, quotes are starred and the report has recipients."""
from sqlalchemy import func, select

from checkapp.demo import load_demo
from checkapp.insights.periods import month_of
from checkapp.insights.report import monthly_report
from checkapp.insights.sending import last_month
from checkapp.models import FixComment, ReportRecipient, RunFeeling, ShareLink, StarredQuote, utcnow


def test_the_demos_last_month_has_a_report_with_every_part(app, db):
    load_demo()
    db.session.commit()
    report = monthly_report(last_month())
    assert report.runs >= 2 and report.kept.now.total > 0 and report.kept.before.total > 0
    assert len(report.gaps) >= 3 and report.quotes
    # The demo's runs are dated from today: the fix verified then broken again falls in the last weeks.
    this_month = monthly_report(month_of(utcnow()))
    assert (report.verified or this_month.verified) and (report.regressions or this_month.regressions)
    assert db.session.scalar(select(func.count()).select_from(ReportRecipient)) == 2
    assert db.session.scalar(select(func.count()).select_from(StarredQuote)) >= 2
    assert db.session.scalar(select(func.count()).select_from(RunFeeling)) > 10
    link = db.session.scalar(select(ShareLink).where(ShareLink.capability == "respond"))
    assert link.department == "logistics"
    answer = db.session.scalar(select(FixComment).where(FixComment.share_link_id == link.id))
    assert answer.author_label == "Nadia (logistique)"
