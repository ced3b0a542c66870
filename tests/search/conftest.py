import pytest


@pytest.fixture(autouse=True)
def static_root(settings, tmp_path):
    # WhiteNoise warns (an error here) when STATIC_ROOT does not exist; tests never collect static.
    settings.STATIC_ROOT = tmp_path
