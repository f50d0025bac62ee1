from workers import Response, WorkerEntrypoint


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        if request.method != "POST":
            return Response("POST a JSON body to echo it", status=405, headers={"allow": "POST"})
        try:
            data = await request.json()
        except ValueError:
            return Response.json({"error": "body is not JSON"}, status=400)
        return Response.json({"received": data, "method": request.method})
