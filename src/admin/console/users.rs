//! The users page: every user with what their groups allow, API accounts and directory
//! users marked, those the configuration file defines read-only; site administrators
//! disable and enable the others (a disabled user cannot log in, from the next request on).
use super::{change, editor, page, reader, Data, Nav, Posted};
use actix_web::{web, HttpRequest, HttpResponse};

pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub email: String,
    pub permissions: String,
    pub api_account: bool,
    pub from_file: bool,
    pub disabled: bool,
}

#[derive(askama::Template)]
#[template(path = "console/users.html")]
struct UsersPage {
    nav: Nav,
    may_change: bool,
    users: Vec<UserRow>,
}

pub async fn show(req: HttpRequest, app: Data) -> HttpResponse {
    let v = match reader(&req, &app, "users", "the users").await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    page(v, &app, |app, v| {
        let flags = app.booking.user_flags()?;
        let users = app
            .booking
            .users()?
            .into_iter()
            .map(|u| {
                let (from_file, disabled) = flags.get(&u.id).copied().unwrap_or_default();
                UserRow {
                    id: u.id,
                    name: u
                        .display_name
                        .clone()
                        .or_else(|| {
                            let n = [u.first_name.clone(), u.last_name.clone()]
                                .into_iter()
                                .flatten()
                                .collect::<Vec<_>>()
                                .join(" ");
                            Some(n).filter(|n| !n.is_empty())
                        })
                        .unwrap_or_default(),
                    email: u.email.clone().unwrap_or_default(),
                    permissions: u.rights.names().join(", "),
                    api_account: u.hidden,
                    from_file,
                    disabled,
                    username: u.username,
                }
            })
            .collect();
        Ok(UsersPage {
            nav: v.nav("users"),
            may_change: v.may_change(),
            users,
        })
    })
    .await
}

pub async fn act(
    req: HttpRequest,
    app: Data,
    path: web::Path<(i64, String)>,
    f: web::Form<Posted>,
) -> HttpResponse {
    let v = match editor(&req, &app, &f.csrf).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    let (id, action) = path.into_inner();
    let disabled = match action.as_str() {
        "disable" => true,
        "enable" => false,
        _ => return HttpResponse::NotFound().finish(),
    };
    change(v, &app, "/admin/users".into(), move |app, by| {
        app.booking.set_user_disabled(id, disabled, by)
    })
    .await
}
