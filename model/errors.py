"""The one error type that bad input raises.

Every message names where the bad input is (a file, a command-line option, a
function argument), the key within it, and what was expected, on one line, so
that the command line can print it as is and exit with status 2.
"""

from __future__ import annotations


class InputError(ValueError):
    """Bad input: an unknown key, a wrong unit, a value out of bounds, malformed YAML.

    Parameters
    ----------
    where : str
        The file or option the bad input came from, e.g. ``params/registry.yaml``
        or ``--set``.
    key : str
        The key within it, e.g. ``parameters.casualties.monthly.unit``.
    expected : str
        What was expected instead, in words, including what was found.
    """

    def __init__(self, where: str, key: str, expected: str):
        self.where = str(where)
        self.key = key
        self.expected = expected
        super().__init__(f"{self.where}: {key}: {expected}")
