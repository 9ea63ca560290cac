"""The authentication backend: Django's, with the user's profiles read in the same query.

Every desk page needs `user.expert` and every Sanctuaire page `user.client_profile`; loading
them with the session's user saves a query on each of those requests. A user without such a
profile gets the usual `DoesNotExist` on access, without a query.
"""

from django.contrib.auth import backends, get_user_model


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("expert", "client_profile")
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
