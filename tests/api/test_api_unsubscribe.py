"""The public pages behind unsubscribe links, over HTTP: one-click and preference centre."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.api.api_support import TestClient, make_settings

from cortesia.adapters.memory import FrozenClock
from cortesia.api import create_app
from cortesia.domain.vocabulary import Channel, ConsentStatus
from cortesia.engine.hub import Engine

pytestmark = pytest.mark.usefixtures("known_customers")
ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def path_of(engine: Engine, channel: str = "email", purpose: str = "marketing") -> str:
    return f"/u/{engine.unsubscribe.link('C1', channel, purpose).token}"


def events(engine: Engine) -> int:
    return len(list(engine.store.iter_events()))


def status(engine: Engine, channel: Channel = Channel.EMAIL, purpose: str = "marketing") -> str:
    return engine.consent.status("C1", channel, purpose).status.value


def test_one_click_post_opts_out_once_and_answers_200(
    client: TestClient, memory_engine: Engine
) -> None:
    path = path_of(memory_engine)
    first = client.post(path, data=ONE_CLICK)
    again = client.post(path, data=ONE_CLICK)
    assert (first.status_code, again.status_code) == (200, 200)
    assert len(first.content) < 64
    assert events(memory_engine) == 1
    assert status(memory_engine) == "opted_out"
    [event] = memory_engine.store.iter_events()
    assert event.source.value == "unsubscribe_link"
    assert event.evidence["user_agent"] == "testclient"


def test_one_click_accepts_multipart_form_data_as_rfc_8058_allows(
    client: TestClient, memory_engine: Engine
) -> None:
    response = client.post(path_of(memory_engine), files={"List-Unsubscribe": (None, "One-Click")})
    assert response.status_code == 200
    assert status(memory_engine) == "opted_out"


@pytest.mark.parametrize(
    "body",
    [
        {"content": b""},
        {"data": {"List-Unsubscribe": "one-click"}},
        {"data": {"List-Unsubscribe": "One-Click", "extra": "1"}},
        {"content": b"List-Unsubscribe=One-Click", "headers": {"Content-Type": "text/plain"}},
        {"json": {"List-Unsubscribe": "One-Click"}},
        {"files": {"List-Unsubscribe": ("one-click.txt", b"One-Click")}},
    ],
)
def test_any_other_one_click_body_is_400_and_writes_nothing(
    client: TestClient, memory_engine: Engine, body: dict[str, object]
) -> None:
    response = client.post(path_of(memory_engine), **body)  # type: ignore[arg-type]
    assert response.status_code == 400
    assert events(memory_engine) == 0


def test_get_shows_the_preference_centre_without_writing(
    client: TestClient, memory_engine: Engine
) -> None:
    response = client.get(path_of(memory_engine, "sms", "music_video_offers"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["referrer-policy"] == "no-referrer"
    assert '<html lang="en">' in response.text
    assert "Unsubscribe from music video offers" in response.text
    assert "Pause for 30 days" in response.text
    assert events(memory_engine) == 0


@pytest.mark.parametrize(
    ("accept", "query", "lang", "text"),
    [
        ("es-ES,es;q=0.9,en;q=0.8", "", "es", "Pausar 30 días"),
        ("es-MX", "", "es", "Darme de baja de toda la publicidad"),
        ("en-GB,en;q=0.9", "", "en", "Unsubscribe from all marketing"),
        ("fr-FR,es;q=0.7", "", "es", "Tus preferencias"),
        ("de-DE", "", "en", "Your communication preferences"),
        ("es-ES", "?lang=en", "en", "Pause for 7 days"),
        ("en-US", "?lang=es", "es", "Pausar 90 días"),
    ],
)
def test_page_language_follows_accept_language_or_lang(
    client: TestClient, memory_engine: Engine, accept: str, query: str, lang: str, text: str
) -> None:
    response = client.get(path_of(memory_engine) + query, headers={"Accept-Language": accept})
    assert f'<html lang="{lang}">' in response.text
    assert text in response.text


def test_snooze_choice_pauses_and_confirms_in_spanish(
    client: TestClient, memory_engine: Engine, clock: FrozenClock
) -> None:
    response = client.post(
        path_of(memory_engine) + "/choice",
        data={"choice": "snooze_30"},
        headers={"Accept-Language": "es-ES"},
    )
    assert response.status_code == 200
    assert "en pausa hasta el 1 de abril de 2026" in response.text
    assert status(memory_engine) == "snoozed"
    [event] = memory_engine.store.iter_events()
    assert event.until == clock.now() + timedelta(days=30)
    assert event.source.value == "preference_centre"


def test_all_marketing_choice_confirms_in_english(
    client: TestClient, memory_engine: Engine
) -> None:
    response = client.post(path_of(memory_engine) + "/choice", data={"choice": "all_marketing"})
    assert "You will no longer receive marketing on any channel." in response.text
    assert status(memory_engine, Channel.WHATSAPP, "summer_offers") == "opted_out"


def test_an_unknown_choice_is_a_400_page_and_writes_nothing(
    client: TestClient, memory_engine: Engine
) -> None:
    for data in ({"choice": "forever"}, {}):
        response = client.post(path_of(memory_engine) + "/choice", data=data)
        assert response.status_code == 400
        assert response.headers["content-type"].startswith("text/html")
    assert events(memory_engine) == 0


def test_a_tampered_token_gets_a_clear_page_in_its_language_and_writes_nothing(
    client: TestClient, memory_engine: Engine
) -> None:
    good = path_of(memory_engine)
    tampered = good[:-10] + ("B" if good[-10] != "B" else "C") + good[-9:]
    spanish = {"Accept-Language": "es"}
    page = client.get(tampered, headers=spanish)
    assert (page.status_code, "Este enlace no es válido" in page.text) == (400, True)
    assert client.post(tampered, data=ONE_CLICK).status_code == 400
    assert client.post(tampered + "/choice", data={"choice": "topic"}).status_code == 400
    assert client.get("/u/not-a-token").status_code == 400
    assert events(memory_engine) == 0


def test_an_expired_token_is_410_and_writes_nothing(
    client: TestClient, memory_engine: Engine, clock: FrozenClock
) -> None:
    path = path_of(memory_engine)
    clock.advance(timedelta(days=91))
    page = client.get(path)
    assert page.status_code == 410
    assert "This link has expired" in page.text
    assert client.post(path, data=ONE_CLICK).status_code == 410
    assert client.post(path + "/choice", data={"choice": "snooze_7"}).status_code == 410
    assert events(memory_engine) == 0


def test_public_pages_are_rate_limited_per_client(memory_engine: Engine) -> None:
    app = create_app(make_settings(rate_per_minute=3), memory_engine)
    path = path_of(memory_engine)
    with TestClient(app) as client:
        answers = [client.get(path, headers={"Accept-Language": "es"}) for _ in range(4)]
        choice = client.post(path + "/choice", data={"choice": "topic"})
        api = client.get("/healthz")
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    assert int(answers[-1].headers["retry-after"]) >= 1
    assert "Demasiadas solicitudes" in answers[-1].text
    assert choice.status_code == 429
    assert events(memory_engine) == 0
    assert api.status_code == 200


def test_one_click_is_limited_per_link_so_one_mail_server_serves_many_people(
    memory_engine: Engine,
) -> None:
    app = create_app(make_settings(rate_per_minute=2), memory_engine)
    paths = [path_of(memory_engine, "email", f"topic_{n}") for n in range(4)]
    with TestClient(app) as client:
        first_clicks = [client.post(path, data=ONE_CLICK).status_code for path in paths]
        retries = [client.post(paths[0], data=ONE_CLICK).status_code for _ in range(2)]
    assert first_clicks == [200, 200, 200, 200]
    assert retries == [200, 429]
    assert events(memory_engine) == 4


def test_the_consent_state_is_opted_out_after_one_click(
    client: TestClient, memory_engine: Engine
) -> None:
    client.post(path_of(memory_engine, "sms", "marketing"), data=ONE_CLICK)
    assert memory_engine.consent.status("C1", Channel.SMS, "marketing").status is (
        ConsentStatus.OPTED_OUT
    )
    assert status(memory_engine) == "unknown"
