"""`python -m checker` runs the `checker` command."""

from checker.cli import checker_script

checker_script()
