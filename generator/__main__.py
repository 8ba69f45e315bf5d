# `python -m generator`: the command line in cli.py. Ctrl-C while the modules are
# still loading (nothing has been done yet) ends quietly, like Ctrl-C later on.
import sys

try:
    from .cli import main
except KeyboardInterrupt:
    print("interrupted", file=sys.stderr)
    raise SystemExit(130) from None

raise SystemExit(main())
