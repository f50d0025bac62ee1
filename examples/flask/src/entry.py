from flask import Flask, jsonify, request
from workers import WorkerEntrypoint
from workers.wsgi import fetch as wsgi_fetch

app = Flask(__name__)


@app.route("/")
def index():
    return f"Hello from Flask, run by {request.environ['env'].OWNER}"


@app.route("/echo", methods=["POST"])
def echo():
    return jsonify(form=request.form.to_dict(), args=request.args.to_dict())


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        return await wsgi_fetch(app, request, self.env)
