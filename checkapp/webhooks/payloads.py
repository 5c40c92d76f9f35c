"""What a webhook receives: a readable line (`text`, for Slack or Teams) and the run or fix, small.

Built in the workflow's request, once per event, in the app's default language, with absolute
links from CHECKAPP_BASE_URL (else the address the request came to)."""
from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..i18n import DEFAULT_LANGUAGE
from ..models import CheckItem, Fix, Run, User
from ..urls import external_url


def iso(moment: datetime | None) -> str | None:
    """Naive UTC (as stored) → ISO 8601 with its zone, the way JSON readers expect it."""
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def who(actor: User | None, label: str = "") -> str:
    """Who did it: a staff member's name; an outside tester (`label`, their name) is never named,
    since a webhook takes its payload out of CheckApp."""
    if actor is not None:
        return actor.name
    if not label:
        return ""
    with force_locale(DEFAULT_LANGUAGE):
        return _("Outside tester")


def run_data(run: Run, base_url: str, endpoint: str = "runs.report") -> dict:
    return {"id": run.id, "title": run.title, "status": str(run.status), "order_reference": run.order_reference,
            "performer": run.performer.name if run.performer else None, "submitted_at": iso(run.submitted_at),
            "reviewed_at": iso(run.reviewed_at), "recommend_score": run.recommend_score,
            "url": external_url(base_url, endpoint, run_id=run.id)}


def fix_data(fix: Fix, base_url: str) -> dict:
    item = db.session.scalar(select(CheckItem).where(CheckItem.item_key == fix.item_key)
                             .order_by(CheckItem.id.desc()).limit(1)) if fix.item_key else None
    return {"id": fix.id, "kind": str(fix.kind), "title": fix.title or (item.question if item else ""),
            "promise": item.promise if item else "", "status": str(fix.status), "department": fix.department,
            "owner": fix.owner, "due_date": fix.due_date.isoformat() if fix.due_date else None,
            "regression": fix.regression, "url": external_url(base_url, "fixes.detail", fix_id=fix.id)}


def run_event(event: str, run: Run, by: str, base_url: str) -> tuple[str, dict]:
    """(text, data) of run.submitted (linking to its review) or run.accepted (linking to its report)."""
    data = {"run": run_data(run, base_url, "review.run" if event == "run.submitted" else "runs.report"), "by": by}
    with force_locale(DEFAULT_LANGUAGE):
        if event == "run.submitted":
            line = _("%(who)s submitted the run “%(title)s”: %(url)s", who=by, title=run.title,
                     url=data["run"]["url"])
        else:
            line = _("%(who)s accepted the run “%(title)s”: %(url)s", who=by, title=run.title,
                     url=data["run"]["url"])
    return line, data


def fix_event(event: str, fix: Fix, run: Run | None, base_url: str) -> tuple[str, dict]:
    """(text, data) of fix.opened, fix.regressed or fix.verified; `run` is the run that did it, if any."""
    data = {"fix": fix_data(fix, base_url), "run": run_data(run, base_url) if run is not None else None}
    values = {"fix": data["fix"]["promise"] or data["fix"]["title"] or f"#{fix.id}", "url": data["fix"]["url"],
              "run": run.title if run is not None else ""}
    with force_locale(DEFAULT_LANGUAGE):
        if event == "fix.opened":
            line = _("New fix: “%(fix)s”: %(url)s", **values)
        elif event == "fix.regressed":
            line = _("Regression: “%(fix)s” failed again in the run “%(run)s”: %(url)s", **values)
        else:
            line = _("Fix verified: “%(fix)s” held in the run “%(run)s”: %(url)s", **values)
    return line, data


def ping_event(base_url: str) -> tuple[str, dict]:
    url = external_url(base_url, "webhooks.index")
    with force_locale(DEFAULT_LANGUAGE):
        return _("Test event from CheckApp: this webhook works. %(url)s", url=url), {"url": url}
