from http.cookies import SimpleCookie

from workers import Response, WorkerEntrypoint


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        cookies = SimpleCookie(request.headers.get("cookie") or "")
        visits = int(cookies["visits"].value) + 1 if "visits" in cookies else 1
        response = Response(f"visit number {visits}")
        response.headers.append("set-cookie", f"visits={visits}; Path=/; HttpOnly")
        response.headers.append("set-cookie", "theme=dark; Path=/")
        return response
