"""Sign-in: the auth flows and the challenges between them (``docs/auth-flows.md``).

- ``strategy.py``: the interfaces every flow and challenge implements, and the preamble;
- ``machine.py``: the registry and the table of which step may follow which;
- ``sessions.py``: challenges in flight, with typed state;
- one module per strategy: ``password.py``, ``srp.py``, ``refresh.py``, ``new_password.py``;
- MFA: ``mfa.py`` (``MFA_SETUP``, ``SELECT_MFA_TYPE``, ``SOFTWARE_TOKEN_MFA`` and the MFA
  follow-ups), ``codes.py`` (challenges answered with a code the server sends), and
  ``answers.py`` (what their answers share);
- ``service.py``: the entry points.
"""
