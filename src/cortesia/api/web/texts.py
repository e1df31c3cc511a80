"""What the public pages say, in Spanish and English."""

from __future__ import annotations

from datetime import datetime

LANGUAGES = ("en", "es")

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Your communication preferences",
        "intro": "This link manages the {purpose} messages we send you by {channel}.",
        "now": "Right now",
        "now_out": "You are already unsubscribed from {purpose} by {channel}.",
        "now_snoozed": "Messages about {purpose} by {channel} are paused until {date}.",
        "now_open": "You have not unsubscribed from {purpose} by {channel}.",
        "all_out": "You are already unsubscribed from all marketing on every channel.",
        "all_snoozed": "All marketing on every channel is paused until {date}.",
        "all_open": "You have not unsubscribed from all marketing.",
        "erased": "Your data was erased at your request, so we send you nothing on any "
        "channel. There is nothing to change here.",
        "choose": "What would you like to do?",
        "topic": "Unsubscribe from {purpose} by {channel}",
        "all_marketing": "Unsubscribe from all marketing on every channel",
        "all_marketing_hint": "Email, SMS, calls, WhatsApp, notifications and post.",
        "pause": "Or pause {purpose} messages by {channel}",
        "snooze_7": "Pause for 7 days",
        "snooze_30": "Pause for 30 days",
        "snooze_90": "Pause for 90 days",
        "nothing_left": "There is nothing left to unsubscribe from here.",
        "switch": "Español",
        "done_title": "Done",
        "done_topic": "You have unsubscribed from {purpose} by {channel}.",
        "done_all_marketing": "You will no longer receive marketing on any channel.",
        "done_snooze": "Messages about {purpose} by {channel} are paused until {date}.",
        "done_snooze_while_out": "You stay unsubscribed from {purpose} by {channel}, so "
        "nothing was paused.",
        "done_note": "Thank you for letting us know. You can close this page.",
        "back": "Back to your preferences",
        "bad-token_title": "This link is not valid",
        "bad-token_body": "It may have been copied incompletely. Nothing has been changed.",
        "expired-token_title": "This link has expired",
        "expired-token_body": "Links stop working after a while to protect you. Nothing has "
        "been changed. Please use the link in a more recent message.",
        "rate-limited_title": "Too many requests",
        "rate-limited_body": "Please wait a minute and try again. Nothing has been changed.",
        "validation_title": "We could not understand the request",
        "validation_body": "Nothing has been changed. Please go back and choose an option.",
        "other_title": "Something went wrong",
        "other_body": "Nothing has been changed. Please try again later.",
    },
    "es": {
        "title": "Tus preferencias de comunicación",
        "intro": "Este enlace gestiona los mensajes de {purpose} que te enviamos por {channel}.",
        "now": "Ahora mismo",
        "now_out": "Ya te has dado de baja de {purpose} por {channel}.",
        "now_snoozed": "Los mensajes de {purpose} por {channel} están en pausa hasta el {date}.",
        "now_open": "No te has dado de baja de {purpose} por {channel}.",
        "all_out": "Ya te has dado de baja de toda la publicidad por todos los canales.",
        "all_snoozed": "Toda la publicidad por todos los canales está en pausa hasta el {date}.",
        "all_open": "No te has dado de baja de toda la publicidad.",
        "erased": "Tus datos se borraron a petición tuya, así que no te enviamos nada por "
        "ningún canal. No hay nada que cambiar aquí.",
        "choose": "¿Qué quieres hacer?",
        "topic": "Darme de baja de {purpose} por {channel}",
        "all_marketing": "Darme de baja de toda la publicidad por todos los canales",
        "all_marketing_hint": "Correo electrónico, SMS, llamadas, WhatsApp, notificaciones y "
        "correo postal.",
        "pause": "O pausa los mensajes de {purpose} por {channel}",
        "snooze_7": "Pausar 7 días",
        "snooze_30": "Pausar 30 días",
        "snooze_90": "Pausar 90 días",
        "nothing_left": "No queda nada de lo que darte de baja aquí.",
        "switch": "English",
        "done_title": "Hecho",
        "done_topic": "Te has dado de baja de {purpose} por {channel}.",
        "done_all_marketing": "Ya no recibirás publicidad por ningún canal.",
        "done_snooze": "Los mensajes de {purpose} por {channel} quedan en pausa hasta el {date}.",
        "done_snooze_while_out": "Sigues de baja de {purpose} por {channel}, así que no se ha "
        "pausado nada.",
        "done_note": "Gracias por decírnoslo. Ya puedes cerrar esta página.",
        "back": "Volver a tus preferencias",
        "bad-token_title": "Este enlace no es válido",
        "bad-token_body": "Puede que se haya copiado de forma incompleta. No se ha cambiado nada.",
        "expired-token_title": "Este enlace ha caducado",
        "expired-token_body": "Los enlaces dejan de funcionar pasado un tiempo para protegerte. "
        "No se ha cambiado nada. Usa el enlace de un mensaje más reciente.",
        "rate-limited_title": "Demasiadas solicitudes",
        "rate-limited_body": "Espera un minuto y vuelve a intentarlo. No se ha cambiado nada.",
        "validation_title": "No hemos podido entender la solicitud",
        "validation_body": "No se ha cambiado nada. Vuelve atrás y elige una opción.",
        "other_title": "Algo ha fallado",
        "other_body": "No se ha cambiado nada. Inténtalo de nuevo más tarde.",
    },
}

