//! The users pages: every user with what their groups allow, API accounts and directory
//! users marked; a user's own page with its groups and, for a local account the file does
//! not define, forms to change its groups and set a new password; a form to add a local
//! account. Site administrators disable and enable accounts (a disabled user cannot log
//! in, from the next request on). Directory users are the directory's: read-only here.
use super::{change, editor, page, reader, refusable, Data, Nav, Posted};
use crate::booking::{AccountRecord, NewUser};
use crate::domain::User;
use crate::store::users::{Source, DEFAULT_GROUP};
use actix_web::{web, HttpRequest, HttpResponse};
use std::collections::HashMap;

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

/// "First Last", or the display name, as the user is called.
fn name_of(u: &User) -> String {
    u.display_name
        .clone()
        .or_else(|| {
            let n = [u.first_name.clone(), u.last_name.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            Some(n).filter(|n| !n.is_empty())
        })
        .unwrap_or_default()
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
                    name: name_of(&u),
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

/// A group's checkbox on a user's forms.
pub struct GroupBox {
    pub id: i64,
    pub name: String,
    pub checked: bool,
    /// The default group: every user is in it.
    pub fixed: bool,
}

#[derive(askama::Template)]
#[template(path = "console/user.html")]
struct UserPage {
    nav: Nav,
    id: i64,
    username: String,
    name: String,
    email: String,
    source: &'static str,
    permissions: String,
    api_account: bool,
    from_file: bool,
    disabled: bool,
    /// Neither the file's nor the directory's: its groups and password change here.
    changeable: bool,
    may_change: bool,
    groups: Vec<GroupBox>,
    refused: Vec<String>,
    done: String,
}

fn group_boxes(
    app: &crate::app::App,
    member_of: &[String],
) -> Result<Vec<GroupBox>, crate::domain::Error> {
    Ok(app
        .booking
        .group_records()?
        .into_iter()
        .map(|g| GroupBox {
            id: g.group.id,
            checked: g.group.name == DEFAULT_GROUP || member_of.contains(&g.group.name),
            fixed: g.group.name == DEFAULT_GROUP,
            name: g.group.name,
        })
        .collect())
}

fn user_page(
    app: &crate::app::App,
    v: &super::Viewer,
    a: AccountRecord,
    refused: Vec<String>,
    done: String,
) -> Result<UserPage, crate::domain::Error> {
    let u = &a.user;
    Ok(UserPage {
        nav: v.nav("users"),
        id: u.id,
        username: u.username.clone(),
        name: name_of(u),
        email: u.email.clone().unwrap_or_default(),
        source: a.source.map(Source::as_str).unwrap_or("unknown"),
        permissions: u.rights.names().join(", "),
        api_account: u.hidden,
        changeable: !a.from_file && a.source != Some(Source::Directory),
        from_file: a.from_file,
        disabled: a.disabled,
        may_change: v.may_change(),
        groups: group_boxes(app, &a.groups)?,
        refused,
        done,
    })
}

#[derive(serde::Deserialize)]
pub struct Done {
    #[serde(default)]
    done: String,
}

pub async fn detail(
    req: HttpRequest,
    app: Data,
    id: web::Path<i64>,
    q: web::Query<Done>,
) -> HttpResponse {
    let v = match reader(&req, &app, "users", "the users").await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    let id = id.into_inner();
    let done = match q.done.as_str() {
        "groups" => "Groups saved.",
        "password" => "Password set.",
        "added" => "User added.",
        _ => "",
    }
    .to_string();
    page(v, &app, move |app, v| {
        user_page(app, v, app.booking.user_account(id)?, Vec::new(), done)
    })
    .await
}

/// The group names ticked on a posted form (`group_<id>` fields).
fn ticked_groups(
    app: &crate::app::App,
    form: &HashMap<String, String>,
) -> Result<Vec<String>, crate::domain::Error> {
    Ok(app
        .booking
        .group_records()?
        .into_iter()
        .filter(|g| form.contains_key(&format!("group_{}", g.group.id)))
        .map(|g| g.group.name)
        .collect())
}

/// Runs a change to user `id` from a posted form; a refusal shows the user's page again
/// with the reason.
async fn change_user(
    req: HttpRequest,
    app: Data,
    id: i64,
    form: HashMap<String, String>,
    done: &'static str,
    f: impl FnOnce(
            &crate::app::App,
            &HashMap<String, String>,
            &User,
        ) -> Result<(), crate::domain::Error>
        + Send
        + 'static,
) -> HttpResponse {
    let posted = form.get("_csrf").cloned().unwrap_or_default();
    let v = match editor(&req, &app, &posted).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    refusable(
        v,
        &app,
        move |app, by| {
            f(app, &form, by)?;
            Ok(format!("/admin/users/{id}?done={done}"))
        },
        move |app, v, refused| {
            user_page(
                app,
                v,
                app.booking.user_account(id)?,
                refused,
                String::new(),
            )
        },
    )
    .await
}

pub async fn set_groups(
    req: HttpRequest,
    app: Data,
    id: web::Path<i64>,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    let id = id.into_inner();
    change_user(
        req,
        app,
        id,
        form.into_inner(),
        "groups",
        move |app, form, by| {
            let wanted = ticked_groups(app, form)?;
            app.booking.set_user_groups(id, &wanted, by)
        },
    )
    .await
}

pub async fn set_password(
    req: HttpRequest,
    app: Data,
    id: web::Path<i64>,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    let id = id.into_inner();
    change_user(
        req,
        app,
        id,
        form.into_inner(),
        "password",
        move |app, form, by| {
            let new = form.get("password").map(String::as_str).unwrap_or("");
            if form.get("again").map(String::as_str).unwrap_or("") != new {
                return Err(crate::domain::Error::invalid(
                    "The two passwords differ; nothing was changed.",
                ));
            }
            app.booking.set_user_password(id, new, by)
        },
    )
    .await
}

#[derive(askama::Template)]
#[template(path = "console/user_form.html")]
struct NewUserPage {
    nav: Nav,
    form: HashMap<String, String>,
    groups: Vec<GroupBox>,
    refused: Vec<String>,
}

impl NewUserPage {
    fn value(&self, field: &str) -> &str {
        self.form.get(field).map(String::as_str).unwrap_or("")
    }
}

fn new_user_page(
    app: &crate::app::App,
    v: &super::Viewer,
    form: HashMap<String, String>,
    refused: Vec<String>,
) -> Result<NewUserPage, crate::domain::Error> {
    let mut groups = group_boxes(app, &[])?;
    for g in &mut groups {
        g.checked = g.fixed || form.contains_key(&format!("group_{}", g.id));
    }
    Ok(NewUserPage {
        nav: v.nav("users"),
        form,
        groups,
        refused,
    })
}

pub async fn new_form(req: HttpRequest, app: Data) -> HttpResponse {
    let v = match reader(&req, &app, "users", "the users").await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    if !v.may_change() {
        return super::read_only(&v);
    }
    page(v, &app, |app, v| {
        new_user_page(app, v, HashMap::new(), Vec::new())
    })
    .await
}

pub async fn add(
    req: HttpRequest,
    app: Data,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    let form = form.into_inner();
    let posted = form.get("_csrf").cloned().unwrap_or_default();
    let v = match editor(&req, &app, &posted).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    let mut shown = form.clone();
    shown.remove("password");
    shown.remove("again");
    refusable(
        v,
        &app,
        move |app, by| {
            let field = |k: &str| {
                form.get(k)
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
            };
            let password = form.get("password").cloned().unwrap_or_default();
            if form.get("again").cloned().unwrap_or_default() != password {
                return Err(crate::domain::Error::invalid("The two passwords differ."));
            }
            let u = NewUser {
                username: field("username").unwrap_or_default(),
                first_name: field("first_name"),
                last_name: field("last_name"),
                email: field("email"),
                password,
                groups: ticked_groups(app, &form)?,
                api_account: form.contains_key("api_account"),
            };
            let id = app.booking.add_user(&u, by)?;
            Ok(format!("/admin/users/{id}?done=added"))
        },
        move |app, v, refused| new_user_page(app, v, shown, refused),
    )
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
