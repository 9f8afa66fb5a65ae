//! The groups page: every group with its permissions, the systems it may book, its LDAP
//! group and how many members it has; the file's groups read-only. Site administrators add
//! groups and set the permissions of the database's ones.
use super::{editor, page, reader, refusable, Data, Nav, Viewer};
use crate::app::App;
use crate::domain::rights::Permission;
use crate::store::users::SITE_ADMINS;
use actix_web::{web, HttpRequest, HttpResponse};
use std::collections::HashMap;

pub struct GroupRow {
    pub id: i64,
    pub name: String,
    /// Every permission, and whether the group has it.
    pub permissions: Vec<(&'static str, bool)>,
    pub systems: String,
    pub ldap_group: String,
    pub is_default: bool,
    pub members: i64,
    /// Changed here: neither the file's nor the site administrators'.
    pub changeable: bool,
    pub from_file: bool,
}

#[derive(askama::Template)]
#[template(path = "console/groups.html")]
struct GroupsPage {
    nav: Nav,
    may_change: bool,
    groups: Vec<GroupRow>,
    names: [&'static str; 6],
    refused: Vec<String>,
}

fn groups_page(
    app: &App,
    v: &Viewer,
    refused: Vec<String>,
) -> Result<GroupsPage, crate::domain::Error> {
    let groups = app
        .booking
        .group_records()?
        .into_iter()
        .map(|g| {
            let has = g.group.rights.names();
            GroupRow {
                id: g.group.id,
                permissions: Permission::names()
                    .into_iter()
                    .map(|n| (n, has.contains(&n)))
                    .collect(),
                systems: match &g.group.rights.systems {
                    None => "all".into(),
                    Some(ids) => ids
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                },
                ldap_group: g.group.ldap_group.clone().unwrap_or_default(),
                is_default: g.group.is_default,
                members: g.members,
                changeable: !g.from_file && g.group.name != SITE_ADMINS,
                from_file: g.from_file,
                name: g.group.name,
            }
        })
        .collect();
    Ok(GroupsPage {
        nav: v.nav("groups"),
        may_change: v.may_change(),
        groups,
        names: Permission::names(),
        refused,
    })
}

pub async fn show(req: HttpRequest, app: Data) -> HttpResponse {
    let v = match reader(&req, &app, "groups", "the groups").await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    page(v, &app, |app, v| groups_page(app, v, Vec::new())).await
}

/// Adds a group or sets a group's permissions: `name`, `ldap_group` and a `perm_<name>`
/// field for each permission ticked.
pub async fn save(
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
    refusable(
        v,
        &app,
        move |app, by| {
            let permissions: Vec<Permission> = Permission::names()
                .into_iter()
                .filter(|n| form.contains_key(&format!("perm_{n}")))
                .filter_map(Permission::parse)
                .collect();
            let ldap = form
                .get("ldap_group")
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty());
            let name = form.get("name").cloned().unwrap_or_default();
            app.booking
                .save_group(form.contains_key("new"), &name, &permissions, ldap, by)?;
            Ok("/admin/groups".to_string())
        },
        groups_page,
    )
    .await
}
