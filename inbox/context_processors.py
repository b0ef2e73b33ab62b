from django.utils.functional import SimpleLazyObject


def work(request):
    """Whether to show the department queue in the menu (queried only when a template reads it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"heads_a_department": False}
    from inbox.selectors import headed_department_ids

    heads = getattr(user, "heads_a_department", None)  # read with the user (inbox.apps)
    if heads is not None:
        return {"heads_a_department": heads}
    return {"heads_a_department": SimpleLazyObject(lambda: bool(headed_department_ids(user)))}
