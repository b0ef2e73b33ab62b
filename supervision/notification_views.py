from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def notification_list(request: HttpRequest) -> HttpResponse:
    return render(request, "supervision/notification_list.html", {})
