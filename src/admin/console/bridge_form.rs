//! Adding and editing a bridge from the console: one form for both, its fields read and
//! checked here (each refusal names the field), the bridge's own rules then checked by the
//! booking service as for the admin API. A refused form comes back filled in as it was
//! posted, with the reasons above it.
use super::{editor, error_page, html, html_with, reader, refusable, status_of, Data, Nav, Viewer};
use crate::config::{BridgeConfig, CapacityConfig};
use crate::planner::{Capabilities, Numbering, PinPolicy};
use crate::store::bridges::{StoredBridge, Tls};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use std::sync::Arc;

/// The families a bridge can be, as the form offers them.
pub const FAMILIES: [(&str, &str); 4] = [
    ("telepresence-server", "TelePresence Server"),
    ("conductor", "TelePresence Conductor"),
    ("meeting-server", "Cisco Meeting Server"),
    ("pexip", "Pexip Infinity"),
];

/// The form as posted: text as typed; a checkbox is present only when ticked.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct BridgeForm {
    #[serde(rename = "_csrf")]
    pub csrf: String,
    pub name: String,
    pub family: String,
    pub address: String,
    pub username: String,
    pub password: String,
    pub enabled: Option<String>,
    pub priority: String,
    pub capacity: String,
    pub audio: String,
    pub sd: String,
    pub hd: String,
    pub full_hd: String,
    pub per_conference: String,
    pub first: String,
    pub last: String,
    pub sip_uri: String,
    pub pin: String,
    pub pin_length: String,
    pub web_url: String,
    pub sip: Option<String>,
    pub h323: Option<String>,
    pub isdn: Option<String>,
    pub encryption: Option<String>,
    pub content: Option<String>,
    pub webex_dial_out: Option<String>,
    pub max_participants: String,
    pub max_conferences: String,
    pub tls_verify: Option<String>,
    pub ca_file: String,
    pub system_location: String,
}

fn ticked(on: bool) -> Option<String> {
    on.then(|| "on".to_string())
}

fn number(v: f64) -> String {
    format!("{v}")
}

impl BridgeForm {
    /// A new bridge's form: what a bridge usually has.
    pub fn blank() -> BridgeForm {
        let c = Capabilities::default();
        BridgeForm {
            family: "meeting-server".into(),
            enabled: ticked(true),
            priority: "1".into(),
            pin: "none".into(),
            pin_length: "6".into(),
            sip: ticked(c.sip),
            h323: ticked(c.h323),
            isdn: ticked(c.isdn),
            encryption: ticked(c.encryption),
            content: ticked(c.content),
            webex_dial_out: ticked(c.webex_dial_out),
            max_participants: c.max_participants.to_string(),
            max_conferences: c.max_conferences.to_string(),
            tls_verify: ticked(true),
            ..BridgeForm::default()
        }
    }

    /// The form of a stored bridge; its credentials are never shown (left empty, they are
    /// kept).
    pub fn of(s: &StoredBridge) -> BridgeForm {
        let b = &s.bridge;
        let (c, k, n) = (&b.capacity, &b.capabilities, &b.numbering);
        let (pin, pin_length) = match n.pin {
            PinPolicy::None => ("none", 6),
            PinPolicy::Given => ("given", 6),
            PinPolicy::Auto { length } => ("auto", length),
        };
        BridgeForm {
            csrf: String::new(),
            name: b.name.clone(),
            family: b.family.as_str().into(),
            address: s.address.clone(),
            username: String::new(),
            password: String::new(),
            enabled: ticked(b.enabled),
            priority: b.priority.to_string(),
            capacity: number(c.total),
            audio: number(c.audio),
            sd: number(c.sd),
            hd: number(c.hd),
            full_hd: number(c.full_hd),
            per_conference: number(c.per_conference),
            first: n.first.to_string(),
            last: n.last.to_string(),
            sip_uri: n.sip_uri.clone(),
            pin: pin.into(),
            pin_length: pin_length.to_string(),
            web_url: n.web_url.clone().unwrap_or_default(),
            sip: ticked(k.sip),
            h323: ticked(k.h323),
            isdn: ticked(k.isdn),
            encryption: ticked(k.encryption),
            content: ticked(k.content),
            webex_dial_out: ticked(k.webex_dial_out),
            max_participants: k.max_participants.to_string(),
            max_conferences: k.max_conferences.to_string(),
            tls_verify: ticked(s.tls.verify),
            ca_file: s.tls.ca_file.clone().unwrap_or_default(),
            system_location: s.system_location.clone().unwrap_or_default(),
        }
    }

