import sys

from taskmining.cli import main

sys.exit(main())
