"""A programme's rhythm: the local days it plans runs for, and when they are made, across month ends and
daylight-saving changes (python-dateutil's rrule over the app's wall-clock time)."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from checkapp.programmes import rhythm
from checkapp.programmes.rhythm import Rhythm, RhythmError

PARIS = ZoneInfo("Europe/Paris")
TU, FR = 1, 4


def days(rule: Rhythm, start: date, first: date, last: date, end: date | None = None) -> list[str]:
    return [day.isoformat() for day in rhythm.days_between(rule, start, end, first, last)]


def test_monthly_on_the_31st_uses_the_last_day_of_shorter_months():
    rule = Rhythm("month_day", month_day=31)
    assert days(rule, date(2027, 1, 31), date(2027, 1, 1), date(2027, 6, 30)) == [
        "2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31", "2027-06-30"]
    # A leap year's February has its 29th; the 30th falls back the same way.
    assert days(rule, date(2028, 1, 31), date(2028, 2, 1), date(2028, 2, 29)) == ["2028-02-29"]
    assert days(Rhythm("month_day", month_day=30), date(2027, 1, 30), date(2027, 2, 1), date(2027, 3, 31)) == [
        "2027-02-28", "2027-03-30"]


def test_monthly_on_day_15_every_two_months_from_a_start_after_the_15th():
    rule = Rhythm("month_day", every=2, month_day=15)
    assert days(rule, date(2027, 1, 20), date(2027, 1, 1), date(2027, 8, 1)) == [
        "2027-03-15", "2027-05-15", "2027-07-15"]


def test_first_tuesday_and_last_friday_of_the_month():
    first_tuesday = Rhythm("month_weekday", weekday=TU, week_of_month=1)
    assert days(first_tuesday, date(2027, 1, 1), date(2027, 1, 1), date(2027, 4, 30)) == [
        "2027-01-05", "2027-02-02", "2027-03-02", "2027-04-06"]
    last_friday = Rhythm("month_weekday", weekday=FR, week_of_month=-1)
    assert days(last_friday, date(2027, 1, 1), date(2027, 1, 1), date(2027, 3, 31)) == [
        "2027-01-29", "2027-02-26", "2027-03-26"]


def test_every_two_weeks_keeps_its_local_time_across_the_spring_and_autumn_changes():
    rule = Rhythm("weeks", every=2)
    spring = list(rhythm.days_between(rule, date(2027, 3, 15), None, date(2027, 3, 1), date(2027, 4, 30)))
    assert [d.isoformat() for d in spring] == ["2027-03-15", "2027-03-29", "2027-04-12", "2027-04-26"]
    # 08:00 in Paris is 07:00 UTC before 28 March 2027 and 06:00 UTC after it.
    assert [rhythm.instant(d, PARIS) for d in spring[:2]] == [datetime(2027, 3, 15, 7), datetime(2027, 3, 29, 6)]
    autumn = list(rhythm.days_between(rule, date(2027, 10, 18), None, date(2027, 10, 1), date(2027, 11, 5)))
    assert [rhythm.instant(d, PARIS) for d in autumn] == [datetime(2027, 10, 18, 6), datetime(2027, 11, 1, 7)]


def test_every_n_days_stops_at_the_end_date():
    rule = Rhythm("days", every=10)
    assert days(rule, date(2027, 1, 1), date(2027, 1, 1), date(2027, 12, 31), end=date(2027, 1, 31)) == [
        "2027-01-01", "2027-01-11", "2027-01-21", "2027-01-31"]


def test_next_days_starts_on_the_given_day():
    rule = Rhythm("weeks")
    found = rhythm.next_days(rule, date(2027, 3, 1), None, date(2027, 3, 8), 3)
    assert found == [date(2027, 3, 8), date(2027, 3, 15), date(2027, 3, 22)]


@pytest.mark.parametrize("rule", [
    Rhythm("yearly"), Rhythm("days", every=0), Rhythm("month_day", month_day=32),
    Rhythm("month_weekday", weekday=TU, week_of_month=5), Rhythm("month_weekday", week_of_month=1),
])
def test_incomplete_rhythms_are_refused(rule):
    with pytest.raises(RhythmError):
        rule.rule(date(2027, 1, 1))
