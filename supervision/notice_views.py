from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def notice_list(request: HttpRequest) -> HttpResponse:
    return render(request, "supervision/notice_list.html", {})
