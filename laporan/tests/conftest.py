import pytest


@pytest.fixture
def eager_celery(settings):
    """Run tasks in-process, also when the environment names a real broker (REDIS_URL)."""
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    keys = ("task_always_eager", "task_eager_propagates")
    before = {key: app.conf.get(key) for key in keys}
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield app
    app.conf.update(before)
