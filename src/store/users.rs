//! Users that may call the API.
use super::schema::users;
use super::DbConnection;
use crate::domain::{Error, User};
use diesel::prelude::*;

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);
diesel::define_sql_function! {
    #[sql_name = "lower"]
    fn lower_opt(x: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

#[derive(Queryable)]
#[diesel(table_name = users)]
struct Row {
    id: i64,
    username: String,
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    password_hash: Option<String>,
    site_admin: bool,
}

/// A user and the argon2 PHC string that proves their password.
pub struct Credentials {
    pub user: User,
    pub password_hash: Option<String>,
}

impl From<Row> for Credentials {
    fn from(r: Row) -> Credentials {
        Credentials {
            user: User {
                id: r.id,
                username: r.username,
                email: r.email,
                first_name: r.first_name,
                last_name: r.last_name,
                site_admin: r.site_admin,
            },
            password_hash: r.password_hash,
        }
    }
}

pub fn upsert(conn: &mut DbConnection, user: &User, password_hash: &str) -> Result<(), Error> {
    let fields = (
        users::email.eq(&user.email),
        users::first_name.eq(&user.first_name),
        users::last_name.eq(&user.last_name),
        users::password_hash.eq(password_hash),
        users::site_admin.eq(user.site_admin),
    );
    let updated = diesel::update(users::table.filter(users::username.eq(&user.username)))
        .set(fields)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(users::table)
            .values((users::username.eq(&user.username), fields))
            .execute(conn)?;
    }
    Ok(())
}

/// Usernames compare case-insensitively, as Windows logins do.
pub fn by_username(conn: &mut DbConnection, username: &str) -> Result<Option<Credentials>, Error> {
    Ok(users::table
        .filter(lower(users::username).eq(username.to_lowercase()))
        .first::<Row>(conn)
        .optional()?
        .map(Credentials::from))
}

pub fn by_id(conn: &mut DbConnection, id: i64) -> Result<Option<User>, Error> {
    Ok(users::table
        .find(id)
        .first::<Row>(conn)
        .optional()?
        .map(|r| Credentials::from(r).user))
}

pub fn by_email(conn: &mut DbConnection, email: &str) -> Result<Option<User>, Error> {
    Ok(users::table
        .filter(lower_opt(users::email).eq(email.to_lowercase()))
        .first::<Row>(conn)
        .optional()?
        .map(|r| Credentials::from(r).user))
}

pub fn all(conn: &mut DbConnection) -> Result<Vec<User>, Error> {
    Ok(users::table
        .order(users::id)
        .load::<Row>(conn)?
        .into_iter()
        .map(|r| Credentials::from(r).user)
        .collect())
}
