//! Collection GETs as "Retrieving, paginating, filtering and ordering resource details"
//! describes them (l.2039-2161 of `shared/spec/pexip-infinity-management-api-v14.txt`):
//! the envelope `{"meta": {...}, "objects": [...]}` (l.2057-2061, meta as at l.1272-1278),
//! 20 per page unless `limit` says otherwise and `offset` for later pages (l.2071-2084),
//! `?field[__spec]=value` filters (l.2089-2141) and `order_by` (l.2143-2161).
use super::store::ApiError;
use serde_json::{json, Value};
use std::cmp::Ordering;

/// "By default, the response is paginated and it contains the first page of 20 results"
/// (l.2071).
const DEFAULT_LIMIT: usize = 20;
const RESERVED: &[&str] = &["limit", "offset", "order_by", "format"];

fn encode(s: &str) -> String {
    s.bytes()
        .map(|c| match c {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (c as char).to_string()
            }
            _ => format!("%{c:02X}"),
        })
        .collect()
}

/// One page of `objects` after the query's filters and ordering; `filterable` lists the
/// fields the resource's schema allows filtering on. `links`: whether `meta.next` and
/// `meta.previous` carry URIs; the guide only ever shows them null (l.1274-1276) and pages
/// by `offset` (l.2071-2076), so a client must manage without them.
pub fn page(
    path: &str,
    query: &[(String, String)],
    mut objects: Vec<Value>,
    filterable: &[&str],
    links: bool,
) -> Result<Value, ApiError> {
    let bad = |m: String| ApiError {
        status: 400,
        body: json!({ "error": m }),
    };
    for (key, want) in query
        .iter()
        .filter(|(k, _)| !RESERVED.contains(&k.as_str()))
    {
        let (field, spec) = key.split_once("__").unwrap_or((key, "exact"));
        // Only the criteria the resource's schema lists can filter (l.2111).
        if !filterable.contains(&field) {
            return Err(bad(format!(
                "The '{field}' field does not allow filtering."
            )));
        }
        let mut kept = Vec::with_capacity(objects.len());
        for o in objects {
            if matches(&o[field], spec, want).map_err(|m| bad(m.to_string()))? {
                kept.push(o);
            }
        }
        objects = kept;
    }
    if let Some((_, order)) = query.iter().find(|(k, _)| k == "order_by") {
        let (field, desc) = match order.strip_prefix('-') {
            Some(f) => (f, true),
            None => (order.as_str(), false),
        };
        objects.sort_by(|a, b| {
            let o = compare(&a[field], &b[field]);
            if desc {
                o.reverse()
            } else {
                o
            }
        });
    }
    let number = |k: &str, default: usize| -> Result<usize, ApiError> {
        match query.iter().find(|(n, _)| n == k) {
            Some((_, v)) => v.parse().map_err(|_| bad(format!("Invalid {k}."))),
            None => Ok(default),
        }
    };
    let limit = number("limit", DEFAULT_LIMIT)?;
    let offset = number("offset", 0)?;
    let total = objects.len();
    let shown: Vec<Value> = if limit == 0 {
        objects.into_iter().skip(offset).collect()
    } else {
        objects.into_iter().skip(offset).take(limit).collect()
    };
    let link = |offset: usize| {
        let mut q: Vec<String> = query
            .iter()
            .filter(|(k, _)| k != "limit" && k != "offset")
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        q.push(format!("limit={limit}"));
        q.push(format!("offset={offset}"));
        json!(format!("{path}?{}", q.join("&")))
    };
    let next = if links && limit > 0 && offset + limit < total {
        link(offset + limit)
    } else {
        Value::Null
    };
    let previous = if links && limit > 0 && offset > 0 {
        link(offset.saturating_sub(limit))
    } else {
        Value::Null
    };
    Ok(json!({
        "meta": {"limit": limit, "next": next, "offset": offset, "previous": previous,
                 "total_count": total},
        "objects": shown,
    }))
}

/// A list field (an ADP's services) matches when any element does, and a URI also matches
/// its bare id.
fn matches(have: &Value, spec: &str, want: &str) -> Result<bool, &'static str> {
    if let Value::Array(items) = have {
        for item in items {
            if matches(item, spec, want)? {
                return Ok(true);
            }
            if let Some(uri) = item.as_str() {
                if spec == "exact" && uri.trim_end_matches('/').rsplit('/').next() == Some(want) {
                    return Ok(true);
                }
            }
        }
        return Ok(false);
    }
    let text = match have {
        Value::String(s) => s.clone(),
        Value::Null => return Ok(false),
        other => other.to_string(),
    };
    // A URI field (a history participant's `conference`, l.1521) is filtered by the
    // object's id (l.1506).
    if spec == "exact"
        && text.starts_with("/api/")
        && text.trim_end_matches('/').rsplit('/').next() == Some(want)
    {
        return Ok(true);
    }
    let (t, w) = (text.to_lowercase(), want.to_lowercase());
    // The specifiers of l.2095-2109 ("ieexact" as the guide spells it, l.2097).
    Ok(match spec {
        "exact" => text == want,
        "iexact" | "ieexact" => t == w,
        "contains" => text.contains(want),
        "icontains" => t.contains(&w),
        "startswith" => text.starts_with(want),
        "istartswith" => t.starts_with(&w),
        "endswith" => text.ends_with(want),
        "iendswith" => t.ends_with(&w),
        "lt" | "lte" | "gt" | "gte" => {
            let o = match (have.as_f64(), want.parse::<f64>()) {
                (Some(a), Ok(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
                _ => text.as_str().cmp(want),
            };
            match spec {
                "lt" => o == Ordering::Less,
                "lte" => o != Ordering::Greater,
                "gt" => o == Ordering::Greater,
                _ => o != Ordering::Less,
            }
        }
        "regex" | "iregex" => return Err("regex filters are not supported by this simulator."),
        _ => return Err("Unknown filter specifier."),
    })
}

fn compare(a: &Value, b: &Value) -> Ordering {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => a.to_string().cmp(&b.to_string()),
    }
}
