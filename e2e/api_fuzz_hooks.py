"""schemathesis hooks for e2e/api-fuzz.sh (loaded through SCHEMATHESIS_HOOKS).

The run signs in as a dedicated admin account (SLUICE_FUZZ_USER). Changing that
account's role or password could end the run's own session half-way and turn
every later answer into a 401, so cases aimed at it are dropped; every other
account, including the demo's, stays fair game.
"""

import os

import schemathesis

FUZZ_USER = os.environ.get("SLUICE_FUZZ_USER", "").lower()


@schemathesis.hook
def filter_case(context, case):
    name = str((case.path_parameters or {}).get("username", ""))
    return not FUZZ_USER or name.strip().lower() != FUZZ_USER
