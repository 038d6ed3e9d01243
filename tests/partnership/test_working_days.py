"""The working-day calendar and the working days page.

Every expected date below was checked against the real calendar (weekday
written beside it) and against the pinned ``holidays`` package (0.109). The
counting rule: day 0 is the start date, day N the N-th working day after it.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from django.urls import reverse

from partnership.models import ClosureDay, Nation
from partnership.selectors import working_day_calendar
from partnership.working_days import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_WORKING_DAYS,
    WorkingDayCalendar,
    bank_holidays,
)

ENG, WLS, SCT, NIR = Nation.ENGLAND, Nation.WALES, Nation.SCOTLAND, Nation.NORTHERN_IRELAND
ALL_NATIONS = [ENG, WLS, SCT, NIR]


def calendar(nation: str, closures=()) -> WorkingDayCalendar:
    return WorkingDayCalendar(nation=nation, closure_days=closures)


# --- Which days are bank holidays where ------------------------------------------------

# (date, nations where it is a bank holiday). Every nation not listed works that day.
HOLIDAY_TABLE = [
    # Christmas 2022 fell on a Sunday: Boxing Day Monday 26th, Christmas substitute Tuesday 27th.
    (date(2022, 12, 25), ALL_NATIONS),  # Sun
    (date(2022, 12, 26), ALL_NATIONS),  # Mon
    (date(2022, 12, 27), ALL_NATIONS),  # Tue, substitute
    (date(2022, 12, 28), []),  # Wed, an ordinary working day
    # Christmas 2021 fell on a Saturday: substitutes Monday 27th and Tuesday 28th.
    (date(2021, 12, 27), ALL_NATIONS),  # Mon
    (date(2021, 12, 28), ALL_NATIONS),  # Tue
    (date(2021, 12, 29), []),  # Wed
    # One-off days, hard-coded in the holidays package.
    (date(2022, 9, 19), ALL_NATIONS),  # Mon, state funeral of Queen Elizabeth II
    (date(2023, 5, 8), ALL_NATIONS),  # Mon, coronation of King Charles III
    (date(2022, 6, 3), ALL_NATIONS),  # Fri, platinum jubilee
    (date(2022, 6, 2), ALL_NATIONS),  # Thu, spring bank holiday moved from 30 May that year
    (date(2022, 5, 30), []),  # Mon, the usual last Monday in May: a working day in 2022
    (date(2020, 5, 8), ALL_NATIONS),  # Fri, early May bank holiday moved for VE Day 75
    (date(2020, 5, 4), []),  # Mon, the usual first Monday in May: a working day in 2020
    # Easter Monday: not a bank holiday in Scotland.
    (date(2023, 4, 10), [ENG, WLS, NIR]),  # Mon (Easter Sunday 9 April 2023)
    (date(2024, 4, 1), [ENG, WLS, NIR]),  # Mon (Easter Sunday 31 March 2024)
    (date(2023, 4, 7), ALL_NATIONS),  # Good Friday is everywhere
    # August: first Monday in Scotland, last Monday elsewhere.
    (date(2023, 8, 7), [SCT]),  # Mon, first Monday of August 2023
    (date(2023, 8, 28), [ENG, WLS, NIR]),  # Mon, last Monday of August 2023
    (date(2024, 8, 5), [SCT]),  # Mon
    (date(2024, 8, 26), [ENG, WLS, NIR]),  # Mon
    # St Andrew's Day (Scotland), with a substitute Monday when it falls at a weekend.
    (date(2023, 11, 30), [SCT]),  # Thu
    (date(2024, 11, 30), [SCT]),  # Sat: still listed, but a weekend anyway, so...
    (date(2024, 12, 2), [SCT]),  # ...Monday 2 December is the substitute day off
    # St Patrick's Day and the Battle of the Boyne (Northern Ireland).
    (date(2023, 3, 17), [NIR]),  # Fri
    (date(2024, 3, 18), [NIR]),  # Mon, substitute for Sunday 17 March 2024
    (date(2023, 7, 12), [NIR]),  # Wed
    (date(2020, 7, 13), [NIR]),  # Mon, substitute for Sunday 12 July 2020
    # 2 January (Scotland).
    (date(2024, 1, 2), [SCT]),  # Tue
    (date(2026, 1, 2), [SCT]),  # Fri
    # New Year 2022: 1 Jan a Saturday, 2 Jan a Sunday. Everyone gets Monday 3rd;
    # Scotland also gets Tuesday 4th for 2 January.
    (date(2022, 1, 3), ALL_NATIONS),  # Mon
    (date(2022, 1, 4), [SCT]),  # Tue
]


@pytest.mark.parametrize("nation", ALL_NATIONS)
@pytest.mark.parametrize(("day", "holiday_in"), HOLIDAY_TABLE, ids=[d.isoformat() for d, _ in HOLIDAY_TABLE])
def test_bank_holidays_of_each_nation(nation, day, holiday_in):
    cal = calendar(nation)
    weekend = day.weekday() >= 5
    assert cal.is_bank_holiday(day) is (nation in holiday_in)
    assert cal.is_working_day(day) is (nation not in holiday_in and not weekend)


def test_bank_holidays_lists_names_including_substitute_days():
    eng = bank_holidays(nation=ENG, year=2022)
    assert eng[date(2022, 12, 27)] == "Christmas Day (substitute day)"
    assert eng[date(2022, 9, 19)] == "State Funeral of Queen Elizabeth II"
    assert date(2022, 1, 4) not in eng
    sct = bank_holidays(nation=SCT, year=2022)
    assert sct[date(2022, 1, 4)] == "New Year Holiday (substitute day)"
    assert list(sct) == sorted(sct)
    # A copy: changing it must not change the calendar.
    eng.clear()
    assert calendar(ENG).is_bank_holiday(date(2022, 12, 27))


# --- Counting: day 0 is the start date, day N the N-th working day after it --------------


# (nation, start, n, expected day n)
COUNT_TABLE = [
    # From Friday 23 Dec 2022, the next working day is Wednesday 28th in every nation.
    *[(n, date(2022, 12, 23), 1, date(2022, 12, 28)) for n in ALL_NATIONS],
    # From Friday 24 Dec 2021, the next working day is Wednesday 29th in every nation.
    *[(n, date(2021, 12, 24), 1, date(2021, 12, 29)) for n in ALL_NATIONS],
    # Over New Year 2022: Scotland loses Tuesday 4th as well.
    (ENG, date(2021, 12, 31), 1, date(2022, 1, 4)),
    (WLS, date(2021, 12, 31), 1, date(2022, 1, 4)),
    (NIR, date(2021, 12, 31), 1, date(2022, 1, 4)),
    (SCT, date(2021, 12, 31), 1, date(2022, 1, 5)),
    # Over the state funeral: Friday 16 Sep 2022 -> Tuesday 20th.
    *[(n, date(2022, 9, 16), 1, date(2022, 9, 20)) for n in ALL_NATIONS],
    # Over the coronation weekend: Friday 5 May 2023 -> Tuesday 9th.
    *[(n, date(2023, 5, 5), 1, date(2023, 5, 9)) for n in ALL_NATIONS],
    # Over the jubilee: Wednesday 1 June 2022 -> Monday 6th (Thu, Fri off, then the weekend).
    *[(n, date(2022, 6, 1), 1, date(2022, 6, 6)) for n in ALL_NATIONS],
    # Easter 2023 from Thursday 6 April: Scotland works Easter Monday.
    (ENG, date(2023, 4, 6), 1, date(2023, 4, 11)),
    (WLS, date(2023, 4, 6), 1, date(2023, 4, 11)),
    (NIR, date(2023, 4, 6), 1, date(2023, 4, 11)),
    (SCT, date(2023, 4, 6), 1, date(2023, 4, 10)),
    # August 2023: Scotland's holiday is the first Monday, everyone else's the last.
    (SCT, date(2023, 8, 4), 1, date(2023, 8, 8)),
    (ENG, date(2023, 8, 4), 1, date(2023, 8, 7)),
    (ENG, date(2023, 8, 25), 1, date(2023, 8, 29)),
    (SCT, date(2023, 8, 25), 1, date(2023, 8, 28)),
    # St Patrick's Day 2023 (Friday) from Thursday 16 March.
    (NIR, date(2023, 3, 16), 1, date(2023, 3, 20)),
    (ENG, date(2023, 3, 16), 1, date(2023, 3, 17)),
    # 12 July 2023 (Wednesday) from Tuesday 11th.
    (NIR, date(2023, 7, 11), 1, date(2023, 7, 13)),
    (WLS, date(2023, 7, 11), 1, date(2023, 7, 12)),
    # St Andrew's Day 2023 (Thursday) from Wednesday 29 Nov.
    (SCT, date(2023, 11, 29), 1, date(2023, 12, 1)),
    (NIR, date(2023, 11, 29), 1, date(2023, 11, 30)),
    # A rapid review's 15 working days from a notification on Monday 3 April 2023:
    # Good Friday 7th and (outside Scotland) Easter Monday 10th do not count.
    (ENG, date(2023, 4, 3), 15, date(2023, 4, 26)),
    (SCT, date(2023, 4, 3), 15, date(2023, 4, 25)),
    # 5 working days from Wednesday 21 Dec 2022 (Christmas in between): Friday 30th.
    *[(n, date(2022, 12, 21), 5, date(2022, 12, 30)) for n in ALL_NATIONS],
]


@pytest.mark.parametrize(("nation", "start", "n", "expected"), COUNT_TABLE)
def test_add_working_days(nation, start, n, expected):
    cal = calendar(nation)
    assert cal.add_working_days(start, n) == expected
    assert cal.working_days_between(start, expected) == n


@pytest.mark.parametrize("nation", ALL_NATIONS)
def test_day_zero_is_the_start_date_even_when_it_is_not_a_working_day(nation):
    cal = calendar(nation)
    for start in (date(2023, 6, 5), date(2023, 6, 3), date(2022, 12, 25), date(2022, 9, 19)):  # Mon, Sat, Sun, Mon
        assert cal.add_working_days(start, 0) == start
        assert cal.working_days_between(start, start) == 0


@pytest.mark.parametrize("nation", ALL_NATIONS)
def test_start_date_at_a_weekend(nation):
    cal = calendar(nation)
    saturday, sunday, monday = date(2023, 6, 3), date(2023, 6, 4), date(2023, 6, 5)
    assert cal.add_working_days(saturday, 1) == monday
    assert cal.add_working_days(sunday, 1) == monday
    assert cal.add_working_days(saturday, 5) == date(2023, 6, 9)  # Friday
    assert cal.working_days_between(saturday, monday) == 1
    assert cal.working_days_between(saturday, sunday) == 0
    assert cal.working_days_between(date(2023, 6, 2), monday) == 1  # Friday to Monday


def test_working_days_between_is_negative_backwards():
    cal = calendar(ENG)
    assert cal.working_days_between(date(2023, 6, 9), date(2023, 6, 5)) == -4


def _reference_add(nation: str, closures: set[date], start: date, n: int) -> date:
    """An independent, deliberately naive count straight from the holidays package."""
    gb = holidays.country_holidays("GB", subdiv=nation)
    current = start
    while n:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in gb and current not in closures:
            n -= 1
    return current


@pytest.mark.parametrize("nation", ALL_NATIONS)
def test_round_trip_over_many_start_dates(nation):
    """working_days_between(start, add_working_days(start, n)) == n, over two holiday-rich years.

    Every third day from November 2021 to March 2023 (the substitute Christmases,
    the jubilee, the funeral, the coronation run-up), with closure days mixed in,
    checked against an independent naive count as well.
    """
    closures = {date(2022, 12, 28), date(2022, 12, 29), date(2022, 12, 30), date(2022, 4, 19), date(2022, 12, 31)}
    cal = calendar(nation, closures)
    start = date(2021, 11, 1)
    checked = 0
    while start < date(2023, 3, 1):
        for n in (0, 1, 2, 3, 5, 7, 10, 15, 20, 45, 130):
            end = cal.add_working_days(start, n)
            assert cal.working_days_between(start, end) == n, (start, n, end)
            assert end == _reference_add(nation, closures, start, n), (start, n)
            if n:
                assert cal.is_working_day(end)
                # Day n is the first date at which n working days have passed.
                assert cal.working_days_between(start, end - timedelta(days=1)) == n - 1
            checked += 1
        start += timedelta(days=3)
    assert checked > 1500


@pytest.mark.parametrize("nation", ALL_NATIONS)
def test_negative_and_huge_counts_are_refused(nation):
    cal = calendar(nation)
    with pytest.raises(ValueError, match="negative"):
        cal.add_working_days(date(2024, 1, 1), -1)
    with pytest.raises(ValueError, match="At most 5000"):
        cal.add_working_days(date(2024, 1, 1), MAX_WORKING_DAYS + 1)
    with pytest.raises(ValueError, match="At most 5000"):
        cal.add_working_days(date(2024, 1, 1), 10**9)
    # The limit itself is allowed, and lands about twenty years on.
    far = cal.add_working_days(date(2024, 1, 1), MAX_WORKING_DAYS)
    assert date(2043, 1, 1) < far < date(2044, 1, 1)
    assert cal.working_days_between(date(2024, 1, 1), far) == MAX_WORKING_DAYS


def test_dates_the_holiday_data_does_not_cover_are_refused():
    # The holidays package knows nothing after LAST_YEAR; answering "no bank
    # holidays" there would be silently wrong, so the calendar refuses.
    cal = calendar(ENG)
    assert LAST_YEAR == 2100
    with pytest.raises(ValueError, match="between"):
        cal.add_working_days(date(LAST_YEAR + 1, 1, 3), 1)
    with pytest.raises(ValueError, match="between"):
        cal.add_working_days(date(LAST_YEAR, 12, 20), 30)  # runs past the end
    with pytest.raises(ValueError, match="between"):
        cal.add_working_days(date(9999, 12, 30), 5)  # would overflow the date type otherwise
    with pytest.raises(ValueError, match="between"):
        cal.working_days_between(date(FIRST_YEAR - 1, 6, 1), date(2024, 1, 1))
    with pytest.raises(ValueError, match="between"):
        cal.is_working_day(date(2200, 6, 1))


@pytest.mark.parametrize("nation", ALL_NATIONS)
def test_many_end_dates_at_once_agree_with_one_at_a_time(nation):
    # Many due dates at once (a list of deadlines) give what one date at a time gives, forwards and backwards,
    # across Christmas, New Year and a closure day, in any order, with repeats.
    cal = calendar(nation, {date(2022, 12, 29): "Winter closure"})
    start = date(2022, 12, 23)  # a Friday before Christmas
    ends = [start + timedelta(days=d) for d in range(-30, 45, 1)]
    ends = [*ends[::-1], start, start, date(2022, 12, 25)]
    assert cal.working_days_between_many(start, ends) == [cal.working_days_between(start, end) for end in ends]
    # From a non-working day, and with nothing to count.
    sunday = date(2023, 1, 1)
    assert cal.working_days_between_many(sunday, ends) == [cal.working_days_between(sunday, end) for end in ends]
    assert cal.working_days_between_many(start, []) == []


def test_many_end_dates_refuse_dates_the_holiday_data_does_not_cover():
    with pytest.raises(ValueError, match="between"):
        calendar(ENG).working_days_between_many(date(2026, 1, 5), [date(2026, 1, 6), date(LAST_YEAR + 1, 1, 1)])


# --- Closure days ------------------------------------------------------------------------


@pytest.mark.parametrize("nation", ALL_NATIONS)
def test_closure_days_stop_the_clock(nation):
    # Winter closure Wed 27 to Fri 29 Dec 2023, after Christmas (Mon) and Boxing Day (Tue).
    closures = {date(2023, 12, 27): "Winter closure", date(2023, 12, 28): "", date(2023, 12, 29): "Winter closure"}
    cal = calendar(nation, closures)
    # Then Monday 1 Jan 2024 is New Year's Day; Scotland also has Tuesday 2 Jan.
    expected = date(2024, 1, 3) if nation == SCT else date(2024, 1, 2)
    assert cal.add_working_days(date(2023, 12, 22), 1) == expected
    assert calendar(nation).add_working_days(date(2023, 12, 22), 1) == date(2023, 12, 27)
    assert not cal.is_working_day(date(2023, 12, 28))
    assert cal.is_bank_holiday(date(2023, 12, 28)) is False


def test_non_working_days_give_reasons():
    cal = calendar(SCT, {date(2022, 12, 28): "Winter closure", date(2022, 12, 29): "", date(2022, 12, 31): "Stocktake"})
    assert cal.non_working_days(date(2022, 12, 23), date(2023, 1, 4)) == [
        (date(2022, 12, 24), "Weekend"),
        (date(2022, 12, 25), "Christmas Day"),
        (date(2022, 12, 26), "Boxing Day"),
        (date(2022, 12, 27), "Christmas Day (substitute day)"),
        (date(2022, 12, 28), "Partnership closure day: Winter closure"),
        (date(2022, 12, 29), "Partnership closure day"),
        (date(2022, 12, 31), "Partnership closure day: Stocktake"),  # a Saturday: the partnership's reason wins
        (date(2023, 1, 1), "New Year's Day"),
        (date(2023, 1, 2), "New Year Holiday; New Year's Day (substitute day)"),
        (date(2023, 1, 3), "New Year Holiday (substitute day)"),
    ]
    assert calendar(ENG).non_working_days(date(2023, 6, 5), date(2023, 6, 9)) == []


def test_closure_days_accept_a_plain_set_of_dates():
    cal = calendar(ENG, [date(2023, 6, 6), date(2023, 6, 6)])
    assert cal.closure_days == frozenset({date(2023, 6, 6)})
    assert cal.add_working_days(date(2023, 6, 5), 1) == date(2023, 6, 7)


# --- The selector: a partnership's own calendar --------------------------------------------


def test_calendar_selector_uses_nation_and_own_closure_days_only(world_a, world_b, django_assert_num_queries):
    ClosureDay.objects.create(partnership=world_a.partnership, date=date(2023, 4, 11), reason="Away day")
    ClosureDay.objects.create(partnership=world_b.partnership, date=date(2023, 4, 12), reason="Other partnership")
    with django_assert_num_queries(1):
        cal = working_day_calendar(partnership=world_a.partnership)
    assert cal.nation == ENG
    assert cal.closure_days == frozenset({date(2023, 4, 11)})
    # Easter Monday 10th and the away day 11th are skipped; world_b's closure is not.
    assert cal.add_working_days(date(2023, 4, 6), 1) == date(2023, 4, 12)
    assert cal.non_working_days(date(2023, 4, 11), date(2023, 4, 11)) == [
        (date(2023, 4, 11), "Partnership closure day: Away day")
    ]

    world_a.partnership.nation = SCT
    world_a.partnership.save()
    cal = working_day_calendar(partnership=world_a.partnership)
    assert cal.nation == SCT
    assert cal.add_working_days(date(2023, 4, 6), 1) == date(2023, 4, 10)  # Scotland works Easter Monday


# --- The page ------------------------------------------------------------------------------


def url(world, **params) -> str:
    base = reverse("partnership:working_days", kwargs={"slug": world.partnership.slug})
    if params:
        from urllib.parse import urlencode

        base += "?" + urlencode(params)
    return base


def test_page_without_a_question_shows_the_empty_form(world_a, client_for):
    response = client_for(world_a.practitioner.person).get(url(world_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<form method="get"' in html
    assert 'name="start"' in html
    assert 'name="days"' in html
    assert 'name="end"' in html
    assert "There is a problem" not in html
    assert "England" in html
    assert response.context["result"] is None


def test_adding_working_days_shows_the_date_and_the_days_skipped(world_a, client_for):
    ClosureDay.objects.create(partnership=world_a.partnership, date=date(2023, 4, 12), reason="Away day")
    response = client_for(world_a.practitioner.person).get(url(world_a, start="2023-04-03", days="15"))
    assert response.status_code == 200
    result = response.context["result"]
    # Good Friday, Easter Monday, the away day and three weekends push day 15 to Thursday 27 April.
    assert result.end == date(2023, 4, 27)
    assert result.days == 15
    html = response.content.decode()
    assert "Thursday 27 April 2023" in html
    assert "Good Friday" in html
    assert "Easter Monday" in html
    assert "Partnership closure day: Away day" in html
    assert [d for d, _ in result.skipped] == [
        date(2023, 4, 7),
        date(2023, 4, 8),
        date(2023, 4, 9),
        date(2023, 4, 10),
        date(2023, 4, 12),
        date(2023, 4, 15),
        date(2023, 4, 16),
        date(2023, 4, 22),
        date(2023, 4, 23),
    ]
    # The partnership's closure days are listed too.
    assert "12 April 2023" in html


def test_counting_to_an_end_date(world_a, client_for):
    response = client_for(world_a.practitioner.person).get(url(world_a, start="2022-12-23", end="2023-01-06"))
    assert response.status_code == 200
    result = response.context["result"]
    # 28, 29, 30 Dec, then 3, 4, 5, 6 Jan (2 Jan is the substitute day for New Year's Day).
    assert result.days == 7
    assert result.end == date(2023, 1, 6)
    assert "Christmas Day (substitute day)" in response.content.decode()


def test_uk_date_format_is_accepted(world_a, client_for):
    response = client_for(world_a.practitioner.person).get(url(world_a, start="03/04/2023", days="15"))
    assert response.status_code == 200
    assert response.context["result"].end == date(2023, 4, 26)
    # The date picker is given the date in the form it understands, so the input is not lost.
    html = response.content.decode()
    assert 'name="start" value="2023-04-03"' in html
    assert 'name="days" value="15"' in html


def test_scottish_partnership_uses_scottish_bank_holidays(world_a, client_for):
    world_a.partnership.nation = SCT
    world_a.partnership.save()
    response = client_for(world_a.practitioner.person).get(url(world_a, start="2023-04-03", days="15"))
    assert response.context["result"].end == date(2023, 4, 25)
    assert "Scotland" in response.content.decode()


BAD_INPUT = [
    ({"start": "31/02/2023", "days": "5"}, "start", "Enter the start date as a real date"),
    ({"start": "next tuesday", "days": "5"}, "start", "Enter the start date as a real date"),
    ({"start": "", "days": "5"}, "start", "Enter the start date"),
    ({"start": "2023-04-03", "days": "-1"}, "days", "0 or more"),
    ({"start": "2023-04-03", "days": "5001"}, "days", "5000 or fewer"),
    ({"start": "2023-04-03", "days": "ten"}, "days", "whole number"),
    ({"start": "2023-04-03"}, "days", "Enter a number of working days or an end date"),
    ({"start": "2023-04-03", "days": "", "end": ""}, "days", "Enter a number of working days or an end date"),
    ({"start": "2023-04-03", "days": "3", "end": "2023-04-20"}, "days", "not both"),
    ({"start": "2023-04-03", "end": "2023-03-01"}, "end", "on or after the start date"),
    ({"start": "2023-04-03", "end": "2023-13-01"}, "end", "Enter the end date as a real date"),
    ({"start": "2023-04-03", "end": "2090-01-01"}, "end", "at most 5000 working days"),
    ({"start": "2101-01-03", "days": "1"}, "start", "between 1872 and 2100"),
    ({"start": "2100-12-01", "days": "40"}, "days", "between 1872 and 2100"),
]


def test_bad_input_is_explained_next_to_the_field(world_a, client_for):
    # One world for every case: building a world costs seconds (password hashing).
    client = client_for(world_a.practitioner.person)
    for params, field, message in BAD_INPUT:
        response = client.get(url(world_a, **params))
        assert response.status_code == 400, params
        form = response.context["form"]
        assert any(message in e for e in form.errors[field]), (params, form.errors)
        html = response.content.decode()
        assert "There is a problem" in html
        assert f'href="#id_{field}"' in html, params  # the summary links to the field
        assert f'id="id_{field}-error"' in html, params  # and the message sits beside it
        assert 'aria-invalid="true"' in html
        # What the person typed is kept.
        for name, value in params.items():
            if value:
                assert f'value="{value}"' in html, (params, name)
        assert response.context["result"] is None


def test_every_member_can_use_the_page(world_a, client_for):
    for membership in (world_a.observer, world_a.lay_member, world_a.business_manager, world_a.police_lead):
        response = client_for(membership.person).get(url(world_a, start="2023-04-03", days="1"))
        assert response.status_code == 200, membership


def test_another_partnerships_member_gets_404(world_a, world_b, client_for):
    response = client_for(world_b.bm).get(url(world_a, start="2023-04-03", days="1"))
    assert response.status_code == 404
    response = client_for(world_b.practitioner.person).get(url(world_a))
    assert response.status_code == 404


def test_anonymous_is_sent_to_sign_in(world_a, client):
    target = url(world_a, start="2023-04-03", days="1")
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account:login"))
    assert "next=" in response["Location"]


def test_query_count_is_fixed(world_a, client_for, django_assert_max_num_queries):
    for day in range(20):
        ClosureDay.objects.create(partnership=world_a.partnership, date=date(2023, 5, 1) + timedelta(days=day))
    client = client_for(world_a.bm)
    with django_assert_max_num_queries(5):
        response = client.get(url(world_a, start="2023-01-03", days="200"))
    assert response.status_code == 200
    assert len(response.context["result"].skipped) > 80


def _walked(calendar: WorkingDayCalendar, start: date, end: date) -> int:
    """The counting rule taken literally, one day at a time: the oracle for the counted answer."""
    if end < start:
        return -_walked(calendar, end, start)
    return sum(calendar.is_working_day(start + timedelta(days=n)) for n in range(1, (end - start).days + 1))


@pytest.mark.parametrize("nation", [Nation.ENGLAND, Nation.SCOTLAND])
def test_working_days_are_counted_as_a_walk_would_count_them(nation):
    # Closure days on a weekday, on a Saturday, on a bank holiday (Christmas) and on a substitute day: only the
    # first takes a working day away; the others were not working days already.
    closures = {date(2026, 12, 29), date(2025, 4, 22), date(2026, 12, 5), date(2025, 12, 25), date(2021, 12, 28)}
    calendar = WorkingDayCalendar(nation=nation, closure_days=closures)
    today = date(2026, 12, 4)
    # Far back first (the calendar's years then widen forwards), then near, across Christmas, New Year, Easter
    # and the closure days, and a decade either way: the reach of an overdue backlog.
    asked = [date(2024, 12, 24), today, date(2026, 12, 3), date(2027, 1, 4), date(2026, 12, 29), date(2025, 4, 22)]
    asked += [today + timedelta(days=n) for n in range(-400, 60, 7)]
    asked += [date(2017, 5, 2), date(2036, 12, 31), *sorted(closures)]
    for day in asked:
        assert calendar.working_days_between(today, day) == _walked(calendar, today, day), day
    # Starts and ends on every kind of day, each way round.
    for start in (date(2021, 12, 24), date(2025, 12, 25), date(2026, 12, 5), date(2026, 12, 29), date(2022, 9, 19)):
        for end in (start - timedelta(days=9), start, start + timedelta(days=1), start + timedelta(days=33)):
            assert calendar.working_days_between(start, end) == _walked(calendar, start, end), (start, end)
            assert calendar.working_days_between_many(start, [end]) == [_walked(calendar, start, end)]


def test_counting_refuses_a_start_the_calendar_does_not_cover():
    calendar = WorkingDayCalendar(nation=Nation.ENGLAND)
    with pytest.raises(ValueError, match="only be counted between"):
        calendar.working_days_between(date(1800, 1, 1), date(2026, 12, 4))