    /// The bridge the form describes, or why it cannot be one, each reason naming its field.
    /// `new`: a new bridge needs its credentials; an edited one keeps them when left empty.
    pub fn read(&self, new: bool) -> Result<BridgeConfig, Vec<String>> {
        let mut why = Vec::new();
        let text = |v: &str| v.trim().to_string();
        let optional = |v: &str| Some(v.trim().to_string()).filter(|s| !s.is_empty());
        let mut parsed = |label: &str, v: &str, what: &str| -> Option<f64> {
            match v.trim().parse::<f64>() {
                Ok(x) if x.is_finite() => Some(x),
                _ => {
                    why.push(format!("{label}: '{}' is not {what}.", v.trim()));
                    None
                }
            }
        };
        let priority = parsed("Priority", &self.priority, "a whole number");
        let capacity = parsed("Capacity", &self.capacity, "a number");
        let mut cost = |label: &str, v: &str| {
            if v.trim().is_empty() {
                None
            } else {
                parsed(label, v, "a number")
            }
        };
        let costs = [
            cost("Audio cost", &self.audio),
            cost("SD cost", &self.sd),
            cost("HD cost", &self.hd),
            cost("Full HD cost", &self.full_hd),
            cost("Cost per conference", &self.per_conference),
        ];
        let mut whole = |label: &str, v: &str| -> Option<u64> {
            v.trim().parse::<u64>().ok().or_else(|| {
                why.push(format!("{label}: '{}' is not a whole number.", v.trim()));
                None
            })
        };
        let first = whole("First number", &self.first);
        let last = whole("Last number", &self.last);
        let max_participants = whole("Most participants", &self.max_participants);
        let max_conferences = whole("Most conferences", &self.max_conferences);
        let pin = match self.pin.as_str() {
            "none" => Some(PinPolicy::None),
            "given" => Some(PinPolicy::Given),
            "auto" => match self.pin_length.trim().parse::<u8>() {
                Ok(length) => Some(PinPolicy::Auto { length }),
                Err(_) => {
                    why.push(format!(
                        "PIN length: '{}' is not a number of digits.",
                        self.pin_length.trim()
                    ));
                    None
                }
            },
            other => {
                why.push(format!("PIN: '{other}' is not none, given or auto."));
                None
            }
        };
        if text(&self.name).is_empty() {
            why.push("Name: a bridge needs a name.".into());
        }
        if !FAMILIES.iter().any(|(f, _)| *f == self.family) {
            why.push(format!(
                "Family: '{}' is not one the form offers.",
                self.family
            ));
        }
        let address = text(&self.address);
        let host = address
            .strip_prefix("https://")
            .or_else(|| address.strip_prefix("http://"))
            .unwrap_or("");
        if host.is_empty() || host.starts_with('/') {
            why.push(format!(
                "Address: '{address}' is not the http:// or https:// address of the bridge's management API."
            ));
        }
        if new && (self.username.is_empty() || self.password.is_empty()) {
            why.push("Username and password: a new bridge needs its API account.".into());
        }
        let priority = priority.and_then(|p| {
            let ok = p.fract() == 0.0 && (i32::MIN as f64..=i32::MAX as f64).contains(&p);
            if !ok {
                why.push(format!("Priority: '{p}' is not a whole number."));
            }
            ok.then_some(p as i32)
        });
        let small = |v: Option<u64>| v.and_then(|v| u32::try_from(v).ok());
        if (max_participants.is_some() && small(max_participants).is_none())
            || (max_conferences.is_some() && small(max_conferences).is_none())
        {
            why.push("Most participants and most conferences: too large.".into());
        }
        let (
            Some(priority),
            Some(total),
            Some(first),
            Some(last),
            Some(pin),
            Some(max_participants),
            Some(max_conferences),
        ) = (
            priority,
            capacity,
            first,
            last,
            pin,
            small(max_participants),
            small(max_conferences),
        )
        else {
            return Err(why);
        };
        if !why.is_empty() {
            return Err(why);
        }
        Ok(BridgeConfig {
            name: text(&self.name),
            family: self.family.clone(),
            address,
            username: self.username.clone(),
            password: self.password.clone(),
            enabled: self.enabled.is_some(),
            priority,
            capabilities: Capabilities {
                sip: self.sip.is_some(),
                h323: self.h323.is_some(),
                isdn: self.isdn.is_some(),
                encryption: self.encryption.is_some(),
                content: self.content.is_some(),
                webex_dial_out: self.webex_dial_out.is_some(),
                max_participants,
                max_conferences,
            },
            capacity: CapacityConfig {
                total,
                audio: costs[0],
                sd: costs[1],
                hd: costs[2],
                full_hd: costs[3],
                per_conference: costs[4],
            },
            numbering: Numbering {
                first,
                last,
                sip_uri: text(&self.sip_uri),
                pin,
                web_url: optional(&self.web_url),
            },
            tls: Tls {
                verify: self.tls_verify.is_some(),
                ca_file: optional(&self.ca_file),
            },
            system_location: optional(&self.system_location),
        })
    }
}

