//! Exports of a Multi-Paxos run's client history (issue 10, "Links, files, embed"): the
//! operations up to the cursor as the project's JSON Lines and as Jepsen EDN (both read back
//! by `lincheck::parse`), and the history diagram as a standalone SVG: a lane per client, a bar
//! per operation from its call to its answer (open-ended while unanswered), the verdict, and
//! the operations of a violation in red. Every text in the picture is escaped.

use super::frame::{explain, reply_text, violation};
use super::{name, MultiPlayground};
use crate::decimal::fixed;
use crate::lincheck::{generate, History, Verdict};
use crate::view::spacetime::export::{escape, frame, Caption, Colours};

/// Width of the exported diagram.
pub const SVG_WIDTH: f64 = 960.0;
/// Room for the verdict and its explanation above the lanes, a line each.
const VERDICT_LINE: f64 = 16.0;
const LANE: f64 = 40.0;
const BAR: f64 = 14.0;
/// Room for the lane's name on the left, and the right margin.
const LABELS: f64 = 48.0;
const RIGHT: f64 = 12.0;
/// About how wide a character of an 11 px label is, to show a bar's text only where it fits.
const CHAR: f64 = 6.2;
/// The longest line of the explanation, in characters, before it wraps.
const WRAP: usize = 140;

const DONE: &str = "#1f6fb2";
const OPEN: &str = "#7a7a7a";
const RED: &str = "#c62828";
const GREEN: &str = "#2e7d32";

/// The clients' history up to the cursor, as the linearizability checker reads it.
pub fn client_history(p: &MultiPlayground) -> History {
    crate::sim::multi::drive::history(&p.history.world().system.monitor.history)
}

/// The history up to the cursor in the project's JSON Lines format.
pub fn history_json(p: &MultiPlayground) -> String {
    generate::to_json_lines(&client_history(p))
}

/// The history up to the cursor as Jepsen EDN (one operation map a line). Jepsen's register
/// has no versions, so a violation only the versions show (a write applied twice with the same
/// value) reads back from EDN as linearizable; the JSON Lines keep the versions.
pub fn history_edn(p: &MultiPlayground) -> String {
    generate::to_edn(&client_history(p))
}

/// What the verdict line says.
fn verdict_text(v: Verdict) -> (&'static str, &'static str) {
    match v {
        Verdict::Linearizable => ("Verdict: linearizable (every operation fits one order).", GREEN),
        Verdict::NotLinearizable => ("Verdict: not linearizable.", RED),
        Verdict::Unknown => ("Verdict: not decided yet (the checker ran out of budget).", OPEN),
    }
}

