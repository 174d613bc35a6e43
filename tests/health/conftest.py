"""The health tests read the shared demo workspace (built once per backend, see tests/demo)."""

from tests.demo.conftest import demo, demo_builds, demo_session

__all__ = ["demo", "demo_builds", "demo_session"]
