"""The demo workspace: accounts, committees, deals, MAPs and months of history (`dealplan demo`).

The plan is made by pure modules from `random.Random(seed)` and a day; `service` plays it
through the ORM inside `recording(...)` so the history is real.
"""

from dealplan.demo.generate import ARCHETYPES
from dealplan.demo.service import DemoManifest, build_demo

__all__ = ["ARCHETYPES", "DemoManifest", "build_demo"]
