from fastapi import FastAPI, Request
from pydantic import BaseModel
from workers import WorkerEntrypoint


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        import asgi

        return await asgi.fetch(app, request.js_object, self.env)


app = FastAPI()


class Item(BaseModel):
    name: str
    price: float


@app.get("/")
async def root(req: Request):
    env = req.scope["env"]
    return {"message": f"Hello from {env.APP_NAME}"}


@app.get("/items/{item_id}")
async def read_item(item_id: int, q: str | None = None):
    return {"item_id": item_id, "q": q}


@app.post("/items")
async def create_item(item: Item):
    return {"created": item.name, "price_with_tax": round(item.price * 1.2, 2)}
