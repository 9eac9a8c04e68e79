from django.urls import path

from haven.web.ledger import views

app_name = "ledger"

urlpatterns = [
    path("", views.log_view, name="log"),
    path("checkpoint", views.checkpoint_view, name="checkpoint"),
    path("vkey", views.vkey_view, name="vkey"),
    path("tile/<path:path>", views.tile_view, name="tile"),
]
