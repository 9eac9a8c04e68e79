"""Settings for running Haven on one machine (the default: `haven serve`, `make run`)."""

from haven.web.settings.base import *
