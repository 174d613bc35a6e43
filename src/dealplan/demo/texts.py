"""The words of the demo: titles, personal wins, MEDDPICC findings, MAP items, risks."""

from __future__ import annotations

from dealplan.enums import CommitteeRole as R
from dealplan.enums import Side

# role -> (titles, domain of responsibility, influence, support)
ROLES: dict[R, tuple[tuple[str, ...], str, str, str]] = {
    R.CHAMPION: (
        (
            "Director of Platform Engineering",
            "Head of SRE",
            "Director of IT Operations",
            "Head of Security Operations",
            "Director of Data Engineering",
        ),
        "Owns the problem day to day; runs the evaluation",
        "high",
        "high",
    ),
    R.TECHNICAL_BUYER: (
        ("Principal Architect", "Head of Cloud Infrastructure", "Enterprise Architect"),
        "Architecture standards, security and integration sign-off",
        "high",
        "high",
    ),
    R.USER_BUYER: (
        ("SRE Manager", "IT Operations Manager", "SOC Manager", "Data Platform Lead"),
        "Runs the team that will use the product every day",
        "low",
        "high",
    ),
    R.COACH: (
        ("Staff Engineer", "Senior DevOps Engineer", "Programme Manager"),
        "Knows the internal politics; tells us what is really going on",
        "low",
        "high",
    ),
    R.INFLUENCER: (
        ("VP Product", "Head of Customer Support", "Finance Business Partner"),
        "Consulted on priorities and budget",
        "high",
        "low",
    ),
    R.BLOCKER: (
        ("Head of Internal Tools", "IT Security Lead", "Principal Engineer, Tooling"),
        "Built or chose the current tooling",
        "high",
        "low",
    ),
    R.PROCUREMENT: (
        ("Procurement Manager", "Strategic Sourcing Lead"),
        "Vendor onboarding, commercial terms, purchase orders",
        "low",
        "low",
    ),
    R.LEGAL: (
        ("Senior Counsel", "Commercial Counsel"),
        "MSA, DPA and security schedule",
        "low",
        "low",
    ),
}
EB_DOMAIN = "Budget owner; signs the contract"

PROFESSIONAL_WINS = (
    "Credit for cutting incidents before the board review",
    "A visible win in the first year in the role",
    "Fewer escalations to the executive team",
    "Team stops firefighting and ships the roadmap",
    "Shows the cost savings the CFO asked for",
    "Passes the next audit without findings",
)
PERSONAL_WINS = (
    "Promotion to VP is on the table if the programme lands",
    "Wants to stop being paged at night",
    "Wants to be seen as the modernizer, not the caretaker",
    "Keeping the team together after two resignations",
    "Building a name as the person who fixed reliability",
    "Wants fewer late-night escalations from the CEO",
)
PROFESSIONAL_RISKS = (
    "Picked the last tool, which failed; a second miss would hurt",
    "Owns the migration if it goes badly",
    "Sceptical peers in finance watching the spend",
    "Team may reject a tool forced on them",
    "Accountable for any downtime during the switch",
)
MOTIVATIONS = (
    "new in role",
    "budget cuts",
    "up for promotion",
    "burned by vendors",
    "under pressure on uptime",
    "building a new team",
)
WIN_QUESTIONS = (
    "What do you get credit for if this succeeds?",
    "What happens to you if this fails?",
    "Who is sceptical of this internally?",
)

DECISION_CRITERIA = (
    "SSO/SAML and SCIM",
    "SOC 2 Type II report",
    "EU data residency",
    "OpenTelemetry support",
    "Cheaper than the current tooling within two years",
    "ServiceNow integration",
    "Live in under 30 days",
    "Role-based access for 40 teams",
)

# (milestone, [(action, side)]) in plan order.
MAP_TEMPLATE: tuple[tuple[str, tuple[tuple[str, Side], ...]], ...] = (
    (
        "Agree the problem and success criteria",
        (
            ("Send discovery recap and draft success criteria", Side.SELLER),
            ("Confirm success metrics with {eb}", Side.BUYER),
            ("Kick-off: agree the evaluation plan", Side.BOTH),
        ),
    ),
    (
        "Technical validation",
        (
            ("Provide sandbox access and sample data", Side.BUYER),
            ("Configure the proof-of-concept environment", Side.SELLER),
            ("Complete the security questionnaire", Side.BUYER),
            ("POC checkpoint review", Side.BOTH),
        ),
    ),
    (
        "Business case",
        (
            ("Draft the ROI model", Side.SELLER),
            ("Validate ROI inputs with finance", Side.BUYER),
            ("Present the business case to {eb}", Side.BOTH),
        ),
    ),
    (
        "Commercials and paper process",
        (
            ("Send proposal and order form", Side.SELLER),
            ("Legal review of MSA and DPA", Side.BUYER),
            ("Vendor onboarding in procurement", Side.BUYER),
            ("Sign the order form", Side.BOTH),
        ),
    ),
    (
        "Launch planning",
        (
            ("Name the CSM and share the onboarding plan", Side.SELLER),
            ("Implementation kick-off", Side.BOTH),
        ),
    ),
)
SELLER_ONLY_ITEMS = (
    "Send discovery recap",
    "Share a tailored demo recording",
    "Send the ROI calculator",
    "Send the proposal",
    "Follow up on the proposal",
    "Offer a reference call",
)
BUYER_OWN_ITEMS = (
    "Brief the steering committee",
    "Add {name} from IT security to the review",
    "Check data residency with compliance",
    "Book a reference call with a similar customer",
    "Share our internal rollout timeline",
    "Line up budget approval for next quarter",
    "Invite {name} to the next working session",
)

RISKS = {
    "eb": (
        "Economic buyer not met; champion says they are travelling",
        "Ask the champion for 15 minutes with the EB before pricing",
        "Manager to reach out exec-to-exec",
    ),
    "security": (
        "Security review could take six weeks",
        "Send the SOC 2 report and pre-filled questionnaire now",
        "Security team to join the review call",
    ),
    "competitor": (
        "{competitor} is offering a steep discount",
        "Anchor on time to value and migration support",
        "Competitive battlecard and a reference customer",
    ),
    "budget": (
        "Budget may be frozen next quarter",
        "Tie the business case to this year's cost targets",
        "Finance-ready ROI model",
    ),
    "champion": (
        "Champion may move to a new role",
        "Build a second thread with the technical buyer",
        None,
    ),
    "legal": (
        "Legal wants our DPA on their paper",
        "Start the DPA review in parallel with the POC",
        "Our legal team to review their template",
    ),
}

EVIDENCE = {
    "assumed": (
        "Champion's view on the discovery call",
        "Heard second-hand from the champion",
        "Our assumption from similar customers",
        "Mentioned in passing in the demo",
    ),
    "validated": (
        "Confirmed in writing by {who}",
        "{who} said it in their own words in the review",
        "Agreed with {who} on a video call",
        "In {who}'s internal deck shared with us",
    ),
}
