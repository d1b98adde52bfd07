//! Where the Multi-Paxos stage's message labels go, so that no label covers a node's text (its
//! name, role, down or cut-off tag, leader badge), another label or the stage's edge, on a busy
//! stage too (five replicas, three clients, the workload on, dozens of messages in flight).
//!
//! The rules are single-decree's (`view::labels`), on the ring:
//! 1. Heartbeats and their acks carry no label (they come and go all the time; their tooltip
//!    names them). Messages with the same label close together (an Accept leaving the leader
//!    for every follower, Accepteds converging on it) share one: `4 × Accept 2.1 #7 write x=3`.
//! 2. Each label tries spots around its token, nearest first, and takes the first free one;
//!    failing that, it tries again shortened to its kind and ballot (`Accept 2.1`).
//! 3. At most `LABELS_MAX` labels are drawn: past that a busy stage is a wall of text. The
//!    messages left without a label are counted, and the stage says so in its corner (`more`).
//!
//! Labels are placed in a fixed order (the selected message first, then in the order messages
//! are in flight), so a paused moment always looks the same. Pure geometry in the stage's own
//! coordinates (`shape::StageShape`, wide or narrow): the stage only draws the result.

use super::frame::{NodeKind, NodeView, TokenView};
use crate::sim::MsgId;
use crate::view::labels::overlaps;
/// x0, x1, y0, y1, and whether two meet: the single-decree stage's (`view::labels`).
pub use crate::view::labels::Rect;

/// Most labels on the stage at once.
pub const LABELS_MAX: usize = 14;
/// One character of a label (`.m-tlabel`: monospace, 0.6 em, a little generous), and the
/// label's height above and below its baseline, per unit of its font size (`label_px`).
const CHAR_W: f64 = 6.8 / 11.0;
const ASCENT: f64 = 10.5 / 11.0;
const DESCENT: f64 = 3.0 / 11.0;
/// The line the stage writes under a crashed replica, in place of its role.
pub const CRASHED_LINE: &str = "crashed: click to recover";
/// One character of a node's role line (sans-serif, generous), and of its bold tag, per unit of
/// their font size (`line_px`).
const FIELD_CHAR_W: f64 = 8.0 / 13.0;
const TAG_CHAR_W: f64 = 8.6 / 13.0;
/// Gap between a token's centre and the near end of its label; the room a token takes.
const GAP_X: f64 = 10.0;
const TOKEN_R: f64 = 8.0;
/// Tokens with equal labels whose centres are this close share one label.
const STACK_DX: f64 = 40.0;
const STACK_DY: f64 = 16.0;
/// Baselines tried, relative to the token's centre: just above, just below, then further out
/// (for an 11-unit label; further apart for a larger one).
const BASELINES: [f64; 12] = [-9.0, 19.0, -24.0, 34.0, -39.0, 49.0, -54.0, 64.0, -69.0, 79.0, -84.0, 94.0];

/// A label: the token it names (an index into the frame's tokens), its text, how many tokens
/// it names, and the left end of its baseline on the stage.
#[derive(Clone, Debug, PartialEq)]
pub struct StageLabel {
    pub token: usize,
    pub text: String,
    pub count: usize,
    pub x: f64,
    pub y: f64,
}

/// A label's box on the wide stage with its baseline's left end at (x, y).
pub fn label_box(text: &str, x: f64, y: f64) -> Rect {
    label_box_in(&super::shape::WIDE, text, x, y)
}

/// A label's box on a stage of this shape (its labels' font size).
pub fn label_box_in(shape: &super::shape::StageShape, text: &str, x: f64, y: f64) -> Rect {
    let px = shape.label_px;
    [x, x + text.chars().count() as f64 * CHAR_W * px, y - ASCENT * px, y + DESCENT * px]
}

/// Whether a message of this kind (`frame::kind_class`) carries a label.
pub fn labelled(kind: &str) -> bool {
    !matches!(kind, "heartbeat" | "heartbeat-ack")
}

/// A line of text centred on `x` with its baseline at `y`.
fn centred(x: f64, y: f64, chars: usize, char_w: f64, size: f64) -> Rect {
    let w = chars as f64 * char_w / 2.0 + 3.0;
    [x - w, x + w, y - size, y + size * 0.3]
}

