"""A programme in words, in the page's language: its rhythm and who performs it."""
from __future__ import annotations

from babel.dates import get_day_names
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from ..models import Programme, User
from . import rhythm as rhythms
from . import services
from .forms import WEEKS_OF_MONTH


def weekday_name(number: int) -> str:
    return get_day_names("wide", locale=get_locale())[number]


def rhythm_words(programme: Programme) -> str:
    """"Every 2 weeks on Monday", "Every month on the first Tuesday", "Every month on day 31 (…)"."""
    every = programme.every
    if programme.rhythm == rhythms.DAYS:
        return ngettext("Every day", "Every %(num)s days", every)
    if programme.rhythm == rhythms.WEEKS:
        day = weekday_name(programme.start_date.weekday())
        return ngettext("Every week on %(day)s", "Every %(num)s weeks on %(day)s", every, day=day)
    if programme.rhythm == rhythms.MONTH_DAY:
        words = ngettext("Every month on day %(day)s", "Every %(num)s months on day %(day)s", every,
                         day=programme.month_day)
        return words + (" " + _("(the last day of shorter months)") if programme.month_day > 28 else "")
    which = str(WEEKS_OF_MONTH.get(programme.week_of_month, ""))
    return ngettext("Every month on the %(which)s %(day)s", "Every %(num)s months on the %(which)s %(day)s", every,
                    which=which, day=weekday_name(programme.weekday))


def performers_words(programme: Programme) -> str:
    if programme.performers == services.PANEL:
        return ngettext("%(num)s outside tester, invited by email", "%(num)s outside testers in turn, invited by email",
                        len(programme.panel_emails))
    names = [link.user.name for link in programme.staff]
    return _("In turn: %(names)s", names=", ".join(names))


def performer_label(performer: User | str | None) -> str:
    if isinstance(performer, User):
        return performer.name
    return performer or _("Nobody")
