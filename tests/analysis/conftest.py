"""Analysis tests; the shared demo workspace for the ones that read it."""

from __future__ import annotations

from tests.demo.conftest import demo, demo_builds, demo_session

__all__ = ["demo", "demo_builds", "demo_session"]
