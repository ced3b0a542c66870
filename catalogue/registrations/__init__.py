"""Seats and applications: the writes that take and free them (``services``), the member's pages
(``views``) and API (``api``), the emails and invitations they send, and the staff's screens.

The models are ``catalogue.models.registrations``.
"""
