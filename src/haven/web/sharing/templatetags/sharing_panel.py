"""`{% gateway_panel_for report user as panel %}`: the case page's gateway panel, so the
case page only has to include `sharing/case_panel.html` (its view passes no context)."""

from __future__ import annotations

from django import template

from haven.web.sharing.selectors import GatewayPanel, gateway_panel

register = template.Library()


@register.simple_tag
def gateway_panel_for(report, user) -> GatewayPanel | None:
    return gateway_panel(user=user, report=report)
