"""Haven: safe crime reporting and a verified data-sharing firewall for police forces."""

__version__ = "0.1.0"
