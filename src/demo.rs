//! `serve --demo`: bridge simulators in the same process, and the rooms, account and bridges
//! that use them, on a temporary database of its own, so a newcomer sees a meeting booked
//! over SOAP go live on a bridge. Nothing of an installation's own data is read or
//! changed, and what the demo prints is all there is: its rooms, its account, its bridges.
use crate::config::{BridgeConfig, CapacityConfig, Config, SystemConfig, UserConfig};
use crate::planner::{Capabilities, Numbering, PinPolicy};
use crate::sim::cms::CmsSim;
use crate::sim::conductor::ConductorSim;
use crate::sim::pexip::{PexipSim, PexipSimHandle, SimConfig};
use crate::sim::telepresence_server::TsSim;

/// The simulators the demo runs and its database; the simulators stop and the database is
/// removed when this is dropped.
pub struct Simulators {
    pub meeting_server: CmsSim,
    pub telepresence_server: TsSim,
    pub conductor: ConductorSim,
    pub pexip: PexipSimHandle,
    pub database: TemporaryDirectory,
}

/// A directory of its own under the system's temporary directory, removed when dropped.
pub struct TemporaryDirectory(pub std::path::PathBuf);

impl TemporaryDirectory {
    fn new() -> Result<TemporaryDirectory, String> {
        let path =
            std::env::temp_dir().join(format!("bridgebook-demo-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir(&path)
            .map_err(|e| format!("cannot create the demo's directory {}: {e}", path.display()))?;
        Ok(TemporaryDirectory(path))
    }
}

impl Drop for TemporaryDirectory {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub const DEMO_USER: &str = "demo";
pub const DEMO_PASSWORD: &str = "demo";

/// Starts the simulators and puts what uses them in `c` in place of the configured
/// database, systems, accounts and bridges: a temporary SQLite database, four rooms, the
/// `demo` account and one bridge per simulator. Keep the answer alive.
pub fn prepare(c: &mut Config) -> Result<Simulators, String> {
    let database = TemporaryDirectory::new()?;
    c.database_url = database.0.join("demo.db").display().to_string();
    let cms = CmsSim::start("127.0.0.1:0", "demo-api", "demo-api")
        .map_err(|e| format!("cannot start the Meeting Server simulator: {e}"))?;
    let ts = TsSim::start("127.0.0.1:0", "demo-api", "demo-api")
        .map_err(|e| format!("cannot start the TelePresence Server simulator: {e}"))?;
    let conductor = ConductorSim::start("127.0.0.1:0", "demo-api", "demo-api")
        .map_err(|e| format!("cannot start the TelePresence Conductor simulator: {e}"))?;
    let pexip = PexipSim::start(SimConfig {
        username: "demo-api".into(),
        password: "demo-api".into(),
        ..SimConfig::default()
    })
    .map_err(|e| format!("cannot start the Pexip simulator: {e}"))?;
    // Only the demo's own: a configured bridge would take the demo's meetings, and a
    // configured account would make the printed one a lie.
    c.bridges.clear();
    c.systems = [
        (1, "Oslo Fjord"),
        (2, "London Thames"),
        (3, "Boardroom"),
        (4, "Chicago Loop"),
    ]
    .into_iter()
    .map(|(id, name)| SystemConfig {
        id,
        name: name.into(),
        category: "Endpoint".into(),
        sip_uri: Some(format!("room{id}@demo.example.com")),
        h323_id: None,
        e164_alias: None,
        time_zone: None,
        allow_booking: true,
        contact: None,
        manufacturer: None,
        description: None,
        system_type: None,
        location: None,
        isdn_number: None,
        web_interface_url: None,
    })
    .collect();
    c.users = vec![UserConfig {
        username: DEMO_USER.into(),
        email: Some("demo@demo.example.com".into()),
        first_name: Some("Demo".into()),
        last_name: Some("User".into()),
        password_hash: crate::directory::password::hash(DEMO_PASSWORD)?,
        site_admin: true,
        groups: Vec::new(),
        display_name: None,
        hidden: false,
        time_zone: None,
    }];
    let bridge =
        |name: &str, family: &str, address: &str, priority: i32, first: u64| BridgeConfig {
            name: name.into(),
            family: family.into(),
            address: address.into(),
            username: "demo-api".into(),
            password: "demo-api".into(),
            enabled: true,
            priority,
            capabilities: Capabilities::default(),
            capacity: CapacityConfig {
                total: 40.0,
                audio: None,
                sd: None,
                hd: None,
                full_hd: None,
                per_conference: None,
            },
            numbering: Numbering {
                first,
                last: first + 999,
                sip_uri: "{number}@demo.example.com".into(),
                pin: PinPolicy::Auto { length: 6 },
                web_url: None,
            },
            tls: Default::default(),
            system_location: None,
        };
    c.bridges.push(bridge(
        "demo-meeting-server",
        "meeting-server",
        &cms.base,
        1,
        7000,
    ));
    // The Pexip simulator's nodes are in its one system location, "London".
    c.bridges.push(BridgeConfig {
        system_location: Some("London".into()),
        ..bridge("demo-pexip", "pexip", &pexip.base_url(), 3, 9000)
    });
    c.bridges.push(bridge(
        "demo-telepresence-server",
        "telepresence-server",
        &ts.base,
        2,
        8000,
    ));
    // Priced by the Conductor itself (ServiceCost) once its health is first polled.
    c.bridges.push(bridge(
        "demo-conductor",
        "conductor",
        &conductor.base,
        4,
        6000,
    ));
    println!(
        "demo: simulators of a Meeting Server at {}, a TelePresence Server at {}/RPC2, a \
         TelePresence Conductor at {}/RPC2 and a Pexip at {}; rooms 1 to 4; log in as \
         {DEMO_USER}/{DEMO_PASSWORD}; book three rooms and watch \
         GET /admin/api/conferences/<id>/jobs and /calls",
        cms.base,
        ts.base,
        conductor.base,
        pexip.base_url()
    );
    println!(
        "demo: on a temporary database, removed at exit ({}); the configuration's \
         database, systems, accounts and bridges are not used",
        c.database_url
    );
    Ok(Simulators {
        meeting_server: cms,
        telepresence_server: ts,
        conductor,
        pexip,
        database,
    })
}
