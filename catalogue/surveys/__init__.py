"""Satisfaction surveys (Qualiopi indicator 30): invitations by email, answers through a signed
link, results and exports for staff."""
