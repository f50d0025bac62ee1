from urllib.parse import parse_qs, urlparse

from workers import Response, WorkerEntrypoint


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        url = urlparse(request.url)
        query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        return Response.json(
            {"scheme": url.scheme, "host": url.hostname, "path": url.path, "query": query}
        )
