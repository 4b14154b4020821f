"""schemathesis hooks for e2e/api-fuzz.sh (loaded through SCHEMATHESIS_HOOKS).

The run signs in as a dedicated admin account (SLUICE_FUZZ_USER). Changing that
account's role or password could end the run's own session half-way and turn
every later answer into a 401, so cases aimed at it are dropped; every other
account, including the demo's, stays fair game.

A wrong `current_password` (the re-authentication admins give before changing
accounts) counts as a failed sign-in of the run's own account, and a few of them
rightly lock that account out of signing in from 127.0.0.1 for five minutes:
schemathesis could then not renew its session. Such cases are dropped too; the
refusal of a wrong current password is tested in backend/tests/accounts.rs.
"""

import os

import schemathesis

FUZZ_USER = os.environ.get("SLUICE_FUZZ_USER", "").lower()
FUZZ_PASSWORD = os.environ.get("SLUICE_FUZZ_PASSWORD", "")


@schemathesis.hook
def filter_case(context, case):
    name = str((case.path_parameters or {}).get("username", ""))
    if FUZZ_USER and name.strip().lower() == FUZZ_USER:
        return False
    body = case.body if isinstance(case.body, dict) else {}
    given = body.get("current_password")
    return not given or given == FUZZ_PASSWORD
