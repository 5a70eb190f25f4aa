from .models import Agent


def agent_for(user) -> Agent | None:
    """The active Agent record of a signed-in user, or None for citizens and anonymous users."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        agent = user.agent
    except Agent.DoesNotExist:
        return None
    return agent if agent.is_active else None
