"""Isolated execution of developers' Python model jobs and validation of the files they produce."""

from gongshu.sandbox.isolation.bubblewrap import BubblewrapIsolation
from gongshu.sandbox.isolation.ports import Isolation, PyLimits, PyRun

__all__ = ["BubblewrapIsolation", "Isolation", "PyLimits", "PyRun"]
