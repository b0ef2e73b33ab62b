from django.shortcuts import redirect


def open_subject_page(request, **kwargs):
    """Every human step is done on the subject's own page (report, contribution, claim).

    The flows are driven by the services in ``tasks.progress``; this view only sends someone who
    follows a viewflow task link to that page.
    """
    return redirect(request.activation.process.artifact.get_absolute_url())
