"""Cursor pagination in id order: stable under inserts (new rows get larger ids, so a pull
that pages to the end misses nothing), and as fast on the last page as on the first."""

from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import CursorPagination


class ApiCursorPagination(CursorPagination):
    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    page_size_query_description = _("Rows per page (default 100, at most 1000).")
    max_page_size = 1000
    cursor_query_description = _("Opaque position from the `next` or `previous` link.")

    def get_paginated_response_schema(self, schema):
        return _describe(super().get_paginated_response_schema(schema))


class LargeCursorPagination(ApiCursorPagination):
    page_size = 1000
    page_size_query_description = _("Rows per page (default 1000, at most 10000).")
    max_page_size = 10000


def _describe(schema: dict) -> dict:
    properties = schema["properties"]
    properties["next"]["description"] = str(_("The next page, or null on the last page."))
    properties["previous"]["description"] = str(_(
        "The previous page, or null on the first page."))
    properties["results"]["description"] = str(_("The rows of this page."))
    return schema
