"""Made-up people, companies and places for the demo (no real company or person is meant).

Domains end in `.example` (RFC 2606) and phone numbers use fictional ranges.
"""

from __future__ import annotations

VENDOR = "Northbeam"
VENDOR_DOMAIN = "northbeam.example"

FIRST_NAMES = (
    "Aisha", "Alejandro", "Amara", "Anders", "Ananya", "Ben", "Bianca", "Carlos", "Chen",
    "Chloe", "Dana", "Daniel", "Deepa", "Diego", "Elena", "Emeka", "Emma", "Erik", "Fatima",
    "Felix", "Grace", "Hannah", "Hiro", "Ibrahim", "Ines", "Isaac", "Jamal", "Jana", "Javier",
    "Jin", "Julia", "Kai", "Karin", "Kavya", "Kofi", "Laila", "Lars", "Leah", "Liam", "Lucia",
    "Malik", "Mara", "Marco", "Maya", "Mei", "Mina", "Mohammed", "Nadia", "Naomi", "Nikhil",
    "Nina", "Noah", "Olga", "Omar", "Oscar", "Paula", "Priya", "Rafael", "Rahul", "Rana",
    "Rosa", "Ryan", "Sakura", "Samir", "Sara", "Sean", "Sofia", "Sven", "Tariq", "Tessa",
    "Theo", "Tomas", "Uma", "Valentina", "Victor", "Wei", "Yara", "Yusuf", "Zara", "Zoe",
)  # fmt: skip

LAST_NAMES = (
    "Abara", "Alvarez", "Andersson", "Bauer", "Becker", "Bose", "Brennan", "Castillo", "Chen",
    "Costa", "Dahl", "Delgado", "Dubois", "Eriksen", "Farouk", "Ferreira", "Fischer", "Garcia",
    "Gupta", "Haddad", "Hansen", "Hughes", "Ibsen", "Ito", "Jansen", "Kapoor", "Kim", "Kowalski",
    "Laine", "Larsen", "Lindqvist", "Lopez", "Mahmoud", "Marsh", "Mehta", "Moreau", "Murphy",
    "Nakamura", "Nguyen", "Novak", "Obi", "Okafor", "Olsen", "Ortiz", "Park", "Patel", "Petrov",
    "Quinn", "Rahman", "Ramos", "Reyes", "Rossi", "Ruiz", "Sato", "Schmidt", "Shah", "Silva",
    "Sokolov", "Stone", "Suzuki", "Tan", "Torres", "Usman", "Varga", "Vogel", "Walsh", "Weber",
    "Wong", "Yamamoto", "Yilmaz", "Zhang", "Zielinski",
)  # fmt: skip

COMPANY_STEMS = (
    "Aldermoor", "Ashgrove", "Bluestem", "Brightwater", "Cobalt", "Copperfield", "Driftwood",
    "Dunmore", "Elmstead", "Emberline", "Fairhaven", "Foxglove", "Glenrock", "Granite",
    "Harborview", "Highmark", "Ironbridge", "Jasper", "Juniper", "Kestrel", "Kingsley",
    "Lakemont", "Larkspur", "Marlow", "Meridian", "Newhall", "Northwind", "Oakhurst", "Orchard",
    "Palisade", "Pinecrest", "Quayside", "Redfern", "Rowan", "Silverline", "Stonegate",
    "Thornbury", "Tidewater", "Valemont", "Westbrook", "Whitcombe", "Yarrow", "Zephyr",
    "Ambergate", "Corriden", "Halden", "Mistral", "Sablewood",
)  # fmt: skip

# industry -> (name suffixes, corporate initiatives)
INDUSTRIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Financial Services": (
        ("Bank", "Capital", "Financial"),
        (
            "Move core payments to the cloud by 2027",
            "Cut fraud losses 25% with real-time detection",
            "Meet DORA operational-resilience rules",
        ),
    ),
    "Insurance": (
        ("Insurance", "Mutual", "Assurance"),
        (
            "Launch digital claims in all regions",
            "Retire the mainframe policy system",
            "Reduce claims-handling cost 15%",
        ),
    ),
    "Healthcare": (
        ("Health", "Medical", "Care"),
        (
            "Unify patient records across 40 hospitals",
            "Achieve HITRUST certification",
            "Expand telehealth to rural clinics",
        ),
    ),
    "Retail": (
        ("Retail", "Stores", "Market"),
        (
            "Grow e-commerce to 40% of revenue",
            "Same-day delivery in 30 cities",
            "Zero peak-season checkout outages",
        ),
    ),
    "Manufacturing": (
        ("Industries", "Manufacturing", "Works"),
        (
            "Connect every plant to one data platform",
            "Cut unplanned downtime 20%",
            "Net-zero operations by 2030",
        ),
    ),
    "Logistics": (
        ("Logistics", "Freight", "Shipping"),
        (
            "Real-time tracking for every parcel",
            "Consolidate five regional data centres",
            "Automate 60% of warehouse operations",
        ),
    ),
    "Telecommunications": (
        ("Telecom", "Networks", "Communications"),
        (
            "5G standalone core rollout",
            "Cut customer churn 3 points",
            "Move OSS/BSS to Kubernetes",
        ),
    ),
    "Energy": (
        ("Energy", "Power", "Utilities"),
        (
            "Grid modernisation programme",
            "Smart-meter data platform",
            "Harden OT security after a regulator audit",
        ),
    ),
    "Software": (
        ("Software", "Systems", "Labs"),
        (
            "Reach 99.99% availability for the SaaS platform",
            "Halve cloud spend per customer",
            "SOC 2 Type II and ISO 27001 this year",
        ),
    ),
    "Media": (
        ("Media", "Studios", "Broadcasting"),
        (
            "Stream live sport to 10M concurrent viewers",
            "Personalised ad platform",
            "Consolidate streaming apps onto one stack",
        ),
    ),
}

