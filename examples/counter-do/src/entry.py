"""A counter per name, with a message log: one Durable Object per name.

GET  /<name>           count a visit (through stub.fetch; KV-style storage)
POST /<name>/messages  add the body to the name's log (RPC; SQL storage)
GET  /<name>/messages  the log, oldest first (RPC)
"""

from workers import DurableObject, Response, WorkerEntrypoint


class Counter(DurableObject):
    def __init__(self, ctx, env):
        super().__init__(ctx, env)
        ctx.storage.sql.exec(
            "CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"
        )

    async def fetch(self, request):
        visits = (await self.ctx.storage.get("visits") or 0) + 1
        await self.ctx.storage.put("visits", visits)
        return Response(f"{visits}")

    async def add_message(self, body):
        self.ctx.storage.sql.exec("INSERT INTO messages (body) VALUES (?)", body)
        return self.ctx.storage.sql.exec("SELECT count(*) AS n FROM messages").one()["n"]

    async def messages(self):
        return [
            row["body"]
            for row in self.ctx.storage.sql.exec("SELECT body FROM messages ORDER BY id")
        ]


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        parts = request.url.split("/", 3)[3].split("?")[0].split("/")
        counter = self.env.COUNTER.getByName(parts[0] or "everyone")
        if parts[1:] == ["messages"]:
            if request.method == "POST":
                return Response(str(await counter.add_message(await request.text())))
            return Response.json(await counter.messages())
        return await counter.fetch(request)
