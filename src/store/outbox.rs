//! What the two outboxes (bridge jobs and mail) share: a row waits `pending` until it is
//! due, is claimed on a lease (`running`; a lease that runs out makes it claimable again),
//! then is finished, or put back for another try, or given up (`failed`). The tables differ
//! in their other columns, so the shared steps are written once as macros over a table.

/// Rows of table `$t` to run at `$now`: pending and due, or running on a lease that ran out.
macro_rules! outbox_due {
    ($t:ident, $now:expr) => {
        $t::state
            .eq("pending")
            .or($t::state
                .eq("running")
                .and($t::lease_until.lt($crate::domain::time::to_epoch($now))))
            .and($t::due_at.le($crate::domain::time::to_epoch($now)))
    };
}

/// The lease, finish and fail steps of outbox table `$t`, whose finished rows say `$done`.
macro_rules! outbox_steps {
    ($t:ident, $done:literal) => {
        /// Marks rows `ids` running on a lease until `now + lease`, one more attempt each.
        fn take_lease(
            conn: &mut DbConnection,
            ids: &[i64],
            now: DateTime<Utc>,
            lease: Duration,
        ) -> Result<(), Error> {
            diesel::update($t::table.filter($t::id.eq_any(ids)))
                .set((
                    $t::state.eq("running"),
                    $t::lease_until.eq($crate::domain::time::to_epoch(now + lease)),
                    $t::attempts.eq($t::attempts + 1),
                ))
                .execute(conn)?;
            Ok(())
        }

        pub fn finish(conn: &mut DbConnection, id: i64) -> Result<(), Error> {
            diesel::update($t::table.find(id))
                .set(($t::state.eq($done), $t::last_error.eq(None::<String>)))
                .execute(conn)?;
            Ok(())
        }

        /// Puts a row back for another try at `retry_at`, or gives it up when that is None.
        pub fn fail(
            conn: &mut DbConnection,
            id: i64,
            error: &str,
            retry_at: Option<DateTime<Utc>>,
        ) -> Result<(), Error> {
            let state = if retry_at.is_some() {
                "pending"
            } else {
                "failed"
            };
            diesel::update($t::table.find(id))
                .set(($t::state.eq(state), $t::last_error.eq(error)))
                .execute(conn)?;
            if let Some(t) = retry_at {
                diesel::update($t::table.find(id))
                    .set($t::due_at.eq($crate::domain::time::to_epoch(t)))
                    .execute(conn)?;
            }
            Ok(())
        }
    };
}

pub(crate) use {outbox_due, outbox_steps};
