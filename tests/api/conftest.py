"""API tests use the isolated clients of the web tests (see tests/views/conftest.py)."""
from tests.views.conftest import client, new_client  # noqa: F401  (fixtures)
