import sys

from bench.kb.runner import main

sys.exit(main())
