#[path = "common/slapd.rs"]
mod slapd;
use std::process::Command;

fn run(args: &[&str]) -> String {
    let out = Command::new(args[0]).args(&args[1..]).output().unwrap();
    let s = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{args:?} failed: {s}");
    s
}

fn check(s: &slapd::Slapd) {
    let o = run(&["ldapsearch", "-x", "-LLL", "-H", &s.url, "-b", "dc=example,dc=com", "(uid=alice)"]);
    println!("{o}");
    assert!(o.contains("dn: uid=alice,ou=people,dc=example,dc=com"));
    assert!(!o.contains("userPassword"), "anonymous must not read passwords");
    let o = run(&["ldapwhoami", "-x", "-H", &s.url, "-D", "uid=alice,ou=people,dc=example,dc=com", "-w", "alice-pw"]);
    assert!(o.contains("dn:uid=alice,ou=people,dc=example,dc=com"), "{o}");
    let o = run(&["ldapwhoami", "-x", "-H", &s.url, "-D", &s.admin_dn, "-w", &s.admin_password]);
    assert!(o.contains("cn=admin"), "{o}");
    for (u, p) in [("bob", "bob-pw"), ("svc-booking", "svc-pw"), ("carol", "carol-pw")] {
        run(&["ldapwhoami", "-x", "-H", &s.url, "-D", &s.user_dn(u), "-w", p]);
    }
    let bad = Command::new("ldapwhoami").args(["-x", "-H", &s.url, "-D", &s.user_dn("alice"), "-w", "wrong"]).output().unwrap();
    assert!(!bad.status.success());
    let o = run(&["ldapsearch", "-x", "-LLL", "-H", &s.url, "-b", "ou=groups,dc=example,dc=com", "(member=uid=svc-booking,ou=people,dc=example,dc=com)", "cn"]);
    println!("{o}");
    assert!(o.contains("cn: video-bookers") && o.contains("cn: video-admins") && !o.contains("approvers"));
    let o = run(&["ldapsearch", "-x", "-LLL", "-H", &s.url, "-b", "dc=example,dc=com", "(mail=c.danvers@example.com)", "mail"]);
    assert!(o.contains("uid=carol") && o.contains("mail: carol@example.com"), "{o}");
    let o = run(&["ldapsearch", "-x", "-LLL", "-H", &s.url, "-D", &s.user_dn("bob"), "-w", "bob-pw", "-b", &s.user_dn("bob"), "-s", "base", "userPassword"]);
    assert!(o.contains("userPassword"), "self can read own password: {o}");
}

#[test]
fn one() { let s = slapd::Slapd::start(); check(&s); }

#[test]
fn two_at_once() {
    let a = slapd::Slapd::start();
    let b = slapd::Slapd::start();
    assert_ne!(a.url, b.url);
    check(&a); check(&b);
    let pid_dir = a.dir().to_path_buf();
    drop(a);
    assert!(!pid_dir.exists());
    check(&b);
}

#[test]
fn many_parallel() {
    let hs: Vec<_> = (0..6).map(|_| std::thread::spawn(|| { let s = slapd::Slapd::start(); check(&s); })).collect();
    for h in hs { h.join().unwrap(); }
}
