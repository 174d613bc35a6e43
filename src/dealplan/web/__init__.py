"""The web app: seller pages, the buyer's deal room and the REST API (FastAPI + HTMX)."""
