//! The Configure dialog of the Multi-Paxos mode: its fields, grouped, with the words a person
//! reads, each field's value for a scenario, and the scenario a filled-in form asks for (or
//! why it cannot run, in words). The page (`ui::multi::config`) only draws the fields and
//! reads them back.

use super::{MultiPageConfig, MultiScenario, MultiVariantChoice};

/// How a field is edited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// A whole number.
    Number,
    /// A whole number, or blank for the default the hint names.
    Optional,
    /// On or off (`"1"` or `""`).
    Check,
    /// The protocol variant, by its index in `MultiVariantChoice::ALL`.
    Variant,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// The control's id is `mc-{id}`.
    pub id: &'static str,
    pub label: &'static str,
    /// What a blank or a unit means, shown beside the control.
    pub hint: &'static str,
    pub kind: FieldKind,
}

const fn field(id: &'static str, label: &'static str, hint: &'static str, kind: FieldKind) -> Field {
    Field { id, label, hint, kind }
}

use FieldKind::{Check, Number, Optional, Variant};

/// The dialog's groups of fields, in order.
pub const GROUPS: [(&str, &[Field]); 6] = [
    (
        "Replicas and clients",
        &[
            field("replicas", "Replicas", "3 to 9", Number),
            field("clients", "Clients", "1 to 9", Number),
            field("variant", "Protocol", "", Variant),
        ],
    ),
    (
        "Quorums",
        &[
            field("q1", "Phase 1 quorum (promises to lead)", "blank: a majority", Optional),
            field("q2", "Phase 2 quorum (acceptances to choose)", "blank: a majority", Optional),
        ],
    ),
    (
        "Timers, in ticks",
        &[
            field("heartbeat", "Heartbeat interval", "ticks", Number),
            field("election_min", "Election timeout, shortest", "ticks", Number),
            field("election_max", "Election timeout, longest", "ticks", Number),
            field("retry", "Client retry timeout", "ticks", Number),
        ],
    ),
    (
        "Leases and the log",
        &[
            field("lease", "Leader leases for reads", "", Check),
            field("lease_ticks", "Lease length", "ticks", Number),
            field("drift", "Clock drift bound", "ticks", Number),
            field("window", "Pipeline window", "slots in flight, 1 to 16", Number),
            field("compaction", "Snapshot every", "applied slots; blank: never", Optional),
        ],
    ),
    (
        "Network",
        &[
            field("latency_min", "Latency, shortest", "ticks, 1 to 20", Number),
            field("latency_max", "Latency, longest", "ticks, 1 to 20", Number),
            field("loss", "Messages lost", "percent, 0 to 50", Number),
        ],
    ),
    (
        "Workload",
        &[
            field("workload", "Clients send operations by themselves", "", Check),
            field("keys", "Keys", "1 to 10", Number),
            field("reads", "Reads", "percent", Number),
            field("writes", "Writes", "percent; the rest are compare-and-sets", Number),
            field("seed", "Seed", "the run's randomness", Number),
        ],
    ),
];

/// Every field, in the dialog's order.
pub fn fields() -> impl Iterator<Item = &'static Field> {
    GROUPS.iter().flat_map(|(_, f)| f.iter())
}

/// The text a field shows for `s`.
pub fn value(s: &MultiScenario, id: &str) -> String {
    let c = &s.config;
    let opt = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
    let check = |b: bool| if b { "1" } else { "" }.to_string();
    match id {
        "replicas" => c.replicas.to_string(),
        "clients" => c.clients.to_string(),
        "variant" => MultiVariantChoice::ALL.iter().position(|v| *v == c.variant).unwrap_or(0).to_string(),
        "q1" => opt(c.phase1_quorum.map(u32::from)),
        "q2" => opt(c.phase2_quorum.map(u32::from)),
        "heartbeat" => c.heartbeat_ticks.to_string(),
        "election_min" => c.election_ticks_min.to_string(),
        "election_max" => c.election_ticks_max.to_string(),
        "retry" => c.client_timeout_ticks.to_string(),
        "lease" => check(c.lease),
        "lease_ticks" => c.lease_ticks.to_string(),
        "drift" => c.lease_drift.to_string(),
        "window" => c.window.to_string(),
        "compaction" => opt(c.compaction),
        "latency_min" => c.latency_min.to_string(),
        "latency_max" => c.latency_max.to_string(),
        "loss" => c.loss_percent.to_string(),
        "workload" => check(s.workload),
        "keys" => c.keys.to_string(),
        "reads" => c.read_percent.to_string(),
        "writes" => c.write_percent.to_string(),
        "seed" => s.seed.to_string(),
        _ => String::new(),
    }
}

