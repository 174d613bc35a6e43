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


def database_url_from(db: str | None, settings: Settings | None = None) -> str:
    """Return the URL for `--db`: a URL as given, a path as a SQLite file, None as the setting."""
    if db is None or db == "":
        return (settings or Settings()).database_url
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser()}"
