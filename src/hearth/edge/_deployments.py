"""Which version of a deployment serves one request.

A deployment is one version at 100 %, or two versions split by percentage. The split is drawn
per request; `Hearth-Version-Key: <anything>` pins every request with the same key to the same
version (for one deployment); `Hearth-Version-Override: <service>="<version>"` (an RFC 8941
dictionary, as Cloudflare's `Cloudflare-Workers-Version-Overrides`) selects a version that is in
the current deployment, and is ignored otherwise.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass

from ..runtime import VERSION_KEY_HEADER as KEY_HEADER
from ..runtime import VERSION_OVERRIDE_HEADER as OVERRIDE_HEADER


@dataclass(frozen=True, slots=True)
class DeployedVersion:
    id: str
    number: int
    percentage: float  # 0–100, fractions honoured (99.5 / 0.5)


@dataclass(frozen=True, slots=True)
class LiveDeployment:
    """The deployment an environment serves right now, as the edge holds it in memory."""

    id: str
    service: str
    versions: tuple[DeployedVersion, ...]

    def pick(self, raw_headers: list[tuple[bytes, bytes]]) -> str:
        versions = self.versions
        if len(versions) == 1:
            # The common case, inline: one pass over the names finds that no override is asked.
            for name, _ in raw_headers:
                if name == OVERRIDE_HEADER:
                    return _override_for(self, raw_headers) or versions[0].id
            return versions[0].id
        override = _override_for(self, raw_headers)
        if override is not None:
            return override
        key = _header(raw_headers, KEY_HEADER)
        if key is not None:
            point = zlib.crc32(self.id.encode() + b"\0" + key) % 10_000 / 100  # 0.00–99.99
        else:
            point = random.random() * 100
        for version in versions:
            point -= version.percentage
            if point < 0:
                return version.id
        return versions[-1].id


def _header(raw_headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for key, value in raw_headers:
        if key == name:
            return value
    return None


def _override_for(deployment: LiveDeployment, raw_headers: list[tuple[bytes, bytes]]) -> str | None:
    value = _header(raw_headers, OVERRIDE_HEADER)
    if value is None:
        return None
    wanted = parse_overrides(value.decode("latin-1")).get(deployment.service)
    if wanted is None:
        return None
    for version in deployment.versions:
        if wanted == version.id or wanted == str(version.number):
            return version.id
    return None  # not in the current deployment: fall back to the split, as Cloudflare does


def parse_overrides(value: str) -> dict[str, str]:
    """The members of an RFC 8941 dictionary whose values are strings (others are skipped)."""
    overrides: dict[str, str] = {}
    for member in _split_members(value):
        name, sep, item = member.partition("=")
        name, item = name.strip(), item.strip()
        if not sep or not name:
            continue
        item = item.split(";", 1)[0].strip() if not item.startswith('"') else item
        if len(item) >= 2 and item[0] == item[-1] == '"':
            overrides[name] = item[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        elif item.isdigit():
            overrides[name] = item
    return overrides


def _split_members(value: str) -> list[str]:
    members: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            members.append("".join(current))
            current = []
            continue
        current.append(char)
    members.append("".join(current))
    return members
