"""What user code imports. Inside a worker these modules are reachable by their Cloudflare
names: `workers`, `workers.wsgi`, `asgi`, `pyodide.ffi` and `js` (see runtime/_loader.py).
"""
