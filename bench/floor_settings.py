"""Production settings plus the floor views of the benchmarks (``bench/floor_urls.py``).

Only ``bench/burst_bench.py`` serves these settings, through the same gunicorn configuration as
the portal, so that the floor pays for the same server, database connection and middleware.
"""

from portal.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