#[derive(askama::Template)]
#[template(path = "console/bridge_form.html")]
struct FormPage {
    nav: Nav,
    /// None for a new bridge.
    id: Option<i64>,
    form: BridgeForm,
    families: &'static [(&'static str, &'static str)],
    refused: Vec<String>,
}

fn form_page(v: &Viewer, id: Option<i64>, form: BridgeForm, refused: Vec<String>) -> FormPage {
    FormPage {
        nav: v.nav("bridges"),
        id,
        form,
        families: &FAMILIES,
        refused,
    }
}

/// Only site administrators see the form: others cannot post it.
async fn form_viewer(req: &HttpRequest, app: &Data) -> Result<Viewer, HttpResponse> {
    let v = reader(req, app, "bridges", "the bridges").await?;
    if !v.may_change() {
        return Err(super::read_only(&v));
    }
    Ok(v)
}

pub async fn new_form(req: HttpRequest, app: Data) -> HttpResponse {
    match form_viewer(&req, &app).await {
        Ok(v) => html(&form_page(&v, None, BridgeForm::blank(), Vec::new())),
        Err(answer) => answer,
    }
}

pub async fn edit_form(req: HttpRequest, app: Data, id: web::Path<i64>) -> HttpResponse {
    let v = match form_viewer(&req, &app).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    let id = id.into_inner();
    let app2 = Arc::clone(&app);
    let found = web::block(move || {
        let b = app2.booking.bridge(id)?;
        let in_file = app2.booking.bridges_in_file()?.contains(&id);
        Ok::<_, crate::domain::Error>((b, in_file))
    })
    .await;
    match found {
        Ok(Ok((_, true))) => error_page(
            StatusCode::FORBIDDEN,
            "This bridge is defined in the configuration file: change it there.",
            Some(v.nav("bridges")),
        ),
        Ok(Ok((b, false))) => html(&form_page(&v, Some(id), BridgeForm::of(&b), Vec::new())),
        Ok(Err(e)) => error_page(status_of(&e), &e.message, Some(v.nav("bridges"))),
        Err(e) => error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string(), None),
    }
}

/// Adds the bridge (`id` None) or changes bridge `id`; a refusal shows the form again.
async fn submit(req: HttpRequest, app: Data, id: Option<i64>, f: BridgeForm) -> HttpResponse {
    let v = match editor(&req, &app, &f.csrf).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    let config = match f.read(id.is_none()) {
        Ok(c) => c,
        Err(why) => return html_with(StatusCode::BAD_REQUEST, &form_page(&v, id, f, why)),
    };
    let mut shown = f;
    shown.password.clear();
    refusable(
        v,
        &app,
        move |app, by| {
            let mut b = config.bridge().map_err(crate::domain::Error::invalid)?;
            match id {
                None => app.booking.add_bridge(&b, by).map(|_| ())?,
                Some(id) => {
                    let old = app.booking.bridge(id)?;
                    b.bridge.id = id;
                    if b.username.is_empty() {
                        b.username = old.username;
                    }
                    if b.password.is_empty() {
                        b.password = old.password;
                    }
                    app.booking.change_bridge(&b, by).map(|_| ())?
                }
            }
            Ok("/admin/bridges".to_string())
        },
        move |_, v, refused| Ok(form_page(v, id, shown, refused)),
    )
    .await
}

