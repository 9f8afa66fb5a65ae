//! Fault messages in the language a client asks for (ContextHeader ClientLanguage): a
//! sentence per error code, followed by the English detail that names what was wrong. A code
//! without a translation, an unknown language, or none, reads English.
use crate::domain::ErrorCode;
use crate::mail::language;

/// (code, nb-NO, de-DE, fr-FR, es-ES)
type Row = (
    ErrorCode,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const SENTENCES: &[Row] = &[
    (
        ErrorCode::MeetingNotFound,
        "Fant ikke møtet.",
        "Die Besprechung wurde nicht gefunden.",
        "La réunion est introuvable.",
        "No se ha encontrado la reunión.",
    ),
    (
        ErrorCode::SystemNotFound,
        "Fant ikke systemet.",
        "Das System wurde nicht gefunden.",
        "Le système est introuvable.",
        "No se ha encontrado el sistema.",
    ),
    (
        ErrorCode::SystemAlreadyBooked,
        "Systemet er allerede booket i dette tidsrommet.",
        "Das System ist in diesem Zeitraum bereits gebucht.",
        "Le système est déjà réservé sur cette période.",
        "El sistema ya está reservado en ese periodo.",
    ),
    (
        ErrorCode::SystemNotAllowedInBooking,
        "Systemet kan ikke bookes.",
        "Das System darf nicht gebucht werden.",
        "Le système ne peut pas être réservé.",
        "El sistema no se puede reservar.",
    ),
    (
        ErrorCode::MeetingNotActive,
        "Møtet pågår ikke.",
        "Die Besprechung läuft nicht.",
        "La réunion n'est pas en cours.",
        "La reunión no está en curso.",
    ),
    (
        ErrorCode::MeetingIsDeleted,
        "Møtet er slettet.",
        "Die Besprechung wurde gelöscht.",
        "La réunion a été supprimée.",
        "La reunión se ha eliminado.",
    ),
    (
        ErrorCode::MeetingActive,
        "Møtet pågår.",
        "Die Besprechung läuft bereits.",
        "La réunion est en cours.",
        "La reunión está en curso.",
    ),
    (
        ErrorCode::CannotBookInThePast,
        "Kan ikke booke i fortiden.",
        "Buchungen in der Vergangenheit sind nicht möglich.",
        "Impossible de réserver dans le passé.",
        "No se puede reservar en el pasado.",
    ),
    (
        ErrorCode::NoAccessToConference,
        "Du har ikke tilgang til dette møtet.",
        "Sie haben keinen Zugriff auf diese Besprechung.",
        "Vous n'avez pas accès à cette réunion.",
        "No tiene acceso a esta reunión.",
    ),
    (
        ErrorCode::StartTimeAfterMaxNumberOfDaysInFuture,
        "Starttidspunktet er for langt fram i tid.",
        "Die Startzeit liegt zu weit in der Zukunft.",
        "L'heure de début est trop éloignée dans le futur.",
        "La hora de inicio está demasiado lejos en el futuro.",
    ),
    (
        ErrorCode::StartTimeAfterEndTime,
        "Starttidspunktet er etter sluttidspunktet.",
        "Die Startzeit liegt nach der Endzeit.",
        "L'heure de début est postérieure à l'heure de fin.",
        "La hora de inicio es posterior a la hora de finalización.",
    ),
    (
        ErrorCode::InvalidTimezoneInfo,
        "Ugyldige tidssoneregler.",
        "Ungültige Zeitzoneninformationen.",
        "Informations de fuseau horaire non valides.",
        "Información de zona horaria no válida.",
    ),
    (
        ErrorCode::InvalidDatetimeFormat,
        "Ugyldig dato- eller tidsformat.",
        "Ungültiges Datums- oder Zeitformat.",
        "Format de date ou d'heure non valide.",
        "Formato de fecha u hora no válido.",
    ),
    (
        ErrorCode::ConcurrentModification,
        "Møtet er endret av noen andre; les det på nytt før du lagrer.",
        "Die Besprechung wurde zwischenzeitlich geändert; laden Sie sie vor dem Speichern neu.",
        "La réunion a été modifiée entre-temps ; relisez-la avant d'enregistrer.",
        "La reunión se ha modificado entretanto; vuelva a leerla antes de guardar.",
    ),
    (
        ErrorCode::NotEnoughMcuResources,
        "Ingen bro har plass til møtet.",
        "Keine Brücke hat Platz für die Besprechung.",
        "Aucun pont n'a la capacité d'accueillir la réunion.",
        "Ningún puente tiene capacidad para la reunión.",
    ),
    (
        ErrorCode::ParticipantError,
        "Feil ved en deltaker.",
        "Fehler bei einem Teilnehmer.",
        "Erreur concernant un participant.",
        "Error en un participante.",
    ),
    (
        ErrorCode::InstanceNotFoundWithinPattern,
        "Fant ikke forekomsten i serien.",
        "Der Termin wurde in der Serie nicht gefunden.",
        "L'occurrence est introuvable dans la série.",
        "No se ha encontrado la instancia en la serie.",
    ),
    (
        ErrorCode::UnsupportedRecurrence,
        "Gjentakelsesmønsteret støttes ikke.",
        "Das Wiederholungsmuster wird nicht unterstützt.",
        "Ce modèle de périodicité n'est pas pris en charge.",
        "No se admite este patrón de periodicidad.",
    ),
    (
        ErrorCode::UserNotFound,
        "Fant ikke brukeren.",
        "Der Benutzer wurde nicht gefunden.",
        "L'utilisateur est introuvable.",
        "No se ha encontrado el usuario.",
    ),
    (
        ErrorCode::Unknown,
        "Forespørselen kunne ikke behandles.",
        "Die Anfrage konnte nicht bearbeitet werden.",
        "La demande n'a pas pu être traitée.",
        "No se ha podido procesar la solicitud.",
    ),
];

/// The message of a fault with `code` and English `message`, in `asked`.
pub fn localized(code: ErrorCode, asked: Option<&str>, message: &str) -> String {
    let languages: Vec<String> = language::BUILT_IN
        .iter()
        .map(|(c, _)| c.to_string())
        .collect();
    let Some(lang) = asked.and_then(|a| language::matching(a, &languages)) else {
        return message.to_string();
    };
    let Some(row) = SENTENCES.iter().find(|r| r.0 == code) else {
        return message.to_string();
    };
    let sentence = match lang {
        "nb-NO" => row.1,
        "de-DE" => row.2,
        "fr-FR" => row.3,
        "es-ES" => row.4,
        _ => return message.to_string(),
    };
    format!("{sentence} ({message})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_read_in_the_asked_language_with_the_english_detail() {
        let detail = "Conference 42 does not exist.";
        let table = [
            (
                Some("nb-NO"),
                "Fant ikke møtet. (Conference 42 does not exist.)",
            ),
            (
                Some("nb"),
                "Fant ikke møtet. (Conference 42 does not exist.)",
            ),
            (
                Some("de-DE"),
                "Die Besprechung wurde nicht gefunden. (Conference 42 does not exist.)",
            ),
            (Some("en-US"), detail),
            (Some("ja-JP"), detail),
            (Some(""), detail),
            (None, detail),
        ];
        for (asked, want) in table {
            assert_eq!(localized(ErrorCode::MeetingNotFound, asked, detail), want);
        }
        // A code without a translation reads English.
        assert_eq!(
            localized(ErrorCode::ClientSessionBlank, Some("nb-NO"), "blank"),
            "blank"
        );
    }
}
