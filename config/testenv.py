"""Environment defaults for the test run, loaded by pytest (`-p config.testenv`) before Django starts.

pytest-django reads the settings before any conftest.py is imported, so these cannot live there.
Real values given in the environment (CI's DATABASE_URL, REDIS_URL) are kept.
"""

import os

# Long enough for the production refusal in settings (50+ characters, not "django-insecure-…").
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789-abcdefghij")
# DEBUG is off in tests, so settings refuse to start without hosts (the test client uses "testserver").
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# WhiteNoise's manifest storage makes live_server answer 404 for static files.
os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright + ORM in live_server tests
