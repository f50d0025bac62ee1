from urllib.parse import urlparse

from workers import Response, WorkerEntrypoint

REDIRECTS = {"/docs": "https://developers.cloudflare.com/workers/", "/old": "/new"}


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        url = urlparse(request.url)
        target = REDIRECTS.get(url.path)
        if target is None:
            return Response("no redirect here", status=404)
        if target.startswith("/"):  # Response.redirect needs an absolute URL
            target = f"{url.scheme}://{url.netloc}{target}"
        return Response.redirect(target, 301)
