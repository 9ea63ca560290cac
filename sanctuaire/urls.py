app_name = "sanctuaire"

# The client area (issue #3) fills these in.
urlpatterns: list = []
