"""`python -m helpers.cli ...`: the p06 command."""

import sys

from helpers.cli.main import main

sys.exit(main())
