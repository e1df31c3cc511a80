"""The preference centre shows where the person stands and adapts its choices."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from tests.api.api_support import TestClient

from cortesia.adapters.memory import FrozenClock
from cortesia.engine.hub import Engine

pytestmark = pytest.mark.usefixtures("known_customers")
ONE_CLICK = {"List-Unsubscribe": "One-Click"}
SPANISH = {"Accept-Language": "es-ES"}


def path_of(engine: Engine, channel: str = "email", purpose: str = "marketing") -> str:
    return f"/u/{engine.unsubscribe.link('C1', channel, purpose).token}"


def buttons(html: str) -> list[str]:
    return re.findall(r'name="choice" value="([a-z_0-9]+)"', html)


def events(engine: Engine) -> int:
    return len(list(engine.store.iter_events()))


def record(engine: Engine, channel: str, purpose: str, kind: str) -> None:
    engine.consent.record(
        {"customer_id": "C1", "channel": channel, "purpose": purpose, "kind": kind}
    )


def test_a_fresh_page_says_nothing_was_unsubscribed_and_labels_each_choice(
    client: TestClient, memory_engine: Engine
) -> None:
    page = client.get(path_of(memory_engine, "sms", "music_video_offers")).text
    assert "You have not unsubscribed from music video offers by SMS." in page
    assert "You have not unsubscribed from all marketing." in page
    assert "Unsubscribe from music video offers by SMS</button>" in page
    assert "Unsubscribe from all marketing on every channel</button>" in page
    assert buttons(page) == ["topic", "all_marketing", "snooze_7", "snooze_30", "snooze_90"]


def test_someone_opted_out_of_all_marketing_is_told_so_and_offered_nothing_more(
    client: TestClient, memory_engine: Engine
) -> None:
    record(memory_engine, "all", "marketing", "opt_out")
    page = client.get(path_of(memory_engine)).text
    assert "You are already unsubscribed from marketing by email." in page
    assert "You are already unsubscribed from all marketing on every channel." in page
    assert buttons(page) == []
    assert "There is nothing left to unsubscribe from here." in page
    spanish = client.get(path_of(memory_engine), headers=SPANISH).text
    assert "Ya te has dado de baja de toda la publicidad por todos los canales." in spanish


def test_after_one_click_the_page_still_offers_all_marketing_but_no_pause(
    client: TestClient, memory_engine: Engine
) -> None:
    path = path_of(memory_engine)
    client.post(path, data=ONE_CLICK)
    page = client.get(path).text
    assert "You are already unsubscribed from marketing by email." in page
    assert "You have not unsubscribed from all marketing." in page
    assert buttons(page) == ["all_marketing"]


def test_a_service_link_keeps_its_own_choice_when_all_marketing_is_off(
    client: TestClient, memory_engine: Engine
) -> None:
    record(memory_engine, "all", "marketing", "opt_out")
    page = client.get(path_of(memory_engine, "email", "service")).text
    assert "You have not unsubscribed from service by email." in page
    assert buttons(page) == ["topic", "snooze_7", "snooze_30", "snooze_90"]


def test_a_paused_scope_shows_until_when_in_spanish(
    client: TestClient, memory_engine: Engine
) -> None:
    path = path_of(memory_engine)
    client.post(path + "/choice", data={"choice": "snooze_7"})
    page = client.get(path, headers=SPANISH).text
    expected = "Los mensajes de publicidad por correo electrónico están en pausa hasta el 9 de"
    assert expected + " marzo de 2026." in page


def test_a_choice_redirects_to_a_confirmation_that_a_refresh_does_not_resubmit(
    client: TestClient, memory_engine: Engine
) -> None:
    path = path_of(memory_engine)
    posted = client.post(path + "/choice?lang=es", data={"choice": "topic"}, follow_redirects=False)
    assert posted.status_code == 303
    assert posted.headers["location"] == f"{path}/done?choice=topic&lang=es"
    assert posted.headers["referrer-policy"] == "no-referrer"
    first = client.get(posted.headers["location"])
    again = client.get(posted.headers["location"])
    assert first.text == again.text
    assert "Te has dado de baja de publicidad por correo electrónico." in first.text
    assert f'<a href="{path}?lang=es">Volver a tus preferencias</a>' in first.text
    assert events(memory_engine) == 1


def test_a_pause_chosen_while_unsubscribed_says_the_person_stays_unsubscribed(
    client: TestClient, memory_engine: Engine
) -> None:
    path = path_of(memory_engine)
    client.post(path, data=ONE_CLICK)
    english = client.post(path + "/choice", data={"choice": "snooze_30"})
    assert "You stay unsubscribed from marketing by email, so nothing was paused." in english.text
    assert "paused until" not in english.text
    spanish = client.post(path + "/choice", data={"choice": "snooze_30"}, headers=SPANISH)
    assert "Sigues de baja de publicidad por correo electrónico" in spanish.text
    assert events(memory_engine) == 1


def test_the_confirmation_refuses_an_unknown_choice(
    client: TestClient, memory_engine: Engine
) -> None:
    response = client.get(path_of(memory_engine) + "/done?choice=forever")
    assert response.status_code == 400
    assert client.get(path_of(memory_engine) + "/done").status_code == 400


def test_a_link_issued_before_an_erasure_says_so_and_records_nothing(
    client: TestClient, memory_engine: Engine
) -> None:
    path = path_of(memory_engine)
    memory_engine.erase("C1")
    page = client.get(path)
    assert page.status_code == 200
    assert "Your data was erased at your request" in page.text
    assert buttons(page.text) == []
    assert client.post(path, data=ONE_CLICK).status_code == 200
    done = client.post(path + "/choice", data={"choice": "snooze_90"}, headers=SPANISH)
    assert "Tus datos se borraron a petición tuya" in done.text
    assert events(memory_engine) == 1  # the erasure itself


def test_head_answers_like_get_without_a_body_or_a_write(
    client: TestClient, memory_engine: Engine, clock: FrozenClock
) -> None:
    path = path_of(memory_engine)
    head = client.head(path)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == client.get(path).headers["content-type"]
    assert head.headers["referrer-policy"] == "no-referrer"
    assert client.head("/u/not-a-token").status_code == 400
    clock.advance(timedelta(days=91))
    assert client.head(path).status_code == 410
    assert events(memory_engine) == 0
