from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Joint meetings")

    def ready(self) -> None:
        # The minutes file is an evidence file of the meeting: whoever may see the meeting downloads it.
        from audit.labels import register_states
        from evidence.access import register_owner
        from meetings.access import visible_meetings
        from meetings.models import Decision, Meeting

        register_owner(Meeting, lambda user, meeting: visible_meetings(user).filter(pk=meeting.pk).exists())
        register_states(Decision.State)