/// The line the stage writes under a node: a replica's role (`crashed: click to recover` when
/// it is down), cut to its first words where the stage is crowded (`StageShape::short_lines`:
/// `candidate 3.4`, `follower`, `crashed`); a client's operation. A candidate's count of
/// promises is drawn without its noun (`candidate 3.4: 2 of 3`): whole, two neighbours'
/// lines at the foot of the ring met when both campaigned (dueling leaders). The node's
/// tooltip, its accessible name and the phone's list keep the whole line.
pub fn node_line<'a>(shape: &super::shape::StageShape, n: &'a NodeView) -> &'a str {
    if n.kind == NodeKind::Client {
        return &n.role;
    }
    let line = if n.up { n.role.as_str() } else { CRASHED_LINE };
    if !shape.short_lines {
        return line.strip_suffix(" promises").unwrap_or(line);
    }
    line.split([',', ':', '(']).next().unwrap_or(line).trim_end()
}

/// What labels must stay off, as `ui::multi::stage` draws each node: a replica's circle (its
/// name inside), its leader badge above, its role line and down or cut-off tag below; a
/// client's box and its line below.
pub fn node_text(nodes: &[NodeView]) -> Vec<Rect> {
    node_text_in(&super::shape::WIDE, nodes)
}

/// `node_text` on a stage of this shape (the narrow stage draws no lines under the nodes).
pub fn node_text_in(shape: &super::shape::StageShape, nodes: &[NodeView]) -> Vec<Rect> {
    let mut v = Vec::new();
    let size = shape.line_px;
    let (field_w, tag_w) = (FIELD_CHAR_W * size, TAG_CHAR_W * size);
    let (half, top) = shape.badge();
    for n in nodes {
        let (x, y) = (n.x, n.y);
        let role = node_line(shape, n).chars().count();
        if n.kind == NodeKind::Replica {
            v.push([x - 37.0, x + 37.0, y - 37.0, y + 37.0]);
            if shape.node_lines {
                v.push(centred(x, y + 52.0, role, field_w, size));
            }
            if !n.up || n.partitioned {
                v.push(centred(x, y + shape.tag_dy(), 7, tag_w, size));
            }
            if n.leader.is_some() {
                v.push([x - half, x + half, y + top, y - 40.0]);
            }
        } else {
            v.push([x - 32.0, x + 32.0, y - 20.0, y + 20.0]);
            if shape.node_lines {
                v.push(centred(x, y + 34.0, role, field_w, size));
            }
        }
    }
    v.push(shape.more_box);
    v
}

/// Groups the labelled tokens into stacks: the tokens each label names, the first carrying it.
fn stacks(tokens: &[TokenView], order: &[usize]) -> Vec<Vec<usize>> {
    let mut taken = vec![false; tokens.len()];
    let mut out = Vec::new();
    for &i in order {
        if taken[i] {
            continue;
        }
        taken[i] = true;
        let mut stack = vec![i];
        for &j in order {
            let near = (tokens[j].x - tokens[i].x).abs() < STACK_DX && (tokens[j].y - tokens[i].y).abs() < STACK_DY;
            if !taken[j] && near && tokens[j].label == tokens[i].label {
                taken[j] = true;
                stack.push(j);
            }
        }
        out.push(stack);
    }
    out
}

/// Candidate spots for a label `w` wide on a token at (x, y): its baseline's left end. The
/// baselines are spread for the label's font size `px`.
fn spots(x: f64, y: f64, w: f64, leftward: bool, px: f64) -> impl Iterator<Item = (f64, f64)> {
    let ahead = if leftward { -GAP_X - w } else { GAP_X };
    let behind = if leftward { GAP_X } else { -GAP_X - w };
    BASELINES.into_iter().map(move |dy| dy * px / 11.0).flat_map(move |dy| {
        [ahead, behind, -w / 2.0, ahead + w / 2.0, behind - w / 2.0].into_iter().map(move |dx| (x + dx, y + dy))
    })
}

/// The labels of the stage's tokens, and how many labelled messages are left without one.
pub fn place(nodes: &[NodeView], tokens: &[TokenView], selected: Option<MsgId>) -> (Vec<StageLabel>, usize) {
    place_in(&super::shape::WIDE, nodes, tokens, selected)
}

