# `python -m generator`: the command line in cli.py. Ctrl-C while the modules are
# still loading or the arguments are read (nothing has been done yet) ends quietly,
# like Ctrl-C later on, which main() reports itself.
import sys

try:
    from .cli import main

    code = main()
except KeyboardInterrupt:
    print("interrupted", file=sys.stderr)
    raise SystemExit(130) from None

raise SystemExit(code)
