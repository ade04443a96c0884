"""The suite runner: executes the numbered notebooks for one cycle into ``runs/<cycle>/``."""

from .params import NotebookParameter, check_parameters, notebook_parameters
from .runner import RunResult, discover_notebooks, run_cycle

__all__ = ["NotebookParameter", "RunResult", "check_parameters", "discover_notebooks",
           "notebook_parameters", "run_cycle"]