INITIATIVE_SOURCES = (
    "2025 annual report",
    "Q3 earnings call",
    "CEO keynote at the investor day",
    "Press release",
    "CTO post on LinkedIn",
    "Job postings (12 platform roles open)",
    "Analyst briefing",
)

# (city, country, phone prefix): fictional number ranges where the country has them.
CITIES = (
    ("Chicago, IL", "USA", "+1 312 555 01"),
    ("Boston, MA", "USA", "+1 617 555 01"),
    ("Austin, TX", "USA", "+1 512 555 01"),
    ("Seattle, WA", "USA", "+1 206 555 01"),
    ("Atlanta, GA", "USA", "+1 404 555 01"),
    ("New York, NY", "USA", "+1 212 555 01"),
    ("Denver, CO", "USA", "+1 303 555 01"),
    ("Toronto, ON", "Canada", "+1 416 555 01"),
    ("London", "UK", "+44 20 7946 0"),
    ("Manchester", "UK", "+44 161 496 0"),
    ("Amsterdam", "Netherlands", "+31 20 555 0"),
    ("Berlin", "Germany", "+49 30 555 0"),
    ("Munich", "Germany", "+49 89 555 0"),
    ("Paris", "France", "+33 1 55 50 0"),
    ("Stockholm", "Sweden", "+46 8 555 0"),
    ("Dublin", "Ireland", "+353 1 555 0"),
    ("Singapore", "Singapore", "+65 6555 0"),
    ("Sydney", "Australia", "+61 2 5550 0"),
)

CLOUDS = ("AWS", "Azure", "Google Cloud", "AWS and Azure", "on-prem VMware and AWS")
PLATFORMS = ("Kubernetes (EKS)", "Kubernetes (AKS)", "OpenShift", "ECS and Lambda", "VMs")
TOOLS = (
    "Splunk for logs",
    "Prometheus and Grafana",
    "ServiceNow ITSM",
    "PagerDuty on-call",
    "Snowflake",
    "Databricks",
    "Jenkins and GitHub Actions",
    "Okta SSO",
    "Terraform",
    "Kafka",
    "Elastic",
    "in-house alerting",
)

PRODUCTS = ("Observe", "Respond", "Secure", "Pipelines", "Copilot")
PRODUCT_PAIN = {
    "Observe": "Customers find outages before the team does; MTTR averages {n} hours",
    "Respond": "On-call engineers get {n}0 pages a week and two of them quit last quarter",
    "Secure": "The SOC cannot triage {n}0% of alerts; the last audit flagged it",
    "Pipelines": "Nightly data loads fail {n} times a month and finance closes late",
    "Copilot": "L1 support spends {n}0% of its time on repetitive tickets",
}
PRODUCT_METRIC = {
    "Observe": "Cut MTTR from {a}h to {b}h, worth ${m}M a year in avoided downtime",
    "Respond": "Halve pages per engineer and keep attrition under {a}%, saving ${m}M",
    "Secure": "Triage 100% of alerts within {a}h; avoid ${m}M audit exposure",
    "Pipelines": "Close the books {a} days faster; ${m}M of analyst time back",
    "Copilot": "Deflect {a}0% of L1 tickets, worth ${m}M a year",
}
DIVISIONS = (
    "EMEA rollout",
    "North America",
    "Platform team",
    "Payments",
    "Digital channels",
    "Group IT",
    "Data office",
    "Phase 2",
    "Enterprise agreement",
    "Pilot",
    "APAC",
    "Customer support",
)

# (name, kind): kinds are QUAL-9's direct, incumbent, build, do nothing.
COMPETITORS = (
    ("ClearTrace", "direct"),
    ("Vantage Metrics", "incumbent"),
    ("Obsidian Ops", "direct"),
    ("PagerPro", "incumbent"),
    ("Build in-house", "build"),
    ("Status quo", "do nothing"),
)
SOURCES = ("Outbound", "Inbound", "Partner", "Event", "Referral")
LOSS_REASONS = (
    "No decision: stayed with the status quo",
    "Budget frozen for the year",
    "Champion left the company",
    "Price: could not justify the ROI",
    "Went dark after the proposal",
    "Project deprioritised by the new CIO",
)

SELLER_TEAM = ("Tom Okafor (SE)", "Lena Marsh (SE)", "Raj Bose (SE)")

USER_NAMES = (
    "Priya Natarajan", "Marcus Bell", "Maya Chen", "Jordan Alvarez", "Sam Whitfield",
    "Ingrid Holm", "Kwame Mensah", "Lucy Fairbairn", "Ravi Iyer", "Nora Lindgren",
)  # fmt: skip
