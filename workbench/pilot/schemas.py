"""Declared contracts of the pilot tables (one CSV each in the pilot folder).

The same declarations validate the files (:func:`workbench.pilot.loading.load_pilot`) and
document them (the data dictionary is generated from :data:`SCHEMAS`). Cross-table rules
(unknown accounts, accounts in both arms, events before assignment or outside the pilot
window) are checked by the loader once every table is valid on its own.
"""

from __future__ import annotations

from ..schemas import Column, OrderCheck, TableSchema

ARMS = ("pilot", "control")
OUTCOME_LABELS = ("true_risk", "false_alarm", "unknown")
WAVES = ("baseline", "mid", "end")
RESPONDENT_TYPES = ("csm", "customer")
INITIATORS = ("csm", "customer")
CHANNELS = ("email", "call", "meeting", "in_app", "self_service", "chat")

ACCOUNTS = TableSchema(
    name="accounts",
    description=(
        "One row per account in the pilot's scope, in either arm. Accounts with no churn date "
        "were retained to the end of the pilot window (censored there)."
    ),
    columns=(
        Column("account_id", "string", "Account identifier, the key every other pilot table refers to.",
               example="A0001"),
        Column("arm", "category", "Arm the account was assigned to.", allowed=ARMS),
        Column("csm_id", "string", "Customer-success manager owning the account during the pilot.", example="csm01"),
        Column("segment", "category", "Customer segment (sample: SMB, Mid-Market, Enterprise).",
               required=False, nullable=True, blank_means="unknown"),
        Column("arr", "float", "Annual recurring revenue of the account.", min=0, required=False, nullable=True,
               blank_means="unknown"),
        Column("assigned_at", "date", "Date the account entered its arm (the start of its follow-up)."),
        Column("churned_at", "date", "Date the account churned.", nullable=True,
               blank_means="retained: censored at the end of the pilot window"),
        Column("excluded", "flag", "Whether the account was excluded from the analysis (decided before "
               "looking at outcomes).", required=False, nullable=True, blank_means="not excluded"),
        Column("exclusion_reason", "string", "Why the account was excluded.", required=False, nullable=True,
               blank_means="no reason needed when not excluded"),
    ),
    order_checks=(OrderCheck("assigned_at", "churned_at",
                             "an account cannot churn before it was assigned: correct the dates or exclude it"),),
)

ALERTS = TableSchema(
    name="alerts",
    description="One row per risk alert raised by the tool. Reviewed by the CSM afterwards and labelled.",
    columns=(
        Column("alert_id", "string", "Alert identifier.", unique=True, example="AL00001"),
        Column("account_id", "string", "Account the alert is about."),
        Column("raised_at", "date", "When the alert was raised (date or date and time)."),
        Column("risk_score", "float", "Risk score the tool gave (0-100).", min=0, max=100, required=False,
               nullable=True, blank_means="not recorded"),
        Column("outcome_label", "category", "Review outcome: the risk was real, a false alarm, or not yet known.",
               allowed=OUTCOME_LABELS),
    ),
    min_rows=0,
)

INTERVENTIONS = TableSchema(
    name="interventions",
    description="One row per intervention (a deliberate retention action) on an account, in either arm.",
    columns=(
        Column("intervention_id", "string", "Intervention identifier.", unique=True, example="IV00001"),
        Column("account_id", "string", "Account the intervention was for."),
        Column("alert_id", "string", "Alert that triggered it.", nullable=True,
               blank_means="not triggered by an alert (for example a scheduled check-in)"),
        Column("started_at", "date", "When the intervention started (date or date and time)."),
        Column("channel", "category", "How the customer was reached.", allowed=CHANNELS),
    ),
    min_rows=0,
)

CONTACTS = TableSchema(
    name="contacts",
    description=("One row per contact between the CS team and a customer account. Used for the "
                 "contact-frequency guardrail: customers must not feel monitored."),
    columns=(
        Column("contact_id", "string", "Contact identifier.", unique=True, example="CT000001"),
        Column("account_id", "string", "Account contacted."),
        Column("contacted_at", "date", "When the contact happened."),
        Column("initiated_by", "category", "Who started the contact.", allowed=INITIATORS),
        Column("channel", "category", "Channel of the contact.", allowed=CHANNELS),
    ),
    min_rows=0,
)

TICKETS = TableSchema(
    name="tickets",
    description="One row per support ticket from a pilot-scope account, with its first response time.",
    columns=(
        Column("ticket_id", "string", "Ticket identifier.", unique=True, example="T000001"),
        Column("account_id", "string", "Account that opened the ticket."),
        Column("opened_at", "date", "When the ticket was opened (date and time)."),
        Column("first_response_at", "date", "When the team first responded (date and time).", nullable=True,
               blank_means="no response yet: left out of response-time metrics and counted"),
    ),
    order_checks=(OrderCheck("opened_at", "first_response_at",
                             "a response cannot precede the ticket: check the time zone of the export"),),
    min_rows=0,
)

SURVEY_RESPONSES = TableSchema(
    name="survey_responses",
    description=("One row per answer to one Likert question (1 = strongly disagree ... 5 = strongly agree) "
                 "from a CSM (team satisfaction) or a customer (customer feedback)."),
    columns=(
        Column("response_id", "string", "Answer identifier.", unique=True, example="S00001"),
        Column("respondent_type", "category", "Who answered.", allowed=RESPONDENT_TYPES),
        Column("respondent_id", "string", "CSM id or customer contact id of the respondent."),
        Column("account_id", "string", "Account the customer respondent belongs to.", nullable=True,
               blank_means="allowed for CSM respondents"),
        Column("arm", "category", "Arm of the respondent (the CSM's or the account's arm).", allowed=ARMS),
        Column("wave", "category", "Survey wave.", allowed=WAVES),
        Column("question_id", "string", "Question identifier (see the survey's question list).",
               example="tool_helps_prioritise"),
        Column("score", "int", "Likert score.", min=1, max=5),
        Column("submitted_at", "date", "When the answer was submitted."),
    ),
    min_rows=0,
)

INSIGHTS = TableSchema(
    name="insights",
    description="One row per insight the pilot team logged (what it learned), rated for quality.",
    columns=(
        Column("insight_id", "string", "Insight identifier.", unique=True, example="IN001"),
        Column("logged_at", "date", "When the insight was logged."),
        Column("category", "string", "Free category (sample: churn_driver, process, product_gap, playbook)."),
        Column("quality_rating", "int", "Quality rating by the pilot lead (1 = trivial ... 5 = changes how we work).",
               min=1, max=5),
        Column("actioned", "flag", "Whether the insight led to a change (playbook, product feedback, process)."),
    ),
    min_rows=0,
)

HEALTH_SCORES = TableSchema(
    name="health_scores",
    description=("Optional. Account health score measurements (0-100). The measurement closest to "
                 "assignment (on or before it) is the baseline, the last one in the window the follow-up."),
    columns=(
        Column("account_id", "string", "Account measured."),
        Column("measured_at", "date", "Date of the measurement."),
        Column("score", "float", "Health score.", min=0, max=100),
    ),
    min_rows=0,
)

SCHEMAS: tuple[TableSchema, ...] = (
    ACCOUNTS, ALERTS, INTERVENTIONS, CONTACTS, TICKETS, SURVEY_RESPONSES, INSIGHTS, HEALTH_SCORES,
)
OPTIONAL_TABLES = ("health_scores",)
