"""A person opens an unsubscribe link in a real browser and uses the preference centre."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect
from tests.api.api_support import add_customers
from tests.web.conftest import LiveService

from cortesia.domain.vocabulary import Channel, ConsentStatus

pytestmark = pytest.mark.browser


def status(service: LiveService, customer: str, channel: Channel, purpose: str) -> ConsentStatus:
    return service.engine.consent.status(customer, channel, purpose).status


def test_spanish_visitor_snoozes_for_30_days(live_service: LiveService, browser: Browser) -> None:
    add_customers(live_service.engine, "ES-1")
    link = live_service.engine.unsubscribe.link("ES-1", "email", "marketing")
    context = browser.new_context(locale="es-ES")
    try:
        page = context.new_page()
        page.goto(link.url)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Tus preferencias de comunicación"
        )
        page.get_by_role("button", name="Pausar 30 días").click()
        expect(page.get_by_role("status")).to_contain_text(
            "Los mensajes de publicidad por correo electrónico quedan en pausa hasta el"
        )
    finally:
        context.close()
    assert status(live_service, "ES-1", Channel.EMAIL, "marketing") is ConsentStatus.SNOOZED
    assert status(live_service, "ES-1", Channel.SMS, "marketing") is ConsentStatus.UNKNOWN


def test_english_visitor_leaves_all_marketing(live_service: LiveService, browser: Browser) -> None:
    add_customers(live_service.engine, "EN-1")
    link = live_service.engine.unsubscribe.link("EN-1", "sms", "music_video_offers")
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        page.goto(link.url)
        expect(page.get_by_text("music video offers messages we send you by SMS")).to_be_visible()
        page.get_by_role("button", name="Unsubscribe from all marketing on every channel").click()
        expect(page.get_by_role("status")).to_have_text(
            "You will no longer receive marketing on any channel."
        )
    finally:
        context.close()
    for channel in (Channel.EMAIL, Channel.SMS, Channel.WHATSAPP):
        assert status(live_service, "EN-1", channel, "marketing") is ConsentStatus.OPTED_OUT
    assert live_service.engine.verify_ledger().intact


def test_tampered_link_shows_a_clear_page_and_changes_nothing(
    live_service: LiveService, browser: Browser
) -> None:
    add_customers(live_service.engine, "ES-2")
    token = live_service.engine.unsubscribe.link("ES-2", "email", "marketing").token
    tampered = token[:-10] + ("B" if token[-10] != "B" else "C") + token[-9:]
    context = browser.new_context(locale="es-ES")
    try:
        page = context.new_page()
        response = page.goto(f"{live_service.base_url}/u/{tampered}")
        assert response is not None and response.status == 400
        expect(page.get_by_role("alert")).to_contain_text("No se ha cambiado nada")
        expect(page.get_by_role("button")).to_have_count(0)
    finally:
        context.close()
    assert live_service.engine.consent.history("ES-2") == []


def test_unsubscribed_visitor_sees_where_they_stand_and_a_refresh_changes_nothing(
    live_service: LiveService, browser: Browser
) -> None:
    add_customers(live_service.engine, "EN-2")
    link = live_service.engine.unsubscribe.link("EN-2", "email", "marketing")
    live_service.engine.unsubscribe.one_click(link.token)
    context = browser.new_context(locale="en-GB")
    try:
        page = context.new_page()
        page.goto(link.url)
        expect(page.get_by_role("status")).to_contain_text(
            "You are already unsubscribed from marketing by email."
        )
        expect(page.get_by_role("button")).to_have_count(1)
        page.get_by_role("button", name="Unsubscribe from all marketing on every channel").click()
        expect(page).to_have_url(re.compile(r"/done\?choice=all_marketing&lang=en$"))
        page.reload()
        expect(page.get_by_role("status")).to_have_text(
            "You will no longer receive marketing on any channel."
        )
        page.get_by_role("link", name="Back to your preferences").click()
        expect(page.get_by_text("There is nothing left to unsubscribe from here.")).to_be_visible()
        expect(page.get_by_role("button")).to_have_count(0)
    finally:
        context.close()
    assert len(live_service.engine.consent.history("EN-2")) == 2


def test_api_docs_render_with_nothing_fetched_from_elsewhere(
    live_service: LiveService, browser: Browser
) -> None:
    context = browser.new_context()
    elsewhere: list[str] = []
    try:
        page = context.new_page()
        page.on(
            "request",
            lambda r: None if r.url.startswith(live_service.base_url) else elsewhere.append(r.url),
        )
        page.goto(f"{live_service.base_url}/docs")
        expect(page.get_by_text("/v1/consent-events").first).to_be_visible()
    finally:
        context.close()
    assert elsewhere == []
