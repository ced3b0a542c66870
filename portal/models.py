"""No models: this module only makes ``migrate`` send this app its ``post_migrate`` signal, on
which apps.py creates the cache table."""
