"""A learning hub session as an ``.ics`` invitation (RFC 5545, written with the icalendar library).

One event per session, whoever downloads it: its UID is the session's own (``calendar_uid``), so every copy
(the session's, each member's) is the same event in a calendar, and its SEQUENCE is the session's revision, so a
rescheduled or cancelled session downloaded again replaces the one already there. Times are written in
Europe/London with the zone's definition included (``VTIMEZONE``), so a calendar anywhere shows the hub's wall
clock across the clocks changing.

- The whole session's file is published (``METHOD:PUBLISH``): no attendee.
- A member's file is a request to that member (``METHOD:REQUEST``, their ``ATTENDEE``, the business manager who
  scheduled it as ``ORGANIZER``), or ``METHOD:CANCEL`` once the session is cancelled.
- A cancelled session is ``STATUS:CANCELLED``; otherwise ``STATUS:CONFIRMED``.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from learninghub.models import HubSession
from partnership.models import Membership

PRODID = "-//Learning Loop//Learning hub sessions//EN"
UID_DOMAIN = "learning-loop"


def session_calendar_uid(session: HubSession) -> str:
    return f"hub-session-{session.calendar_uid}@{UID_DOMAIN}"


def _address(email: str, name: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = vText(name)
    return address


def hub_session_ics(*, session: HubSession, page_url: str, member: Membership | None = None) -> bytes:
    """The session's invitation, for ``member`` (their own request) or for anyone (published). No query beyond
    the session's ``created_by`` (load it with the session) and the member's person (loaded with the member)."""
    london = ZoneInfo(settings.TIME_ZONE)
    cancelled = session.state == HubSession.State.CANCELLED
    organizer = session.created_by
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if member is not None and organizer is not None:
        calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    else:
        calendar.add("method", "PUBLISH")

    event = Event()
    event.add("uid", session_calendar_uid(session))
    event.add("sequence", session.sequence)
    event.add("dtstamp", session.updated_at)
    event.add("dtstart", session.starts_at.astimezone(london))
    event.add("dtend", session.ends_at.astimezone(london))
    event.add("summary", f"{session.title} ({session.cycle.title})")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    location = session.place or session.online_url
    if location:
        event.add("location", location)
    event.add("url", session.online_url or page_url)
    lines = []
    if session.agenda:
        lines += ["Agenda:", session.agenda, ""]
    if session.online_url:
        lines.append(f"Join online: {session.online_url}")
    lines.append(f"The session in Learning Loop: {page_url}")
    event.add("description", "\n".join(lines))
    if organizer is not None:
        event.add("organizer", _address(organizer.email, organizer.full_name))
    if member is not None:
        attendee = _address(member.person.email, member.person.full_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def hub_session_ics_filename(session: HubSession, member: Membership | None = None) -> str:
    day = session.starts_at.astimezone(ZoneInfo(settings.TIME_ZONE)).date().isoformat()
    return f"hub-session-{day}-{session.pk}{f'-member-{member.pk}' if member is not None else ''}.ics"
