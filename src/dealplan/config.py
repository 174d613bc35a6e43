"""Typed settings, read once from the environment and `.env`."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """dealplan's settings; every field can be set as `DEALPLAN_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="DEALPLAN_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///dealplan.db"
    # Imports refuse files larger than this before reading them (PLAT-5: huge files).
    max_import_mb: int = 2048
    # Files with more data rows than this get a progress bar on a terminal (PLAT-6).
    progress_min_rows: int = 10_000
    # Web app (docs/web.md): the cookie-signing secret; empty means one generated and kept in
    # the workspace's settings table on first start.
    secret_key: str = ""
    # Where the web app is reached: links printed by `dealplan serve` and mailed to people.
    base_url: str = "http://127.0.0.1:8000"
    # A deal-room link stops working this many days after it was created (PLAT-3).
    room_days: int = 90
    # Outgoing mail for deal-room notifications and digests (MAP-7); no host, no mail.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "dealplan@localhost"
    smtp_starttls: bool = False
    # Worker processes that build a large `review --json` beside the command; 0 means one
    # fewer than the cores available (none on one core).
    workers: int = 0
    # The admin's password set by `dealplan serve`; empty means generated and printed once.
    admin_password: str = ""


def database_url_from(db: str | None, settings: Settings | None = None) -> str:
    """Return the URL for `--db`: a URL as given, a path as a SQLite file, None as the setting."""
    if db is None or db == "":
        return (settings or Settings()).database_url
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser()}"
