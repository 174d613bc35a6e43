"""The shared demo workspace (built once per backend) for the document tests."""

from tests.demo.conftest import demo, demo_builds  # noqa: F401  (fixtures)
