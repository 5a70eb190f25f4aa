"""The agents' back-office, one module per area: signing in, the queues, the case
page, the managers' team view. Every view but the sign-in is behind ``agent_required``."""
