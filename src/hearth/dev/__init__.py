"""`hearth dev`: one worker project on localhost, reloaded on save."""

from ._project import DevProject, version_spec_from_config
from ._server import DevServer

__all__ = ["DevProject", "DevServer", "version_spec_from_config"]
