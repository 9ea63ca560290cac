app_name = "generation"

# The generator callback (issue #4) lands here.
urlpatterns: list = []
