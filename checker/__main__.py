"""`python -m checker` runs the `checker` command."""

try:
    from checker.cli import checker_script
except KeyboardInterrupt:  # Ctrl-C as the command is imported: quietly, 128 + SIGINT
    raise SystemExit(130) from None

checker_script()
