import sys

from bench.outside.run import main

sys.exit(main())
