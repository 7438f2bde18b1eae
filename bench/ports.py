"""A free port for a server started on loopback: the load test's gunicorn here, and the
servers of the tests (tests/support.py takes it from here, as bench never imports tests)."""

import socket


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (at the moment of asking)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
