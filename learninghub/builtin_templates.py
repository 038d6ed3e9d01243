"""The learning hub's phases and their checklists, as data: the model Bexley's partnership developed and shared
with Greenwich and Lewisham (Safeguarding Early Adopters, "Learning Hub model", seed 000).

Each phase lasts a number of working days on the partnership's calendar and follows the one before it; the impact
review comes months after the learning event (``gap_before``). A task's owner is a role, or one of two stand-ins
resolved when a cycle is set up: ``MANAGER`` (the partnership operations team and its Practice Review and Learning
Manager: the business managers) and ``LEAD_PARTNER`` (the nominated lead from the safeguarding partner that leads
the priority: that partner's lead, or the business managers when the three lead it together).
"""

from __future__ import annotations

from dataclasses import dataclass

MANAGER = "manager"
LEAD_PARTNER = "lead_partner"
HUB_MEMBERS = "practitioner"  # the hub is practitioner-led: its members tick what the hub itself does


@dataclass(frozen=True)
class TaskTemplate:
    text: str
    owner: str = MANAGER


@dataclass(frozen=True)
class PhaseTemplate:
    kind: str  # a learninghub.models.PhaseKind value
    working_days: int
    tasks: tuple[TaskTemplate, ...]
    optional: bool = False
    # Working days between the end of the phase before and the start of this one.
    gap_before: int = 0


PHASES: tuple[PhaseTemplate, ...] = (
    PhaseTemplate(
        kind="preparation",
        working_days=20,
        tasks=(
            TaskTemplate(
                "The three safeguarding partners put forward nominations for membership of the Learning Hub and "
                "agree a shortlist",
                LEAD_PARTNER,
            ),
            TaskTemplate("The full Partnership Board reviews and signs off the membership", LEAD_PARTNER),
            TaskTemplate(
                "Produce the initial delivery plan with the nominated lead: current data and performance, success "
                "and impact measures, relevant statutory and other guidance"
            ),
            TaskTemplate(
                "Gather the evidence for the delivery plan: previous Learning Hubs, visits and observations, "
                "self-assessments and peer challenge, serious case and learning reviews, child deaths, LADO, "
                "national and inspection reports"
            ),
            TaskTemplate(
                "Send the introductory letter and information pack (including terms of reference) to the Learning "
                "Hub members"
            ),
            TaskTemplate("Offer individual conversations to Learning Hub members about their membership"),
        ),
    ),
    PhaseTemplate(
        kind="pre_meet",
        working_days=5,
        optional=True,
        tasks=(
            TaskTemplate("Explain the Learning Hub culture and a culture of learning"),
            TaskTemplate("Present the Learning Hub model and the partnership arrangements"),
            TaskTemplate("Run the “hopes and worries” exercise and agree working agreements", HUB_MEMBERS),
            TaskTemplate("Run the “success measures” exercise", HUB_MEMBERS),
        ),
    ),
    PhaseTemplate(
        kind="scoping",
        working_days=20,
        tasks=(
            TaskTemplate("Share and address the Learning Hub members' hopes and concerns", HUB_MEMBERS),
            TaskTemplate("Review the success measures for the priority", HUB_MEMBERS),
            TaskTemplate(
                "Feed back what is working well and what the challenges are for multi-agency practice in relation "
                "to the priority",
                HUB_MEMBERS,
            ),
            TaskTemplate("Present the information in the delivery plan"),
            TaskTemplate(
                "Agree a plan for multi-agency auditing, consultation with children, young people, their families "
                "and other practitioners, and any other evidence to gather",
                HUB_MEMBERS,
            ),
        ),
    ),
    PhaseTemplate(
        kind="auditing",
        working_days=20,
        tasks=(
            TaskTemplate("Select children's cases for auditing with the nominated lead", LEAD_PARTNER),
            TaskTemplate(
                "Invite the practitioners who worked on each child's case to a reflective discussion as part of "
                "the audit"
            ),
            TaskTemplate("Contribute to the case file reviews and reflective discussions", HUB_MEMBERS),
            TaskTemplate("Collate the findings from the audits for the cycle's overall report"),
        ),
    ),
    PhaseTemplate(
        kind="feedback",
        working_days=20,
        tasks=(
            TaskTemplate(
                "Nominate colleagues to attend the practitioner feedback session on what is working well and what "
                "the challenges are",
                HUB_MEMBERS,
            ),
            TaskTemplate("Coordinate consultation with children, young people and their families"),
            TaskTemplate("Collate the findings from the feedback activity for the cycle's overall report"),
        ),
    ),
    PhaseTemplate(
        kind="findings",
        working_days=20,
        tasks=(
            TaskTemplate(
                "Update the delivery plan with the evidence of months 2 and 3 and prepare the findings report"
            ),
            TaskTemplate("Draft a set of recommendations from the emerging evidence for the hub to work from"),
            TaskTemplate("Present the updated delivery plan at the final Learning Hub"),
            TaskTemplate(
                "Agree the operational and strategic recommendations to make to the Partnership Board", HUB_MEMBERS
            ),
        ),
    ),
    PhaseTemplate(
        kind="board_sign_off",
        working_days=5,
        tasks=(TaskTemplate("The Partnership Board reviews, refines and signs off the recommendations", LEAD_PARTNER),),
    ),
    PhaseTemplate(
        kind="action_plan",
        # The three partners' target: an action plan drafted within two weeks of the recommendations.
        working_days=10,
        tasks=(
            TaskTemplate("Draft the action plan to take forward the recommendations with the nominated lead"),
            TaskTemplate("Identify and agree the operational lead for each action", LEAD_PARTNER),
            TaskTemplate("Meet the operational leads so each understands their part of the action plan"),
        ),
    ),
    PhaseTemplate(
        kind="learning_event",
        working_days=10,
        tasks=(
            TaskTemplate("Hold a system-wide learning event to share the recommendations with practitioners"),
            TaskTemplate("Invite guest speakers for the event"),
        ),
    ),
    PhaseTemplate(
        kind="impact_review",
        working_days=5,
        # Bexley reported back on each priority's recommendations to the board about six months later.
        gap_before=120,
        tasks=(
            TaskTemplate("Report progress on the recommendations to the Partnership Board", LEAD_PARTNER),
            TaskTemplate("Review the success and impact measures agreed for the priority"),
        ),
    ),
)