CHANNELS: dict[str, dict[str, str]] = {
    "en": {
        "sms": "SMS",
        "email": "email",
        "voice": "phone calls",
        "push": "push notifications",
        "whatsapp": "WhatsApp",
        "in_app": "in-app messages",
        "mail": "post",
        "all": "any channel",
    },
    "es": {
        "sms": "SMS",
        "email": "correo electrónico",
        "voice": "llamadas",
        "push": "notificaciones push",
        "whatsapp": "WhatsApp",
        "in_app": "mensajes en la app",
        "mail": "correo postal",
        "all": "cualquier canal",
    },
}

PURPOSES: dict[str, dict[str, str]] = {
    "en": {
        "marketing": "marketing",
        "service": "service",
        "third_party": "partner offers",
        "profiling": "personalisation",
        "all": "all",
    },
    "es": {
        "marketing": "publicidad",
        "service": "servicio",
        "third_party": "ofertas de terceros",
        "profiling": "personalización",
        "all": "todos los temas",
    },
}

_MONTHS = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "es": (
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ),
}


def channel_label(lang: str, channel: str) -> str:
    return CHANNELS[lang].get(channel, channel)


def purpose_label(lang: str, purpose: str) -> str:
    """A built-in purpose in words, or a topic with spaces (``music video offers``)."""
    return PURPOSES[lang].get(purpose, purpose.replace("_", " "))


def date_label(lang: str, moment: datetime) -> str:
    """``30 April 2026`` or ``30 de abril de 2026`` (UTC date)."""
    month = _MONTHS[lang][moment.month - 1]
    if lang == "es":
        return f"{moment.day} de {month} de {moment.year}"
    return f"{moment.day} {month} {moment.year}"


def choose_language(accept_language: str, override: str | None) -> str:
    """``es`` or ``en``: the ``lang`` override, else the best of Accept-Language.

    >>> choose_language("fr-FR, es-ES;q=0.8, en;q=0.5", None)
    'es'
    >>> choose_language("es-MX", "en")
    'en'
    >>> choose_language("de", None)
    'en'
    """
    if override in LANGUAGES:
        return str(override)
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        ranked.append((-weight, index, tag.strip().lower()))
    for negative_weight, _, tag in sorted(ranked):
        if negative_weight < 0 and tag[:2] in LANGUAGES:
            return tag[:2]
    return "en"
