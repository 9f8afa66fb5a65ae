//! What mail says in words that are not the templates' own: dates and times, and how a series
//! recurs, in each built-in language (others read English).
use crate::domain::recurrence::{Frequency, Pattern, PatternEnd};
use chrono::{Datelike, Days, Locale, NaiveDate, NaiveDateTime, Weekday};

/// A built-in language: the locale that names its weekdays and months, and the few words a
/// series needs besides.
struct Language {
    tag: &'static str,
    code: &'static str,
    locale: Locale,
    /// first, second, third, fourth; then last.
    positions: [&'static str; 5],
    and: &'static str,
}

const LANGUAGES: [Language; 5] = [
    Language {
        tag: "en-US",
        code: "en",
        locale: Locale::en_US,
        positions: ["first", "second", "third", "fourth", "last"],
        and: "and",
    },
    Language {
        tag: "nb-NO",
        code: "nb",
        locale: Locale::nb_NO,
        positions: ["første", "andre", "tredje", "fjerde", "siste"],
        and: "og",
    },
    Language {
        tag: "de-DE",
        code: "de",
        locale: Locale::de_DE,
        positions: ["ersten", "zweiten", "dritten", "vierten", "letzten"],
        and: "und",
    },
    Language {
        tag: "fr-FR",
        code: "fr",
        locale: Locale::fr_FR,
        positions: ["premier", "deuxième", "troisième", "quatrième", "dernier"],
        and: "et",
    },
    Language {
        tag: "es-ES",
        code: "es",
        locale: Locale::es_ES,
        positions: ["primer", "segundo", "tercer", "cuarto", "último"],
        and: "y",
    },
];

/// The language of `lang`; others read English.
fn words(lang: &str) -> (&'static Language, &'static str) {
    let l = LANGUAGES
        .iter()
        .find(|l| l.tag == lang)
        .unwrap_or(&LANGUAGES[0]);
    (l, l.code)
}

fn weekday(w: &Language, d: Weekday) -> String {
    let monday = NaiveDate::from_isoywd_opt(2024, 1, Weekday::Mon).expect("a Monday");
    (monday + Days::new(u64::from(d.num_days_from_monday())))
        .format_localized("%A", w.locale)
        .to_string()
}

/// A local date, written out: "Monday, March 2, 2026".
pub fn date(lang: &str, d: NaiveDate) -> String {
    let (w, l) = words(lang);
    let pattern = match l {
        "nb" => "%A %-d. %B %Y",
        "de" => "%A, %-d. %B %Y",
        "fr" => "%A %-d %B %Y",
        "es" => "%A, %-d de %B de %Y",
        _ => "%A, %B %-d, %Y",
    };
    d.format_localized(pattern, w.locale).to_string()
}

/// A local date and time: "Monday, March 2, 2026, 09:00".
pub fn date_time(lang: &str, t: NaiveDateTime) -> String {
    let (_, l) = words(lang);
    let d = date(lang, t.date());
    let hm = t.format("%H:%M");
    match l {
        "nb" => format!("{d} kl. {hm}"),
        "de" => format!("{d}, {hm} Uhr"),
        "fr" => format!("{d} à {hm}"),
        _ => format!("{d}, {hm}"),
    }
}

/// A time of day: "09:00".
pub fn time(t: NaiveDateTime) -> String {
    t.format("%H:%M").to_string()
}

fn list(w: &Language, items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} {} {last}", init.join(", "), w.and),
    }
}

