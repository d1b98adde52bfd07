//! The Check dialog's data (the model checker in the page): the configurations it offers, the
//! form, and the text of the request the page sends the tools worker.
//!
//! The checker runs in the tools worker (`tools::check`), and so does the rendering of its
//! progress and result (`tools::check::markup`): the page's wasm carries neither, because the
//! page's first load has a budget. The request is plain text: the configuration as a
//! scenario's link payload (the page already writes those), and the bounds as `name=value`
//! pairs joined by `&` (`query`), which the worker reads and checks (`tools::check::parse`),
//! saying what to fix.

use crate::protocol::Broken;
use crate::sim::{Config, Topology};

/// A configuration to check: the one on screen, or a preset.
pub struct Preset {
    pub label: &'static str,
    /// `None`: the configuration of the scenario on screen.
    pub config: Option<Config>,
}

fn separate(proposers: u8, acceptors: u8, nack: bool, broken: Broken) -> Option<Config> {
    let topology = Topology::Separate { proposers, acceptors, learners: 1 };
    Some(Config { topology, nack, broken, ..Config::default() })
}

/// The presets, the scenario on screen first (in the order of `FORM_CONFIG`'s options). Every
/// one is small enough to finish in seconds with one round and no faults.
pub fn presets() -> Vec<Preset> {
    let ok = Broken::default();
    let ignore = Broken { ignore_accepted_values: true, ..Broken::default() };
    let servers = Config { topology: Topology::Servers { count: 2 }, ..Config::default() };
    vec![
        Preset { label: "The scenario on screen", config: None },
        Preset { label: "1 proposer, 3 acceptors, 1 learner", config: separate(1, 3, true, ok) },
        Preset { label: "2 proposers, 2 acceptors, 1 learner", config: separate(2, 2, true, ok) },
        Preset { label: "2 proposers, 3 acceptors, 1 learner", config: separate(2, 3, true, ok) },
        Preset { label: "2 servers (every node plays every role)", config: Some(servers) },
        Preset {
            label: "BROKEN: 2 proposers ignore accepted values, 3 acceptors, Nack off",
            config: separate(2, 3, false, ignore),
        },
    ]
}

/// What a configuration is, in one line: "2 proposers, 3 acceptors, 1 learner · quorums 2/2 ·
/// Nack on", then any warning (BROKEN, UNSAFE) it carries.
pub fn config_summary(c: &Config) -> String {
    let plural = |n: u8, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    let nodes = match c.topology {
        Topology::Servers { count } => format!("{} (every node plays every role)", plural(count, "server")),
        Topology::Separate { proposers, acceptors, learners } => format!(
            "{}, {}, {}",
            plural(proposers, "proposer"),
            plural(acceptors, "acceptor"),
            plural(learners, "learner")
        ),
    };
    let q = c.effective_quorums();
    let mut out = format!("{nodes} · quorums {}/{} · Nack {}", q.phase1, q.phase2, if c.nack { "on" } else { "off" });
    for w in c.warnings() {
        out.push_str(" · ");
        out.push_str(w.split(':').next().unwrap_or_default());
    }
    out
}

/// Every setting of the request, with its default: the form's controls are `#check-NAME`
/// (a text field, a checkbox sent as `1` or `0`, or the goal's list), and the worker takes
/// the default for a setting left out.
pub const FIELDS: [(&str, &str); 11] = [
    ("rounds", "1"),
    ("drops", "0"),
    ("duplicates", "0"),
    ("crashes", "0"),
    ("depth", ""),
    ("max_states", "10000000"),
    ("max_mib", "512"),
    ("recover", "1"),
    ("symmetry", "0"),
    ("dfs", "0"),
    ("goal", ""),
];

/// The limits the worker takes when the request leaves them out (`FIELDS`'s defaults).
pub const MAX_STATES_DEFAULT: u64 = 10_000_000;
pub const MAX_MIB_DEFAULT: u64 = 512;

/// The form's first part, as markup: the warning and the configurations (`presets`, in order).
/// Markup, not `html!`: written as `html!`, the form costs the page's wasm several KB of code
/// (each element is code there, and text here). The page inserts it once; the browser keeps
/// the controls' state, and the page reads them when Start is pressed.
pub const FORM_CONFIG: &str = "<legend>Configuration</legend>\
<p id=\"check-warning\" class=\"form-warning\">The number of states grows exponentially with nodes, rounds and \
faults: start small. The limits end a search that grows too large with \"incomplete: N states explored\".</p>\
<select id=\"check-preset\" aria-label=\"Configuration to check\">\
<option value=\"0\">The scenario on screen</option>\
<option value=\"1\">1 proposer, 3 acceptors, 1 learner</option>\
<option value=\"2\">2 proposers, 2 acceptors, 1 learner</option>\
<option value=\"3\">2 proposers, 3 acceptors, 1 learner</option>\
<option value=\"4\">2 servers (every node plays every role)</option>\
<option value=\"5\">BROKEN: 2 proposers ignore accepted values, 3 acceptors, Nack off</option></select>\
<p class=\"check-note\">Each proposer's client asks once for its own letter (\"A\", \"B\", …).</p>";

