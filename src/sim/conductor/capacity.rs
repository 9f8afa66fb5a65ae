//! The simulated Conductor's Capacity Management API (document "Capacity Management API",
//! l.1024-1257): `GET /api/4.0/servicecost/<alias>` answers the ServiceParams of the one
//! Service Preference the simulator has, with HTTP Basic auth (l.1038, l.2169) and the
//! REST error format (l.1915-1953). Line numbers ("l.") are of
//! /work/shared/spec/telepresence-conductor-api-xc4.3.1.txt.
use super::{knobs, InFlight, Sim};
use actix_web::{web, HttpRequest, HttpResponse};
use std::collections::BTreeMap;

/// Amounts per resource dimension: "ports" for a TelePresence MCU; "signalling", "media"
/// and "licences" for a TelePresence Server (Resources Object, l.1067-1080).
pub type Resources = BTreeMap<String, i64>;

/// The document spells the TelePresence Server dimension "licences" (l.380, l.1073,
/// l.1080) and "licenses" (l.410, l.1101): both name one dimension.
pub fn dimension(name: &str) -> String {
    match name {
        "licenses" => "licences".to_string(),
        other => other.to_string(),
    }
}

/// The one Service Preference every alias of the simulator reaches: its bridge type and
/// what the pools marked for scheduling hold, what each conference and each single-screen
/// participant costs (ServiceParams Object, l.1180-1207).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prices {
    /// "tsmcu" or "mcu" (l.1195).
    pub bridge_type: &'static str,
    pub pool: Resources,
    pub conference: Resources,
    pub participant: Resources,
}

impl Prices {
    /// A pool of `servers` TelePresence Servers priced as the document's worked example
    /// (l.2255-2276: 200 calls, 30720 media and 30720 licences a server; one single-screen
    /// participant takes 1 call, 3072 media and 3840 licences; a conference nothing).
    pub fn telepresence_servers(servers: i64) -> Prices {
        let r = |s: i64, m: i64, l: i64| -> Resources {
            [("signalling", s), ("media", m), ("licences", l)]
                .into_iter()
                .map(|(d, n)| (d.to_string(), n))
                .collect()
        };
        Prices {
            bridge_type: "tsmcu",
            pool: r(200 * servers, 30720 * servers, 30720 * servers),
            conference: r(0, 0, 0),
            participant: r(1, 3072, 3840),
        }
    }

    /// What `calls` participants take of a conference, per dimension.
    pub fn usage(&self, calls: usize) -> Resources {
        let mut out = self.conference.clone();
        for (d, n) in &self.participant {
            *out.entry(d.clone()).or_default() += n * calls as i64;
        }
        out
    }
}

/// The REST error format (l.1919-1935) with the message of its code (l.1943-1953).
pub fn rest_error(status: u16, code: &str) -> HttpResponse {
    let message = match code {
        "10" => "An object specified in the request cannot be found by the API.",
        "20" => "A validation error in the request prevented further processing.",
        "70" => "The API is temporarily unavailable.",
        "100:404" => "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.",
        "100:405" => "The method is not allowed for the requested URL.",
        _ => "An unexpected API error occurred.",
    };
    HttpResponse::build(
        actix_web::http::StatusCode::from_u16(status)
            .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR),
    )
    .json(serde_json::json!({"details": {}, "error_code": code, "message": message}))
}

fn resources_json(r: &Resources) -> serde_json::Value {
    r.iter()
        .map(|(d, n)| serde_json::json!({"dimension": d, "value": n}))
        .collect()
}

/// l.1215: the alias "must not include a regular expression": any of the characters that
/// make one is refused as a validation error.
fn looks_like_a_regex(alias: &str) -> bool {
    alias.chars().any(|c| {
        matches!(
            c,
            '*' | '?' | '[' | ']' | '(' | ')' | '^' | '$' | '|' | '\\' | '{' | '}'
        )
    })
}

/// `GET /api/4.0/servicecost/<alias>` (ServiceCost Operation, l.1209-1257).
pub async fn service_cost(
    req: HttpRequest,
    alias: web::Path<String>,
    sim: web::Data<Sim>,
) -> HttpResponse {
    let _in_flight = InFlight::enter(&sim);
    if let Some(r) = knobs(&sim).await {
        return r;
    }
    // l.1038, l.2169: an admin user with API access, by HTTP Basic authentication.
    if !crate::sim::basic::carries(&req, &sim.user, &sim.password) {
        return HttpResponse::Unauthorized()
            .insert_header(("WWW-Authenticate", "Basic realm=\"TelePresence Conductor\""))
            .finish();
    }
    let mut st = sim.lock();
    st.service_cost_requests += 1;
    // l.1215: "not more than 1024 characters long", no regular expression; a request that
    // breaks a rule of the API is error 20, HTTP 400 (l.1947).
    if alias.chars().count() > 1024 || looks_like_a_regex(&alias) {
        return rest_error(400, "20");
    }
    // l.1945: an alias that reaches no Service Preference is an object not found, 404 "10".
    if !st.resolves(&alias) {
        return rest_error(404, "10");
    }
    let prices = &st.prices;
    HttpResponse::Ok().json(serde_json::json!({
        "id": "58e26522-da56-11e2-b4f8-0010f31595fc",
        "display_name": "Scheduled meetings",
        "description": "The pool used for scheduling",
        "alias": alias.as_str(),
        "bridge_type": prices.bridge_type,
        // l.1196, l.1207: no multiscreen, so one participant_cost element (1 screen).
        "bridge_capabilities": ["cascading"],
        "max_screens": 1,
        "max_participants_per_conference_min": 1,
        "max_participants_per_conference_max": 104,
        "max_participants_per_conference_template": 0,
        "pool_capacity": resources_json(&prices.pool),
        "conference_cost": resources_json(&prices.conference),
        "participant_cost": [{"num_screens": 1, "resources": resources_json(&prices.participant)}],
    }))
}

/// Any other method on a REST URL: 405 "100:405" (l.1969-1982).
pub async fn not_allowed() -> HttpResponse {
    rest_error(405, "100:405")
}

/// A URL the API does not have: 404 "100:404" (l.1959-1967).
pub async fn not_found() -> HttpResponse {
    rest_error(404, "100:404")
}
