"""No models. The module exists because Django sends `post_migrate` only to apps that have
one, and this app grants the site's role the tables after each migration (`roles.py`)."""
