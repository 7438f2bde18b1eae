"""Finnish hyphenation for the PDFs (issue 12): soft hyphens from Voikko, the Finnish language
toolkit, put into the long words of a document's text before WeasyPrint lays it out.

WeasyPrint's `hyphens: auto` hyphenates with pyphen, which has no Finnish dictionary; a soft
hyphen (U+00AD) is a break WeasyPrint honours in any language and prints as "-" only at a line
end. Swedish and English keep `hyphens: auto` and pyphen. Without libvoikko and its Finnish
dictionary (Debian's libvoikko1 and voikko-fi, which scripts/bootstrap installs) the text is
left as it is and a warning is logged once.
"""

import functools
import logging
import re
import threading

log = logging.getLogger(__name__)

SOFT_HYPHEN = "\u00ad"
MIN_LENGTH = 8  # shorter words fit every column the documents have
EDGE = 3
# Text between tags, outside the elements whose content is not laid out as running text
# (a chart's labels are placed by the chart).
_TAG = re.compile(r"(<(style|script|title|svg)\b.*?</\2>|<[^>]*>)",
                  re.DOTALL | re.IGNORECASE)
_WORD = re.compile(rf"[^\W\d_]{{{MIN_LENGTH},}}")
_ENTITY = re.compile(r"&[#\w]+;")

_local = threading.local()  # a Voikko handle is not to be shared between threads


def _voikko():
    if not hasattr(_local, "voikko"):
        _local.voikko = None
        try:
            import libvoikko

            _local.voikko = libvoikko.Voikko("fi")
        except Exception as error:  # the library or the Finnish dictionary is missing
            _warn_unavailable(error)
    return _local.voikko


@functools.cache
def _warn_unavailable(error):
    log.warning("Finnish hyphenation is off: libvoikko with the Finnish dictionary is not "
                "available (%s); install libvoikko1 and voikko-fi", error)


@functools.lru_cache(maxsize=20000)
def hyphenate_word(word: str) -> str:
    """The word with soft hyphens at Voikko's hyphenation points (the word itself if none)."""
    voikko = _voikko()
    if voikko is None:
        return word
    # allowContextChanges=False: only break points, never a spelling changed at the break.
    pieces = voikko.hyphenate(word, SOFT_HYPHEN, False).split(SOFT_HYPHEN)
    out, done = pieces[0], len(pieces[0])
    for piece in pieces[1:]:
        # No break that leaves fewer than EDGE letters on either line ("a-", "-en").
        keep = done >= EDGE and len(word) - done >= EDGE
        out += (SOFT_HYPHEN if keep else "") + piece
        done += len(piece)
    return out


def _hyphenate_text(text: str) -> str:
    # An entity (&amp;, &#39;) is kept whole: only the words around it are hyphenated.
    pieces = _ENTITY.split(text)
    entities = _ENTITY.findall(text)
    out = [_WORD.sub(lambda m: hyphenate_word(m.group()), pieces[0])]
    for entity, piece in zip(entities, pieces[1:], strict=True):
        out += [entity, _WORD.sub(lambda m: hyphenate_word(m.group()), piece)]
    return "".join(out)


def hyphenate_html(html: str, language: str) -> str:
    """The document's HTML with soft hyphens in the long words of its text, for Finnish."""
    if not language.startswith("fi") or _voikko() is None:
        return html
    out, end = [], 0
    for tag in _TAG.finditer(html):
        out += [_hyphenate_text(html[end:tag.start()]), tag.group()]
        end = tag.end()
    out.append(_hyphenate_text(html[end:]))
    return "".join(out)
