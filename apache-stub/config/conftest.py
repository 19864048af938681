"""Fixtures for the configuration tests (run: /usr/bin/python3 -m pytest -q apache-stub/config)."""
import pytest

from config_apache_server import Server


@pytest.fixture
def server_factory():
    """Makes Server objects and stops and removes every one of them after the test."""
    servers = []

    def make(body, **kwargs):
        server = Server(body, **kwargs)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.cleanup()
