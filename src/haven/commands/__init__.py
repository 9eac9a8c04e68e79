"""Sub-commands of the `haven` command, one module per area."""


class CommandError(Exception):
    """A problem the user can fix; `haven` prints it as one line and exits 2."""
