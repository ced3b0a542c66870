"""Production settings without ``EarlyCacheMiddleware``: kept pages are answered only after
sessions, authentication and messages have run, as before it existed.

``bench/page_cache_bench.py --without-early`` serves these, to measure what answering early
brings.
"""

from portal.settings.production import *  # noqa: F403
from portal.settings.production import MIDDLEWARE

MIDDLEWARE = [m for m in MIDDLEWARE if m != "catalogue.middleware.EarlyCacheMiddleware"]
