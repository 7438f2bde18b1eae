"""PDF documents in the regions' own layouts. Each module has collect() -> plain data and
render(data) -> PDF bytes; the data's checksum is recorded with the document."""