/// `place` on a stage of this shape.
pub fn place_in(
    shape: &super::shape::StageShape,
    nodes: &[NodeView],
    tokens: &[TokenView],
    selected: Option<MsgId>,
) -> (Vec<StageLabel>, usize) {
    let blocked = node_text_in(shape, nodes);
    let first = tokens.iter().position(|t| Some(t.id) == selected);
    let order: Vec<usize> = first
        .into_iter()
        .chain((0..tokens.len()).filter(|&i| Some(i) != first))
        .filter(|&i| labelled(tokens[i].kind))
        .collect();
    let shapes: Vec<Rect> =
        tokens.iter().map(|t| [t.x - TOKEN_R, t.x + TOKEN_R, t.y - TOKEN_R, t.y + TOKEN_R]).collect();
    let x_of = |id| nodes.iter().find(|n| n.id == id).map_or(0.0, |n| n.x);
    let mut placed: Vec<Rect> = Vec::new();
    let mut labels = Vec::new();
    let mut unlabelled = 0;
    for stack in stacks(tokens, &order) {
        let t = &tokens[stack[0]];
        if labels.len() == LABELS_MAX {
            unlabelled += stack.len();
            continue;
        }
        let full = t.label.as_str();
        let short = full.match_indices(' ').nth(1).map_or(full, |(k, _)| &full[..k]);
        let leftward = x_of(t.to) < x_of(t.from);
        let mut found = None;
        for body in [full, short] {
            let text = match stack.len() {
                1 => body.to_string(),
                n => format!("{n} × {body}"),
            };
            let w = text.chars().count() as f64 * CHAR_W * shape.label_px;
            let free = |r: &Rect, avoid_tokens: bool| {
                r[0] >= 0.0
                    && r[1] <= shape.w
                    && r[2] >= 0.0
                    && r[3] <= shape.h
                    && !blocked.iter().chain(&placed).any(|b| overlaps(r, b))
                    && !(avoid_tokens && shapes.iter().any(|s| overlaps(r, s)))
            };
            found = [true, false].into_iter().find_map(|avoid| {
                spots(t.x, t.y, w, leftward, shape.label_px)
                    .map(|(x, y)| (x, y, label_box_in(shape, &text, x, y)))
                    .find(|(_, _, r)| free(r, avoid))
            });
            if let Some((x, y, r)) = found {
                placed.push(r);
                labels.push(StageLabel { token: stack[0], text, count: stack.len(), x, y });
                break;
            }
        }
        if found.is_none() {
            unlabelled += stack.len();
        }
    }
    (labels, unlabelled)
}

