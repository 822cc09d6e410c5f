"""`python -m checker` runs the `checker` command."""

from checker.cli import main

main()
