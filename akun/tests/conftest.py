import pytest


@pytest.fixture
def dua_langkah_ditegakkan():
    """Two-step login enforced exactly as in production.

    Requesting this fixture switches off the root conftest's force_login bypass
    (`_force_login_lewati_dua_langkah`), so a force_login session is not verified either.
    """
