"""The API docs (Swagger UI at /docs, ReDoc at /redoc) and the favicon, served by the service
itself: government intranets are usually offline, and FastAPI's default pages load their
scripts from a CDN (blank pages without internet).

The Swagger UI and ReDoc bundles come from the ``fastapi-offline`` package (kept up to date with
both projects' releases); the pages are FastAPI's own, following its documented self-hosting
recipe (``docs_url=None``, then ``get_swagger_ui_html``/``get_redoc_html`` with local URLs).
"""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent / "static"
DOCS_ASSETS_URL = "/static-docs"  # the bundles of the fastapi-offline package
FAVICON_SVG = "/static/favicon.svg"
# Nothing on the docs pages may reach off the service: ReDoc's sidebar shows an attribution logo
# from a CDN (it hides itself when that fails); the policy stops the browser from even trying.
OFFLINE_CSP = (
    "default-src 'self'; img-src 'self' data:; font-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; connect-src 'self'"
)


def docs_assets_dir() -> Path:
    """The folder of swagger-ui-bundle.js, swagger-ui.css and redoc.standalone.js."""
    import fastapi_offline

    return Path(fastapi_offline.__file__).resolve().parent / "static"


def offline(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = OFFLINE_CSP
    return page


def install_docs(app: FastAPI) -> None:
    """Mount the assets and add /docs, /docs/oauth2-redirect, /redoc and /favicon.ico. The app
    must be created with ``docs_url=None, redoc_url=None``."""
    app.mount(DOCS_ASSETS_URL, StaticFiles(directory=docs_assets_dir()), name="docs-assets")
    router = APIRouter(include_in_schema=False)
    oauth2_url = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"

    def root(request: Request) -> str:
        return request.scope.get("root_path", "")

    @router.get("/docs")
    async def swagger_ui(request: Request) -> HTMLResponse:
        r = root(request)
        return offline(get_swagger_ui_html(
            openapi_url=f"{r}{app.openapi_url}",
            title=f"{app.title} · API",
            oauth2_redirect_url=f"{r}{oauth2_url}",
            swagger_js_url=f"{r}{DOCS_ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{r}{DOCS_ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{r}{FAVICON_SVG}",
            swagger_ui_parameters=app.swagger_ui_parameters,
        ))

    @router.get(oauth2_url)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @router.get("/redoc")
    async def redoc(request: Request) -> HTMLResponse:
        r = root(request)
        return offline(get_redoc_html(
            openapi_url=f"{r}{app.openapi_url}",
            title=f"{app.title} · API",
            redoc_js_url=f"{r}{DOCS_ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{r}{FAVICON_SVG}",
            with_google_fonts=False,  # fonts.googleapis.com is not reachable offline
        ))

    @router.get("/favicon.ico")
    async def favicon() -> FileResponse:
        return FileResponse(STATIC_DIR / "favicon.ico", media_type="image/x-icon")

    app.include_router(router)
