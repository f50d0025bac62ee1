"""`hearth dev`: one worker project on localhost, reloaded on save."""

from ._project import DevProject, load_project_config, version_spec_from_config
from ._server import LOCAL_ACCOUNT, DevError, DevServer

__all__ = [
    "LOCAL_ACCOUNT",
    "DevError",
    "DevProject",
    "DevServer",
    "load_project_config",
    "version_spec_from_config",
]
