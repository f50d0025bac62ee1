"""Hostname normalisation, shared by route patterns and the routing table.

Two entry points with different jobs:

* `canonical_hostname` is strict and runs when configuration is written (a route pattern, a
  custom domain, a generated hostname): it validates and returns the one spelling the table
  stores — lower-case ASCII, IDNA (UTS #46) A-labels, no trailing dot, no port.
* `request_host` is lenient and runs on every request: it brings a `Host` header to the same
  spelling as cheaply as possible (one `isascii` check and a `lower` on the common path) and never
  raises; a host it cannot make sense of comes back as `""`, which matches nothing.
"""

from __future__ import annotations

import idna

__all__ = ["canonical_hostname", "request_host"]

# Letters, digits and '-' (RFC 1123), plus '_' which real DNS names carry (e.g. service records)
# and which Cloudflare accepts in proxied hostnames.
_LABEL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")
_MAX_HOST = 253
_MAX_LABEL = 63


def canonical_hostname(host: str) -> str:
    """Validate `host` and return its canonical form; raise `ValueError` saying why not.

    `Bücher.Example.` → `xn--bcher-kva.example`. Ports, wildcards, IP-literal brackets and
    userinfo are rejected: a hostname here is a DNS name and nothing else.
    """
    if not host:
        raise ValueError("the host is empty")
    if ":" in host:
        raise ValueError("a port is not allowed (routing ignores the port of a request)")
    if host.endswith("."):
        # The fully qualified spelling names the same host.
        host = host[:-1]
    if host.isascii():
        name = host.lower()
    else:
        try:
            name = idna.encode(host, uts46=True).decode("ascii")
        except UnicodeError as exc:  # idna.IDNAError is a UnicodeError
            raise ValueError(
                f"{host!r} is not a valid internationalised domain name ({exc})"
            ) from None
    if len(name) > _MAX_HOST:
        raise ValueError(f"the host is longer than {_MAX_HOST} characters")
    for label in name.split("."):
        _check_label(label)
    return name


def _check_label(label: str) -> None:
    if not label:
        raise ValueError("the host has an empty label")
    if len(label) > _MAX_LABEL:
        raise ValueError(f"the host label {label[:20]!r}… is longer than {_MAX_LABEL} characters")
    if not _LABEL_CHARS.issuperset(label):
        bad = next(c for c in label if c not in _LABEL_CHARS)
        raise ValueError(f"the host contains the invalid character {bad!r}")
    if label[0] == "-" or label[-1] == "-":
        raise ValueError(f"the host label {label!r} starts or ends with '-'")
    if label.startswith("xn--"):
        # An A-label must decode, or two spellings of "the same" host could coexist.
        try:
            idna.decode(label)
        except UnicodeError:
            raise ValueError(f"the host label {label!r} is not valid punycode") from None


def request_host(host: str) -> str:
    """The canonical spelling of a request's `Host` (port and trailing dot removed).

    Never raises: returns `""` for a host that cannot be encoded, so it simply matches nothing.
    """
    if ":" in host:
        if host.startswith("["):
            # IPv6 literal: "[::1]:8787" → "[::1]". Such hosts only ever hit the exact dicts.
            end = host.find("]")
            host = host[: end + 1] if end > 0 else host
        else:
            host = host[: host.rfind(":")]
    if host.endswith("."):
        host = host[:-1]
    if host.isascii():
        return host.lower()
    # Browsers send A-labels already; a raw U-label Host is rare, so IDNA's cost is off the
    # common path.
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except UnicodeError:
        return ""