/// `text` in lines of at most `WRAP` characters, broken at spaces.
fn wrap(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= WRAP => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// The history diagram up to the cursor as a standalone SVG document, framed with the run's
/// title, seed, trace hash and step (`spacetime::export::frame`).
pub fn history_svg(p: &MultiPlayground, colours: &Colours) -> String {
    history_picture(p, colours).0
}

/// `history_svg` and its size (width, height), for drawing it on a canvas.
pub fn history_picture(p: &MultiPlayground, colours: &Colours) -> (String, f64, f64) {
    let h = &p.history;
    let world = h.world();
    let cluster = &world.system.cluster;
    let ops = &world.system.monitor.history;
    let (failure, involved) = violation(p);
    let (verdict, verdict_colour) = verdict_text(h.verdict());
    let explanation = failure.map(|f| wrap(&explain(cluster, ops, f))).unwrap_or_default();
    let fg = escape(colours.text);
    let mut svg = format!(
        "<text x=\"8\" y=\"12\" font-size=\"12\" font-weight=\"700\" fill=\"{verdict_colour}\">{}</text>",
        escape(verdict)
    );
    for (i, line) in explanation.iter().enumerate() {
        let y = fixed(12.0 + (i + 1) as f64 * VERDICT_LINE, 1);
        svg.push_str(&format!("<text x=\"8\" y=\"{y}\" font-size=\"11\" fill=\"{fg}\">{}</text>", escape(line)));
    }
    let top = (1 + explanation.len()) as f64 * VERDICT_LINE + 8.0;
    let now = h.time().max(1);
    let span = SVG_WIDTH - LABELS - RIGHT;
    let x_of = |t: u64| LABELS + span * (t.min(now) as f64 / now as f64);
    let lane_of = |c: crate::protocol::NodeId| c.index().saturating_sub(cluster.replicas.len());
    for (i, c) in cluster.clients.iter().enumerate() {
        let y = top + i as f64 * LANE;
        svg.push_str(&format!(
            "<text x=\"8\" y=\"{}\" font-size=\"12\" fill=\"{fg}\">{}</text>\
             <line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"{fg}\" stroke-opacity=\"0.25\"/>",
            fixed(y + LANE / 2.0 + 4.0, 1),
            escape(&name(cluster, *c)),
            fixed(LABELS, 1),
            fixed(SVG_WIDTH - RIGHT, 1),
            fixed(y + LANE / 2.0, 1),
            fixed(y + LANE / 2.0, 1),
        ));
    }
    for (index, op) in ops.iter().enumerate() {
        let y = top + lane_of(op.client) as f64 * LANE + (LANE - BAR) / 2.0 + 6.0;
        let (x1, x2) = (x_of(op.invoke.1), op.complete.as_ref().map_or(x_of(now), |c| x_of(c.1)));
        let width = (x2 - x1).max(2.0);
        let red = involved.contains(&index);
        let colour = if red {
            RED
        } else if op.complete.is_some() {
            DONE
        } else {
            OPEN
        };
        let (answer, until) = match &op.complete {
            Some((_, t, reply)) => (reply_text(reply), format!("t={t}")),
            None => ("no answer yet".to_string(), "now".to_string()),
        };
        let words = format!("{} {}: {}", name(cluster, op.client), op.op, answer);
        let title =
            format!("{words}, from t={} to {until}{}", op.invoke.1, if red { ", in the violation" } else { "" });
        let (x, y_text, w) = (fixed(x1, 1), fixed(y - 3.0, 1), fixed(width, 1));
        let stroke = if op.complete.is_some() { String::new() } else { " stroke-dasharray=\"4 3\"".to_string() };
        let fill_opacity = if op.complete.is_some() { "0.85" } else { "0.2" };
        svg.push_str(&format!(
            "<g><title>{}</title><rect x=\"{x}\" y=\"{}\" width=\"{w}\" height=\"{}\" rx=\"2\" fill=\"{colour}\" \
             fill-opacity=\"{fill_opacity}\" stroke=\"{colour}\" stroke-width=\"{}\"{stroke}/>",
            escape(&title),
            fixed(y, 1),
            fixed(BAR, 1),
            if red { "2.5" } else { "1" },
        ));
        let label = format!("{} {}", op.op, answer);
        if label.chars().count() as f64 * CHAR <= width {
            svg.push_str(&format!(
                "<text x=\"{x}\" y=\"{y_text}\" font-size=\"10\" fill=\"{}\">{}</text>",
                if red { RED } else { fg.as_str() },
                escape(&label)
            ));
        }
        svg.push_str("</g>");
    }
    let height = top + cluster.clients.len() as f64 * LANE + 8.0;
    let caption = Caption {
        title: &p.scenario.title,
        seed: p.scenario.seed,
        hash: h.trace_hash(),
        step: h.cursor(),
        time: h.time(),
    };
    let legend =
        [("answered", DONE.to_string()), ("no answer yet", OPEN.to_string()), ("in the violation", RED.to_string())];
    let (svg, total) = frame(&caption, colours, SVG_WIDTH, height, &[svg], &legend);
    (svg, SVG_WIDTH, total)
}