/// How a series recurs, in a sentence without its final stop: "Every 2 weeks on Monday and
/// Thursday, 10 times". `first` is the first occurrence's local date (the weekday of a
/// weekly series that names none).
pub fn series(lang: &str, p: &Pattern, first: NaiveDate) -> String {
    let (w, l) = words(lang);
    let n = p.interval.max(1);
    let days: Vec<String> = if p.days_of_week.is_empty() {
        vec![weekday(w, first.weekday())]
    } else {
        p.days_of_week.iter().map(|d| weekday(w, *d)).collect()
    };
    let days: Vec<&str> = days.iter().map(String::as_str).collect();
    let day_list = list(w, &days);
    // French and Spanish put the article before each weekday.
    let with_article = |art: &str| {
        let each: Vec<String> = days.iter().map(|d| format!("{art} {d}")).collect();
        let each: Vec<&str> = each.iter().map(String::as_str).collect();
        list(w, &each)
    };
    let position = p.by_set_position.map(|pos| {
        let i = if pos < 0 {
            4
        } else {
            (pos.clamp(1, 4) - 1) as usize
        };
        w.positions[i]
    });
    let how = match (p.frequency, l) {
        (Frequency::Daily, "nb") if n == 1 => "Hver dag".to_string(),
        (Frequency::Daily, "nb") => format!("Hver {n}. dag"),
        (Frequency::Daily, "de") if n == 1 => "Täglich".to_string(),
        (Frequency::Daily, "de") => format!("Alle {n} Tage"),
        (Frequency::Daily, "fr") if n == 1 => "Tous les jours".to_string(),
        (Frequency::Daily, "fr") => format!("Tous les {n} jours"),
        (Frequency::Daily, "es") if n == 1 => "Todos los días".to_string(),
        (Frequency::Daily, "es") => format!("Cada {n} días"),
        (Frequency::Daily, _) if n == 1 => "Every day".to_string(),
        (Frequency::Daily, _) => format!("Every {n} days"),
        (Frequency::DailyWeekday, "nb") => "Hver ukedag".to_string(),
        (Frequency::DailyWeekday, "de") => "Jeden Werktag".to_string(),
        (Frequency::DailyWeekday, "fr") => "Tous les jours ouvrables".to_string(),
        (Frequency::DailyWeekday, "es") => "Todos los días laborables".to_string(),
        (Frequency::DailyWeekday, _) => "Every weekday".to_string(),
        (Frequency::Weekly, "nb") if n == 1 => format!("Hver uke på {day_list}"),
        (Frequency::Weekly, "nb") => format!("Hver {n}. uke på {day_list}"),
        (Frequency::Weekly, "de") if n == 1 => format!("Jede Woche am {day_list}"),
        (Frequency::Weekly, "de") => format!("Alle {n} Wochen am {day_list}"),
        (Frequency::Weekly, "fr") if n == 1 => {
            format!("Toutes les semaines {}", with_article("le"))
        }
        (Frequency::Weekly, "fr") => format!("Toutes les {n} semaines {}", with_article("le")),
        (Frequency::Weekly, "es") if n == 1 => format!("Cada semana {}", with_article("el")),
        (Frequency::Weekly, "es") => format!("Cada {n} semanas {}", with_article("el")),
        (Frequency::Weekly, _) if n == 1 => format!("Every week on {day_list}"),
        (Frequency::Weekly, _) => format!("Every {n} weeks on {day_list}"),
        (Frequency::Monthly, _) => {
            let every = match (l, n) {
                ("nb", 1) => "Hver måned".to_string(),
                ("nb", _) => format!("Hver {n}. måned"),
                ("de", 1) => "Jeden Monat".to_string(),
                ("de", _) => format!("Alle {n} Monate"),
                ("fr", 1) => "Tous les mois".to_string(),
                ("fr", _) => format!("Tous les {n} mois"),
                ("es", 1) => "Cada mes".to_string(),
                ("es", _) => format!("Cada {n} meses"),
                (_, 1) => "Every month".to_string(),
                (_, _) => format!("Every {n} months"),
            };
            let day = p.by_month_day.unwrap_or(first.day());
            match (position, l) {
                (Some(pos), "nb") => format!("{every} den {pos} {day_list}en"),
                (Some(pos), "de") => format!("{every} am {pos} {day_list}"),
                (Some(pos), "fr") => format!("{every} le {pos} {day_list}"),
                (Some(pos), "es") => format!("{every} el {pos} {day_list}"),
                (Some(pos), _) => format!("{every} on the {pos} {day_list}"),
                (None, "nb") => format!("{every} den {day}."),
                (None, "de") => format!("{every} am {day}."),
                (None, "fr") => format!("{every} le {day}"),
                (None, "es") => format!("{every} el día {day}"),
                (None, _) => format!("{every} on day {day}"),
            }
        }
    };
    let until = match (p.end, l) {
        (PatternEnd::ByInstances(k), "nb") => format!("{k} ganger"),
        (PatternEnd::ByInstances(k), "de") => format!("{k} Mal"),
        (PatternEnd::ByInstances(k), "fr") => format!("{k} fois"),
        (PatternEnd::ByInstances(k), "es") => format!("{k} veces"),
        (PatternEnd::ByInstances(k), _) => format!("{k} times"),
        (PatternEnd::ByDate(d), "nb") => format!("til og med {}", date(lang, d)),
        (PatternEnd::ByDate(d), "de") => format!("bis {}", date(lang, d)),
        (PatternEnd::ByDate(d), "fr") => format!("jusqu'au {}", date(lang, d)),
        (PatternEnd::ByDate(d), "es") => format!("hasta el {}", date(lang, d)),
        (PatternEnd::ByDate(d), _) => format!("until {}", date(lang, d)),
    };
    format!("{how}, {until}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(frequency: Frequency, interval: u32, days: &[Weekday], end: PatternEnd) -> Pattern {
        Pattern {
            frequency,
            interval,
            days_of_week: days.to_vec(),
            first_day_of_week: Weekday::Mon,
            by_month_day: None,
            by_set_position: None,
            end,
        }
    }

    #[test]
    fn dates_in_each_language() {
        let t = NaiveDate::from_ymd_opt(2026, 3, 2)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let table = [
            ("en-US", "Monday, March 2, 2026, 09:00"),
            ("nb-NO", "mandag 2. mars 2026 kl. 09:00"),
            ("de-DE", "Montag, 2. März 2026, 09:00 Uhr"),
            ("fr-FR", "lundi 2 mars 2026 à 09:00"),
            ("es-ES", "lunes, 2 de marzo de 2026, 09:00"),
            ("ja-JP", "Monday, March 2, 2026, 09:00"),
        ];
        for (lang, want) in table {
            assert_eq!(date_time(lang, t), want, "{lang}");
        }
    }

    #[test]
    fn series_in_words() {
        use Weekday::*;
        let first = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let until = PatternEnd::ByDate(NaiveDate::from_ymd_opt(2026, 6, 29).unwrap());
        let weekly = pattern(Frequency::Weekly, 1, &[Mon], PatternEnd::ByInstances(10));
        let fortnightly = pattern(Frequency::Weekly, 2, &[Mon, Thu], until);
        let mut second_tuesday = pattern(Frequency::Monthly, 1, &[Tue], PatternEnd::ByInstances(6));
        second_tuesday.by_set_position = Some(2);
        let mut on_15th = pattern(Frequency::Monthly, 3, &[], PatternEnd::ByInstances(4));
        on_15th.by_month_day = Some(15);
        let table: Vec<(&str, &Pattern, &str)> = vec![
            ("en-US", &weekly, "Every week on Monday, 10 times"),
            ("nb-NO", &weekly, "Hver uke på mandag, 10 ganger"),
            ("de-DE", &weekly, "Jede Woche am Montag, 10 Mal"),
            ("fr-FR", &weekly, "Toutes les semaines le lundi, 10 fois"),
            ("es-ES", &weekly, "Cada semana el lunes, 10 veces"),
            (
                "en-US",
                &fortnightly,
                "Every 2 weeks on Monday and Thursday, until Monday, June 29, 2026",
            ),
            (
                "nb-NO",
                &fortnightly,
                "Hver 2. uke på mandag og torsdag, til og med mandag 29. juni 2026",
            ),
            (
                "fr-FR",
                &fortnightly,
                "Toutes les 2 semaines le lundi et le jeudi, jusqu'au lundi 29 juin 2026",
            ),
            (
                "en-US",
                &second_tuesday,
                "Every month on the second Tuesday, 6 times",
            ),
            (
                "de-DE",
                &second_tuesday,
                "Jeden Monat am zweiten Dienstag, 6 Mal",
            ),
            ("en-US", &on_15th, "Every 3 months on day 15, 4 times"),
            ("es-ES", &on_15th, "Cada 3 meses el día 15, 4 veces"),
        ];
        for (lang, p, want) in table {
            assert_eq!(series(lang, p, first), want, "{lang}");
        }
        // A weekly series naming no day recurs on its first day's weekday.
        let bare = pattern(Frequency::Weekly, 1, &[], PatternEnd::ByInstances(3));
        assert_eq!(
            series("en-US", &bare, first),
            "Every week on Monday, 3 times"
        );
    }
}
