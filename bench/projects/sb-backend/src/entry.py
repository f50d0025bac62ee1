from workers import Response, WorkerEntrypoint


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        if request.method == "POST":  # the HTTP anchor of an RPC call: JSON in, JSON out
            args = await request.json()
            return Response.json(await self.add(*args))
        return Response("Hello from Hearth!")

    async def hello(self):
        return "Hello from Hearth!"

    async def add(self, a, b):
        return a + b