/// The stage's note on the messages left without a label, if any.
pub fn more(unlabelled: usize) -> Option<String> {
    match unlabelled {
        0 => None,
        1 => Some("1 more message: point at it to read it".into()),
        n => Some(format!("{n} more messages: point at one to read it")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::frame::{STAGE_H, STAGE_W};
    use super::*;
    use crate::view::multi::{default_scenario, MultiAction, MultiPlayground};

    /// Every placed label is inside the stage, off every node's text and off the others.
    fn assert_clear(nodes: &[NodeView], labels: &[StageLabel], at: u64) {
        let blocked = node_text(nodes);
        let boxes: Vec<Rect> = labels.iter().map(|l| label_box(&l.text, l.x, l.y)).collect();
        for (i, b) in boxes.iter().enumerate() {
            assert!(
                b[0] >= 0.0 && b[1] <= STAGE_W && b[2] >= 0.0 && b[3] <= STAGE_H,
                "step {at}: {:?} sticks out",
                labels[i]
            );
            assert!(!blocked.iter().any(|n| overlaps(b, n)), "step {at}: {:?} covers a node's text", labels[i]);
            assert!(!boxes[i + 1..].iter().any(|o| overlaps(b, o)), "step {at}: {:?} covers another label", labels[i]);
        }
    }

    #[test]
    fn no_label_covers_text_or_another_label_in_the_default_run_and_every_lesson() {
        let runs = std::iter::once(default_scenario())
            .chain(crate::view::multi::multi_scenarios().into_iter().map(|l| l.scenario));
        let (mut named, mut seen, mut busiest) = (0, 0, 0);
        for s in runs {
            let mut p = MultiPlayground::new(s);
            for step in 0..400 {
                p.reduce(MultiAction::Seek(step));
                let f = p.frame();
                assert_clear(&f.nodes, &f.labels, step);
                let labelled_tokens = f.tokens.iter().filter(|t| labelled(t.kind)).count();
                let named_here: usize = f.labels.iter().map(|l| l.count).sum();
                assert_eq!(named_here + f.unlabelled, labelled_tokens, "step {step}: every message named or counted");
                if labelled_tokens > 0 {
                    assert!(!f.labels.is_empty(), "step {step}: messages in flight, no label");
                }
                named += named_here;
                seen += labelled_tokens;
                busiest = busiest.max(f.tokens.len());
            }
        }
        // Most messages are named on this stage (measured: 95%), the busiest moments included.
        assert!(named * 10 >= seen * 9, "only {named} of {seen} messages named");
        assert!(busiest >= 12, "the run was never busy: {busiest}");
    }

    /// A crashed replica's line ("crashed: click to recover", as the stage draws it) is kept
    /// free at its full width: it was counted as 7 characters, and a Nack's label could sit on
    /// its end (seen in presentation mode).
    #[test]
    fn a_crashed_replicas_whole_line_is_kept_free() {
        let mut p = MultiPlayground::new(default_scenario());
        p.reduce(MultiAction::Seek(40));
        p.reduce(MultiAction::ToggleCrash(crate::protocol::NodeId(2)));
        let f = p.frame();
        let n = &f.nodes[2];
        assert!(!n.up);
        let boxes = node_text(std::slice::from_ref(n));
        let line = boxes.iter().find(|b| b[2] > n.y + 30.0 && b[3] < n.y + 60.0).expect("the line under the circle");
        let wide = CRASHED_LINE.chars().count() as f64 * FIELD_CHAR_W * super::super::shape::WIDE.line_px;
        assert!(line[1] - line[0] >= wide, "{line:?} is narrower than the {wide} units of \"{CRASHED_LINE}\"");
        assert!((line[0] + line[1]) / 2.0 == n.x, "centred under the replica");
    }

    #[test]
    fn a_crowded_stage_draws_at_most_labels_max_and_counts_the_rest() {
        // The frame benchmark's moment: 150 messages in flight, most of them copies sharing
        // a spot (one stacked label each).
        let link = include_str!("../../../scripts/lib/frames-link.txt").trim();
        let fragment = link.trim_start_matches('#');
        let s = super::super::link::from_fragment(fragment).unwrap().unwrap();
        let at = fragment.rsplit_once("&at=").unwrap().1.parse().unwrap();
        let mut p = MultiPlayground::new(s);
        p.reduce(MultiAction::Seek(at));
        let f = p.frame();
        assert_eq!(f.tokens.len(), 150);
        assert!(f.labels.len() <= LABELS_MAX && f.labels.iter().any(|l| l.count > 10), "{:?}", f.labels);
        assert_clear(&f.nodes, &f.labels, at);
        let labelled_tokens = f.tokens.iter().filter(|t| labelled(t.kind)).count();
        assert_eq!(f.labels.iter().map(|l| l.count).sum::<usize>() + f.unlabelled, labelled_tokens);
        // Sixty different messages spread over the stage: LABELS_MAX labels, the rest counted.
        let model = f.tokens.iter().find(|t| labelled(t.kind)).unwrap();
        let spread: Vec<TokenView> = (0..60u32)
            .map(|i| TokenView {
                id: MsgId(i.into()),
                x: 20.0 + f64::from(i % 10) * 96.0,
                y: 30.0 + f64::from(i / 10) * 90.0,
                label: format!("Accept 9.1 #{i} write x={i}"),
                ..model.clone()
            })
            .collect();
        let (labels, unlabelled) = place(&f.nodes, &spread, None);
        assert_eq!(labels.len(), LABELS_MAX);
        assert_clear(&f.nodes, &labels, at);
        assert_eq!(unlabelled, 60 - LABELS_MAX);
        assert_eq!(more(unlabelled), Some(format!("{} more messages: point at one to read it", 60 - LABELS_MAX)));
        assert_eq!(more(0), None);
    }

    #[test]
    fn the_selected_message_is_labelled_first_and_stacks_share_a_label() {
        let mut p = MultiPlayground::new(default_scenario());
        p.reduce(MultiAction::Seek(400));
        let f = p.frame();
        let last = f.tokens.iter().rposition(|t| labelled(t.kind)).expect("a labelled message in flight");
        let (labels, _) = place(&f.nodes, &f.tokens, Some(f.tokens[last].id));
        assert_eq!(labels[0].token, last);
        // Two tokens with the same label on top of each other: one label, `2 × `.
        let mut tokens = vec![f.tokens[last].clone(), f.tokens[last].clone()];
        tokens[1].id = MsgId(u64::MAX);
        tokens[1].x += 3.0;
        let (labels, unlabelled) = place(&f.nodes, &tokens, None);
        assert_eq!((labels.len(), labels[0].count, unlabelled), (1, 2, 0));
        assert!(labels[0].text.starts_with("2 × "), "{}", labels[0].text);
    }
}
