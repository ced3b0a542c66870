"""Extension points for other apps; membership announces, their receivers act on their own data.

``account_deleting(sender=User class, user)``: sent inside the deletion's transaction, before
the account is anonymised; receivers delete or anonymise what they hold about ``user``.

``personal_data_requested(sender=User class, user)``: receivers return ``(key, data)`` with
JSON-serialisable data about ``user``, added to the personal data download under ``key``.
"""

from django.dispatch import Signal

account_deleting = Signal()
personal_data_requested = Signal()
