"""Where the CLI finds its server and token: `HEARTH_URL`/`HEARTH_TOKEN`, else the per-user
config file `hearth login` writes (`$XDG_CONFIG_HOME/hearth/config.toml`, mode 0600)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import tomli_w

from ._errors import CliError

__all__ = ["DEFAULT_URL", "REFUSED", "Login", "config_file", "load_login", "save_login"]

DEFAULT_URL = "http://127.0.0.1:8788"  # `hearth serve`'s admin listener
REFUSED = "the token was refused: run hearth login"


@dataclass(frozen=True, slots=True)
class Login:
    url: str
    token: str
    # Where the token came from, for the one line that says what to do when it is refused.
    refused: str = REFUSED


def config_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "hearth" / "config.toml"


def _read_file() -> dict[str, str]:
    path = config_file()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CliError(f"cannot read {path}: {error}") from None
    return {k: v for k, v in data.items() if isinstance(v, str)}


def load_login() -> Login:
    """The environment variables win over the file, each on its own (a URL from the
    environment and the token from the file is a valid mix)."""
    stored = _read_file()
    url = os.environ.get("HEARTH_URL") or stored.get("url")
    token = os.environ.get("HEARTH_TOKEN")
    refused = "the token in HEARTH_TOKEN was refused: fix or unset HEARTH_TOKEN"
    if not token:
        token, refused = stored.get("token"), REFUSED
    if not url or not token:
        raise CliError("not logged in: run hearth login (or set HEARTH_URL and HEARTH_TOKEN)")
    return Login(url.rstrip("/"), token, refused)


def save_login(login: Login) -> Path:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = tomli_w.dumps({"url": login.url, "token": login.token})
    # Created 0600 from the start: the token is never readable by others, not even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)
    os.chmod(path, 0o600)  # an existing file keeps its mode on open
    return path
