"""Pure functions that turn a page's printed fields into the archive's article record.
May import its own modules and tables and crawler.items (the raw types it is handed), nothing else.

No I/O, no Scrapy: text in, values out. :func:`normalise_article` is the entry point; the
modules below it each do one job and can be used on their own:

- :mod:`.script` Traditional/Simplified detection and folding (OpenCC);
- :mod:`.dates` absolute, labelled and relative dates;
- :mod:`.bylines` bylines and datelines (with :mod:`.outlets`, :mod:`.places`, :mod:`.names`);
- :mod:`.captions` photo captions and credits;
- :mod:`.text` whitespace, boilerplate and broken paragraphs;
- :mod:`.article` the whole article record.

See docs/NORMALISER.md for the forms handled and those knowingly left unresolved.
"""

from crawler.normalise.article import normalise_article

__all__ = ["normalise_article"]
