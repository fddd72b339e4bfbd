"""Environment defaults for the test run, loaded by pytest (`-p config.testenv`) before Django starts.

pytest-django reads the settings before any conftest.py is imported, so these cannot live there.
Real values given in the environment (CI's DATABASE_URL, REDIS_URL) are kept.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
# WhiteNoise's manifest storage makes live_server answer 404 for static files.
os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright + ORM in live_server tests
