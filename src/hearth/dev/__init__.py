"""`hearth dev`: one worker project on localhost, reloaded on save."""

from ._project import DevProject, version_spec_from_config
from ._server import DevError, DevServer

__all__ = ["DevError", "DevProject", "DevServer", "version_spec_from_config"]
