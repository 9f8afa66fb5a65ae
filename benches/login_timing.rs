//! What a failed login costs: a wrong password of an existing local account against a user
//! name that does not exist. Both must cost the same, or the time of a 401 tells an attacker
//! which names exist. Measured through `Authenticator::verify`, the whole check a login
//! takes on the login pool (user lookup in SQLite, then one argon2 verification).
use bridgebook::directory::password;
use bridgebook::domain::User;
use bridgebook::soap::auth::Authenticator;
use bridgebook::soap::throttle::LoginConfig;
use bridgebook::store::{users, Store};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn header(user: &str, password: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

fn failed_logins(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("bench.db").to_str().unwrap().to_string();
    let store = Arc::new(Store::open(&url, 2).unwrap());
    store.migrate().unwrap();
    // The hash as `bridgebook hash-password` makes it.
    let hash = password::hash("the right one").unwrap();
    store
        .write(|conn| {
            users::upsert(
                conn,
                &User {
                    username: "svc".into(),
                    ..User::default()
                },
                Some(&hash),
                users::Source::Local,
            )
        })
        .unwrap();
    let auth = Authenticator::new(store, None, &LoginConfig::default());
    let known = header("svc", "a wrong password");
    let unknown = header("nobody-by-this-name", "a wrong password");
    assert!(auth.verify(&known).is_err() && auth.verify(&unknown).is_err());

    // The two are measured in turns, each timed call followed by an untimed call of the
    // other, so both see the same machine: measured one after the other, whatever else the
    // machine did meanwhile showed up as a difference between them.
    let mut g = c.benchmark_group("failed_login");
    g.sample_size(60);
    for (name, timed, other) in [
        ("wrong_password_of_existing_user", &known, &unknown),
        ("unknown_user", &unknown, &known),
    ] {
        g.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    let at = Instant::now();
                    black_box(auth.verify(timed).is_err());
                    spent += at.elapsed();
                    black_box(auth.verify(other).is_err());
                }
                spent
            })
        });
    }
    g.finish();
}

criterion_group!(benches, failed_logins);
criterion_main!(benches);
