"""Partnerships, meetings, follow-ups, referrals and deliveries: built on the registries (later issues)."""
