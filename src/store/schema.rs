//! Table definitions shared by the SQLite and PostgreSQL migrations.
diesel::table! {
    systems (id) {
        id -> BigInt,
        name -> Text,
        category -> Text,
        sip_uri -> Nullable<Text>,
        h323_id -> Nullable<Text>,
        e164_alias -> Nullable<Text>,
        time_zone -> Nullable<Text>,
        allow_booking -> Bool,
        remote_bookings -> Bool,
        details -> Nullable<Text>,
        from_file -> Bool,
        retired -> Bool,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        email -> Nullable<Text>,
        first_name -> Nullable<Text>,
        last_name -> Nullable<Text>,
        password_hash -> Nullable<Text>,
        display_name -> Nullable<Text>,
        hidden -> Bool,
        time_zone -> Nullable<Text>,
        primary_system_id -> Nullable<BigInt>,
        notifications -> Bool,
        source -> Text,
        from_file -> Bool,
        disabled -> Bool,
    }
}

diesel::table! {
    conference_reach (singleton) {
        singleton -> Integer,
        longest -> BigInt,
    }
}

diesel::table! {
    console_sessions (id) {
        id -> Text,
        user_id -> BigInt,
        csrf -> Text,
        last_used -> BigInt,
    }
}

diesel::table! {
    groups (id) {
        id -> BigInt,
        name -> Text,
        permissions -> Text,
        systems -> Nullable<Text>,
        is_default -> Bool,
        ldap_group -> Nullable<Text>,
        from_file -> Bool,
    }
}

diesel::table! {
    user_groups (user_id, group_id) {
        user_id -> BigInt,
        group_id -> BigInt,
    }
}

diesel::table! {
    client_sessions (id) {
        id -> Text,
        client_address -> Text,
        user_name -> Text,
        first_used -> BigInt,
        last_used -> BigInt,
    }
}

diesel::table! {
    conferences (id) {
        id -> BigInt,
        title -> Text,
        start_at -> BigInt,
        end_at -> BigInt,
        owner_id -> BigInt,
        owner_user_name -> Nullable<Text>,
        owner_first_name -> Nullable<Text>,
        owner_last_name -> Nullable<Text>,
        owner_email -> Nullable<Text>,
        settings -> Text,
        external_source_id -> Nullable<Text>,
        external_primary_key -> Nullable<Text>,
        version -> Integer,
        status -> Text,
        defective_reason -> Nullable<Text>,
        transaction_id -> BigInt,
        created_by -> BigInt,
        series_id -> Nullable<BigInt>,
        recurrence -> Nullable<Text>,
        instance_at -> Nullable<BigInt>,
        is_exception -> Bool,
        detached_source_id -> Nullable<Text>,
        detached_primary_key -> Nullable<Text>,
        route -> Nullable<Text>,
    }
}

diesel::table! {
    bridges (id) {
        id -> BigInt,
        name -> Text,
        family -> Text,
        address -> Text,
        username -> Text,
        password -> Text,
        enabled -> Bool,
        priority -> Integer,
        capabilities -> Text,
        capacity -> Text,
        numbering -> Text,
        reachable -> Bool,
        priced_capacity -> Nullable<Text>,
        health -> Nullable<Text>,
        tls -> Nullable<Text>,
        system_location -> Nullable<Text>,
        from_file -> Bool,
        down_since -> Nullable<BigInt>,
        last_failure -> Nullable<Text>,
        last_failure_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    heal_requests (id) {
        id -> BigInt,
        start_at -> BigInt,
        end_at -> BigInt,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> BigInt,
        conference_id -> Nullable<BigInt>,
        kind -> Text,
        recipients -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Nullable<Text>,
        ical -> Nullable<Text>,
        created_at -> BigInt,
        due_at -> BigInt,
        state -> Text,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        lease_until -> Nullable<BigInt>,
    }
}

diesel::table! {
    calendar_feeds (id) {
        id -> BigInt,
        token_hash -> Text,
        kind -> Text,
        subject_id -> BigInt,
        created_at -> BigInt,
        revoked_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    installation (singleton) {
        singleton -> Integer,
        id -> Text,
    }
}

diesel::table! {
    meeting_calls (conference_id, call_key) {
        conference_id -> BigInt,
        call_key -> Text,
        address -> Text,
        protocol -> Text,
        state -> Text,
        reason -> Nullable<Text>,
        attempts -> Integer,
        updated_at -> BigInt,
    }
}

diesel::table! {
    bridge_owners (bridge_id) {
        bridge_id -> BigInt,
        node -> Text,
        lease_until -> BigInt,
    }
}

diesel::table! {
    bridge_jobs (id) {
        id -> BigInt,
        conference_id -> BigInt,
        bridge_id -> BigInt,
        kind -> Text,
        due_at -> BigInt,
        state -> Text,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        lease_until -> Nullable<BigInt>,
    }
}

diesel::table! {
    bridge_loads (conference_id) {
        conference_id -> BigInt,
        bridge_id -> BigInt,
        start_at -> BigInt,
        end_at -> BigInt,
        units -> BigInt,
        number -> BigInt,
    }
}

diesel::table! {
    bridge_load_reach (id) {
        id -> Integer,
        longest -> BigInt,
    }
}

diesel::table! {
    reservation_reach (system_id) {
        system_id -> BigInt,
        longest -> BigInt,
    }
}

diesel::table! {
    participants (conference_id, position) {
        conference_id -> BigInt,
        position -> Integer,
        participant_id -> BigInt,
        name_or_number -> Nullable<Text>,
        email -> Nullable<Text>,
        call_type -> Text,
    }
}

diesel::table! {
    reservations (conference_id, system_id) {
        conference_id -> BigInt,
        system_id -> BigInt,
        start_at -> BigInt,
        end_at -> BigInt,
    }
}

diesel::table! {
    transactions (id) {
        id -> BigInt,
        conference_id -> BigInt,
        kind -> Text,
        performed_by -> BigInt,
        system_ids -> Text,
        external_source_id -> Nullable<Text>,
        external_primary_key -> Nullable<Text>,
        created_at -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    systems,
    users,
    conferences,
    participants,
    reservations,
    reservation_reach,
    transactions,
    bridges,
    bridge_loads,
    bridge_load_reach,
    groups,
    user_groups,
    client_sessions,
    bridge_jobs,
    bridge_owners,
    installation,
    meeting_calls,
    heal_requests,
    mail_outbox,
    calendar_feeds
);
