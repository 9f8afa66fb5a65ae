//! The web console over plain HTTP, as a script (or a browser without script) uses it:
//! the login form with its cookie token, the session cookie, a page's CSRF token.
use super::Server;

pub fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().redirects(0).build()
}

pub fn status_and(r: Result<ureq::Response, ureq::Error>) -> ureq::Response {
    match r {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    }
}

/// The value of cookie `name` set by `r`, and the whole Set-Cookie line.
pub fn set_cookie(r: &ureq::Response, name: &str) -> Option<(String, String)> {
    r.all("Set-Cookie").into_iter().find_map(|line| {
        let (pair, _) = line.split_once(';').unwrap_or((line, ""));
        let (k, v) = pair.split_once('=')?;
        (k.trim() == name).then(|| (v.to_string(), line.to_string()))
    })
}

pub fn hidden(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no {name} in {html}"));
    let rest = &html[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// Logs in over plain HTTP; answers the session cookie and the CSRF token of the pages.
pub fn http_login(s: &Server, user: &str, password: &str) -> (u16, Option<(String, String)>) {
    let a = agent();
    let form = status_and(a.get(&s.url("/admin/login")).call());
    let (login_token, _) = set_cookie(&form, "bridgebook_login").expect("a login cookie");
    let html = form.into_string().unwrap();
    let csrf = hidden(&html, "_csrf");
    let r = status_and(
        a.post(&s.url("/admin/login"))
            .set("Cookie", &format!("bridgebook_login={login_token}"))
            .send_form(&[
                ("_csrf", &csrf),
                ("username", user),
                ("password", password),
                ("next", "/admin/week"),
            ]),
    );
    let status = r.status();
    (status, set_cookie(&r, "bridgebook_session"))
}

/// A console page fetched over plain HTTP with the session cookie `session`.
pub fn page_as(s: &Server, session: &str, path: &str) -> (u16, String) {
    let r = status_and(
        agent()
            .get(&s.url(path))
            .set("Cookie", &format!("bridgebook_session={session}"))
            .call(),
    );
    (r.status(), r.into_string().unwrap())
}