/// The form's second part: the bounds, the search and the goal (every `FIELDS` name).
pub const FORM_BOUNDS: &str = "<legend>Bounds and search</legend><div class=\"check-fields\">\
<label class=\"field\" for=\"check-rounds\"><span>Rounds</span><input id=\"check-rounds\" type=\"text\" inputmode=\"numeric\" size=\"8\" value=\"1\" autocomplete=\"off\"></label>\
<label class=\"field\" for=\"check-drops\"><span>Drops</span><input id=\"check-drops\" type=\"text\" inputmode=\"numeric\" size=\"8\" value=\"0\" autocomplete=\"off\"></label>\
<label class=\"field\" for=\"check-duplicates\"><span>Duplicates</span><input id=\"check-duplicates\" type=\"text\" inputmode=\"numeric\" size=\"8\" value=\"0\" autocomplete=\"off\"></label>\
<label class=\"field\" for=\"check-crashes\"><span>Crashes</span><input id=\"check-crashes\" type=\"text\" inputmode=\"numeric\" size=\"8\" value=\"0\" autocomplete=\"off\"></label>\
<label class=\"field\" for=\"check-depth\"><span>Depth limit</span><input id=\"check-depth\" type=\"text\" inputmode=\"numeric\" size=\"8\" value=\"\" placeholder=\"none\" autocomplete=\"off\"></label>\
<label class=\"field\" for=\"check-max_states\"><span>State limit</span><input id=\"check-max_states\" type=\"text\" inputmode=\"numeric\" size=\"8\" value=\"10000000\" autocomplete=\"off\"></label>\
<label class=\"field\" for=\"check-max_mib\"><span>Memory limit, MiB</span><input id=\"check-max_mib\" type=\"text\" inputmode=\"numeric\" size=\"8\" value=\"512\" autocomplete=\"off\"></label></div>\
<label class=\"check\"><input id=\"check-recover\" type=\"checkbox\" checked> A crashed node may recover</label>\
<label class=\"check\"><input id=\"check-symmetry\" type=\"checkbox\"> Symmetry: interchangeable acceptors and learners count once</label>\
<label class=\"check\"><input id=\"check-dfs\" type=\"checkbox\"> Depth-first (otherwise breadth-first: shortest runs first)</label>\
<label class=\"field wide\" for=\"check-goal\"><span>Find a run where…</span><select id=\"check-goal\">\
<option value=\"\">(no goal: check the invariants)</option>\
<option value=\"two-values-accepted\">two different values are accepted at once</option>\
<option value=\"chosen-after-crash\">a value is chosen after a proposer crashed</option>\
<option value=\"accepted-not-chosen\">an acceptor accepted a value that is not the chosen one</option>\
<option value=\"adopted\">a proposer adopts a value it did not propose</option></select></label>";

/// The request's second argument: `name=value` pairs joined by `&`, values trimmed, with `&`
/// and `=` removed from them so that a typed character cannot add a pair.
pub fn query<'a>(pairs: impl IntoIterator<Item = (&'a str, String)>) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(&value.trim().replace(['&', '='], ""));
    }
    out
}

/// The request with every setting at its default but `changes` (what the untouched form sends).
pub fn default_query(changes: &[(&str, &str)]) -> String {
    query(FIELDS.iter().map(|&(n, d)| (n, changes.iter().find(|c| c.0 == n).map_or(d, |c| c.1).to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_carries_every_setting_and_no_stray_pair() {
        assert_eq!(
            default_query(&[("rounds", " 2 "), ("goal", "adopted"), ("dfs", "1")]),
            "rounds=2&drops=0&duplicates=0&crashes=0&depth=&max_states=10000000&max_mib=512&recover=1&symmetry=0&dfs=1&goal=adopted"
        );
        assert_eq!(query([("rounds", "1&rounds=9".to_string())]), "rounds=1rounds9");
        assert_eq!(FIELDS[5].1, MAX_STATES_DEFAULT.to_string());
        assert_eq!(FIELDS[6].1, MAX_MIB_DEFAULT.to_string());
    }

    /// The form's markup holds a control for every setting, showing its default, and the
    /// presets in order.
    #[test]
    fn the_form_matches_the_settings_and_the_presets() {
        for (name, default) in FIELDS {
            let id = format!("id=\"check-{name}\"");
            assert_eq!(FORM_BOUNDS.matches(&id).count(), 1, "{name}");
            let control = &FORM_BOUNDS[FORM_BOUNDS.find(&id).unwrap()..];
            let control = &control[..control.find('>').unwrap()];
            match default {
                "1" if control.contains("checkbox") => assert!(control.contains(" checked"), "{name}"),
                "0" if control.contains("checkbox") => assert!(!control.contains("checked"), "{name}"),
                _ if name == "goal" => assert!(FORM_BOUNDS.contains("<option value=\"\">")),
                d => assert!(control.contains(&format!("value=\"{d}\"")), "{name}: {control}"),
            }
        }
        for (i, p) in presets().iter().enumerate() {
            assert!(FORM_CONFIG.contains(&format!("<option value=\"{i}\">{}</option>", p.label)), "{}", p.label);
        }
        assert_eq!(FORM_CONFIG.matches("<option").count(), presets().len());
        for markup in [FORM_CONFIG, FORM_BOUNDS] {
            assert_eq!(markup.matches('<').count(), markup.matches('>').count());
        }
    }

    #[test]
    fn a_configuration_in_one_line() {
        assert_eq!(config_summary(&Config::default()), "2 proposers, 3 acceptors, 1 learner · quorums 2/2 · Nack on");
        assert_eq!(
            config_summary(presets()[5].config.as_ref().unwrap()),
            "2 proposers, 3 acceptors, 1 learner · quorums 2/2 · Nack off · BROKEN"
        );
        assert_eq!(
            config_summary(presets()[4].config.as_ref().unwrap()),
            "2 servers (every node plays every role) · quorums 2/2 · Nack on"
        );
    }

    #[test]
    fn presets_are_valid_configurations() {
        let all = presets();
        assert!(all[0].config.is_none());
        for p in &all[1..] {
            assert_eq!(p.config.as_ref().map(|c| c.validate()), Some(Ok(())), "{}", p.label);
        }
    }
}
