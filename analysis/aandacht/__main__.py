"""python3 -m aandacht report FILE.h5 [MORE.h5 ...] [-o DIR]"""
import sys

from .cli import main

sys.exit(main())
