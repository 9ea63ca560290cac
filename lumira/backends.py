"""Django's authentication backend, reading the user with its profiles in the same query."""

from django.contrib.auth import backends, get_user_model


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        # Desk pages read `user.expert`, Sanctuaire pages `user.client_profile`: join both
        # rather than query each on first access.
        users = get_user_model()._default_manager.select_related("expert", "client_profile")
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
