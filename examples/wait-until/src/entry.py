import asyncio
from pathlib import Path

from workers import Response, WorkerEntrypoint


async def record_visit(path: Path) -> None:
    await asyncio.sleep(0.2)  # slow work the client should not wait for
    with path.open("a") as log:
        log.write("visited\n")
    print("visit recorded")


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        self.ctx.waitUntil(record_visit(Path(self.env.VISIT_LOG)))
        return Response("thanks, recording your visit in the background")
