app_name = "experts"

# The desk (issue #4) fills these in.
urlpatterns: list = []
