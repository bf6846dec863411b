"""The API documentation (/docs): Swagger UI served from this origin.

FastAPI's default page loads Swagger UI from a CDN and starts it with an inline script, which would
need ``'unsafe-inline'`` and a third-party origin in the policy of the origin that holds interview
tokens. Here the assets (Swagger UI 5, which reads OpenAPI 3.1) come from the ``fastapi-offline``
package and the start-up code from
``web/static/js/docs.js``, so the page runs under a same-origin policy with no inline script.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pathlib import Path

import fastapi_offline

ASSETS = "/docs-assets"
SWAGGER_UI = Path(fastapi_offline.__file__).parent / "static"


def install(app: FastAPI, assets_url: str) -> None:
    app.mount(ASSETS, StaticFiles(directory=SWAGGER_UI), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Viva API</title>"
            f"<link rel=\"icon\" href=\"{ASSETS}/favicon.png\">"
            f"<link rel=\"stylesheet\" href=\"{ASSETS}/swagger-ui.css\"></head><body><div id=\"swagger-ui\"></div>"
            f"<script src=\"{ASSETS}/swagger-ui-bundle.js\"></script>"
            f"<script src=\"{assets_url}/js/docs.js\"></script></body></html>"
        )
