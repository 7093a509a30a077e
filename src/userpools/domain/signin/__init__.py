"""Sign-in: the auth flows and the challenges between them (``docs/auth-flows.md``).

- ``strategy.py``: the interfaces every flow and challenge implements, and the preamble;
- ``machine.py``: the registry and the table of which step may follow which;
- ``sessions.py``: challenges in flight, with typed state;
- one module per strategy: ``password.py``, ``srp.py``, ``refresh.py``, ``new_password.py``;
- ``service.py``: the entry points.
"""
