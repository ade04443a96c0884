"""churn-workbench: survival analysis, vendor scoring and pilot evaluation for CS teams."""

from .errors import ConfigError, InputError, InsufficientDataError, ModelFitError, Problem, WorkbenchError

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "InputError",
    "InsufficientDataError",
    "ModelFitError",
    "Problem",
    "WorkbenchError",
    "__version__",
]