pub async fn add(req: HttpRequest, app: Data, f: web::Form<BridgeForm>) -> HttpResponse {
    submit(req, app, None, f.into_inner()).await
}

pub async fn save(
    req: HttpRequest,
    app: Data,
    id: web::Path<i64>,
    f: web::Form<BridgeForm>,
) -> HttpResponse {
    submit(req, app, Some(id.into_inner()), f.into_inner()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> BridgeForm {
        BridgeForm {
            name: "cms-oslo".into(),
            address: "https://cms.example.com:445".into(),
            username: "api".into(),
            password: "secret".into(),
            capacity: "40".into(),
            first: "81000".into(),
            last: "81999".into(),
            sip_uri: "{number}@vc.example.com".into(),
            ..BridgeForm::blank()
        }
    }

    #[test]
    fn a_filled_form_is_a_bridge() {
        let c = filled().read(true).unwrap();
        assert_eq!(c.name, "cms-oslo");
        assert_eq!(c.priority, 1);
        assert_eq!(c.capacity.total, 40.0);
        assert_eq!(c.capacity.audio, None);
        assert!(c.enabled && c.capabilities.sip && !c.capabilities.isdn && c.tls.verify);
        assert_eq!(c.numbering.pin, PinPolicy::None);
        assert!(c.bridge().unwrap().bridge.problems().is_empty());
    }

    #[test]
    fn each_refusal_names_its_field() {
        type Spoil = fn(&mut BridgeForm);
        let table: Vec<(Spoil, &str)> = vec![
            (|f| f.name = " ".into(), "Name:"),
            (|f| f.family = "mcu".into(), "Family:"),
            (|f| f.address = "cms.example.com".into(), "Address:"),
            (|f| f.address = "https://".into(), "Address:"),
            (|f| f.password.clear(), "Username and password:"),
            (|f| f.priority = "first".into(), "Priority:"),
            (|f| f.priority = "1.5".into(), "Priority:"),
            (|f| f.capacity = "".into(), "Capacity:"),
            (|f| f.hd = "four".into(), "HD cost:"),
            (|f| f.first = "-1".into(), "First number:"),
            (|f| f.last = "8x".into(), "Last number:"),
            (
                |f| f.max_conferences = "99999999999".into(),
                "Most participants",
            ),
            (
                |f| {
                    f.pin = "auto".into();
                    f.pin_length = "six".into()
                },
                "PIN length:",
            ),
            (|f| f.pin = "always".into(), "PIN:"),
        ];
        for (spoil, field) in table {
            let mut f = filled();
            spoil(&mut f);
            let why = f.read(true).unwrap_err();
            assert!(
                why.len() == 1 && why[0].starts_with(field),
                "{field}: {why:?}"
            );
        }
    }

    #[test]
    fn an_edited_bridge_keeps_its_credentials_when_left_empty() {
        let mut f = filled();
        f.username.clear();
        f.password.clear();
        assert!(f.read(true).is_err());
        assert_eq!(f.read(false).unwrap().password, "");
    }

    #[test]
    fn a_stored_bridge_fills_the_form_it_was_read_from() {
        let mut f = filled();
        f.pin = "auto".into();
        f.pin_length = "8".into();
        f.isdn = ticked(true);
        f.system_location = "Oslo".into();
        let stored = f.read(true).unwrap().bridge().unwrap();
        let again = BridgeForm::of(&stored)
            .read(false)
            .unwrap()
            .bridge()
            .unwrap();
        assert_eq!(again.bridge, stored.bridge);
        assert_eq!(again.address, stored.address);
        assert_eq!(again.tls, stored.tls);
        assert_eq!(again.system_location, stored.system_location);
    }
}
