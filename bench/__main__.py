"""python -m bench (from the checkout's top folder): see bench/__init__.py."""
import sys

from bench import main

sys.exit(main())
