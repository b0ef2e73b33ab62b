from django.contrib.auth import views as auth_views


class LoginView(auth_views.LoginView):
    """The login page; in DEBUG the demo app lists its accounts there (never otherwise)."""

    redirect_authenticated_user = True
