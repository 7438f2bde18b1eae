"""The one WeasyPrint call. Its URL fetcher serves the bundled fonts and data: URIs only, so
no text in a report can make the renderer read a local file or call out to the network."""

import logging
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from projects.models import Project
from reports.pdf.hyphenation import hyphenate_html
from reports.selectors.illustrative import holds_illustrative_data

log = logging.getLogger(__name__)
FONT_DIR = (Path(settings.BASE_DIR) / "node_modules" / "@fontsource" / "source-sans-3"
            / "files").resolve()
FONT_SCHEME = "font:"


class SafeURLFetcher(URLFetcher):
    """Fonts from the npm package and data: URIs; everything else is refused and noted."""

    def __init__(self):
        super().__init__(allowed_protocols=("data", "font"), allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith(FONT_SCHEME):
            path = (FONT_DIR / url[len(FONT_SCHEME):].lstrip("/")).resolve()
            if path.parent == FONT_DIR and path.suffix in (".woff", ".woff2") and path.exists():
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": "font/woff"})
        self.refused.append(url)
        log.warning("PDF renderer refused to fetch %s", url[:200])
        raise ValueError(f"refused to fetch {url[:200]}")


def render_html(template: str, context: dict) -> str:
    """The document's HTML, its Finnish text hyphenated by Voikko; a document of a project
    holding illustrative data (the demo's esimerkkiaineisto) says so on its first page."""
    code = (context.get("project") or {}).get("code")
    project = Project.objects.filter(code=code).values_list("pk", flat=True).first() if code else None
    if project is not None and holds_illustrative_data(project_id=project):
        context = {**context, "illustrative": True}
    return hyphenate_html(render_to_string(template, context), translation.get_language() or "fi")


def write_pdf(html: str, fetcher: SafeURLFetcher | None = None) -> bytes:
    """The HTML as a tagged PDF (PDF/UA-1: structure tree, MarkInfo, title, language)."""
    return HTML(string=html, base_url=FONT_SCHEME, url_fetcher=fetcher or SafeURLFetcher()
                ).write_pdf(pdf_variant="pdf/ua-1")


def render_pdf(template: str, context: dict, fetcher: SafeURLFetcher | None = None) -> bytes:
    return write_pdf(render_html(template, context), fetcher)
