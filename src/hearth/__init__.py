"""Hearth: a self-hosted platform for Workers Services in Python."""

__version__ = "0.1.0"