fn label(id: &str) -> &'static str {
    fields().find(|f| f.id == id).map_or("A field", |f| f.label)
}

fn number(id: &str, text: &str) -> Result<u64, String> {
    let t = text.trim();
    t.parse::<u64>().map_err(|_| {
        let shown: String = t.chars().take(20).collect();
        if shown.is_empty() {
            format!("{} is empty: it needs a whole number.", label(id))
        } else {
            format!("{} must be a whole number, not \"{shown}\".", label(id))
        }
    })
}

fn small<T: TryFrom<u64>>(id: &str, v: u64) -> Result<T, String> {
    T::try_from(v).map_err(|_| format!("{} is far too large: {v}.", label(id)))
}

/// The run a filled-in form asks for (`get` reads a field's text by id): the configuration,
/// the workload switch and the seed from the form, no action yet, in time (not scripted); or
/// what is wrong, in words.
pub fn from_form(get: impl Fn(&str) -> String) -> Result<MultiScenario, String> {
    let num = |id: &str| number(id, &get(id));
    let byte = |id: &str| num(id).and_then(|v| small::<u8>(id, v));
    let ticks = |id: &str| num(id).and_then(|v| small::<u32>(id, v));
    let optional = |id: &str| -> Result<Option<u64>, String> {
        if get(id).trim().is_empty() {
            Ok(None)
        } else {
            num(id).map(Some)
        }
    };
    let on = |id: &str| !get(id).trim().is_empty();
    let variant = match num("variant") {
        Ok(i) => MultiVariantChoice::ALL.get(i as usize).copied().ok_or("There is no such protocol variant.")?,
        Err(e) => return Err(e),
    };
    let config = MultiPageConfig {
        replicas: byte("replicas")?,
        clients: byte("clients")?,
        window: byte("window")?,
        lease: on("lease"),
        compaction: optional("compaction")?.map(|v| small("compaction", v)).transpose()?,
        variant,
        keys: byte("keys")?,
        loss_percent: byte("loss")?,
        latency_min: byte("latency_min")?,
        latency_max: byte("latency_max")?,
        phase1_quorum: optional("q1")?.map(|v| small("q1", v)).transpose()?,
        phase2_quorum: optional("q2")?.map(|v| small("q2", v)).transpose()?,
        heartbeat_ticks: ticks("heartbeat")?,
        election_ticks_min: ticks("election_min")?,
        election_ticks_max: ticks("election_max")?,
        client_timeout_ticks: ticks("retry")?,
        lease_ticks: ticks("lease_ticks")?,
        lease_drift: ticks("drift")?,
        read_percent: byte("reads")?,
        write_percent: byte("writes")?,
    };
    let scenario = MultiScenario {
        title: "Your configuration".into(),
        config,
        seed: num("seed")?,
        schedule: Vec::new(),
        workload: on("workload"),
        script_pace: None,
        captions: Vec::new(),
    };
    scenario.validate()?;
    Ok(scenario)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::multi::{default_scenario, MultiAction, MultiPlayground};
    use std::collections::BTreeMap;

    fn form(s: &MultiScenario) -> BTreeMap<&'static str, String> {
        fields().map(|f| (f.id, value(s, f.id))).collect()
    }

    fn read(form: &BTreeMap<&'static str, String>) -> Result<MultiScenario, String> {
        from_form(|id| form.get(id).cloned().unwrap_or_default())
    }

    #[test]
    fn every_field_is_labelled_unique_and_round_trips() {
        let ids: Vec<&str> = fields().map(|f| f.id).collect();
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ids.len());
        assert!(fields().all(|f| !f.label.is_empty() && !f.label.contains('_')));
        let mut s = default_scenario();
        s.title = "Your configuration".into();
        assert_eq!(read(&form(&s)), Ok(s.clone()), "the default run round-trips");
        s.config.phase1_quorum = Some(4);
        s.config.phase2_quorum = Some(2);
        s.config.compaction = Some(20);
        s.config.lease = true;
        s.config.variant = MultiVariantChoice::LeaseWithoutWait;
        s.config.heartbeat_ticks = 7;
        s.seed = 99;
        s.workload = false;
        assert_eq!(read(&form(&s)), Ok(s));
    }

    #[test]
    fn the_form_says_in_words_what_is_wrong() {
        let base = form(&default_scenario());
        let with = |id: &'static str, v: &str| {
            let mut f = base.clone();
            f.insert(id, v.to_string());
            read(&f).expect_err("refused")
        };
        assert_eq!(with("heartbeat", "fast"), "Heartbeat interval must be a whole number, not \"fast\".");
        assert_eq!(with("replicas", ""), "Replicas is empty: it needs a whole number.");
        assert_eq!(with("clients", "300"), "Clients is far too large: 300.");
        assert_eq!(
            with("q1", "2"),
            "A Phase 1 quorum of 2 and a Phase 2 quorum of 3 need not share a replica among 5: together they must be more than 5."
        );
        assert!(with("q2", "6").contains("The Phase 2 quorum must be between 1 and 5, not 6."));
        assert!(with("heartbeat", "12").contains("must be shorter than the shortest election timeout (12)"));
        assert!(
            with("election_min", "30").contains("The shortest election timeout (30) must not exceed the longest (24).")
        );
        assert!(with("drift", "12").contains("The drift bound (12) must be shorter than the lease (12)."));
        assert!(with("reads", "70").contains("Reads (70%) and writes (40%) together must not pass 100%."));
        assert!(with("variant", "3").contains("The broken lease variant needs leases on."));
        assert!(with("variant", "9").contains("no such protocol variant"));
        // A flexible pair that intersects is fine.
        let mut f = base.clone();
        f.insert("q1", "4".into());
        f.insert("q2", "2".into());
        assert_eq!(read(&f).map(|s| s.config.cluster().phase1_quorum), Ok(4));
    }

    #[test]
    fn the_configured_fields_change_the_run() {
        let run = |f: fn(&mut MultiScenario)| {
            let mut s = default_scenario();
            f(&mut s);
            let mut p = MultiPlayground::new(default_scenario());
            p.reduce(MultiAction::Load(Box::new(s)));
            assert_eq!(p.error, None);
            p.history.extend(400);
            p.history.trace_hash()
        };
        let base = run(|_| {});
        let changed = [
            run(|s| s.config.heartbeat_ticks = 3),
            run(|s| s.config.election_ticks_min = 20),
            run(|s| s.config.client_timeout_ticks = 15),
            run(|s| s.config.phase1_quorum = Some(5)),
            run(|s| s.config.phase2_quorum = Some(4)),
            run(|s| s.config.read_percent = 55),
            run(|s| {
                s.config.lease = true;
                s.config.lease_ticks = 40;
            }),
        ];
        for (i, h) in changed.iter().enumerate() {
            assert_ne!(*h, base, "field {i} changes nothing");
        }
        // A Phase 1 quorum of all five: one replica down and no one can be elected.
        let mut s = default_scenario();
        s.config.phase1_quorum = Some(5);
        s.config.phase2_quorum = Some(1);
        s.workload = false;
        s.schedule = vec![super::super::MultiScheduled {
            step: 0,
            action: super::super::PersonAction::Act(crate::sim::Action::Crash { node: crate::protocol::NodeId(0) }),
        }];
        let mut h = s.history();
        h.extend(2_000);
        let led = h.trace.iter().any(|e| matches!(e.kind, crate::sim::multi::MultiEvent::Leader { .. }));
        assert!(!led, "no leader without all five promises");
    }
}
