"""Shim of the Pyodide names that Cloudflare's Python examples import."""
