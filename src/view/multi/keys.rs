//! The Multi-Paxos page's keyboard shortcuts, the pure part: one table (`SHORTCUTS`) that both
//! the key handler and the help dialog read (`ui::multi::help`), so the help lists exactly the
//! keys that work here, what each does to the run, and how the arrows move between the log's
//! cells (as single-decree's `ui::shortcuts` and `view::guide`).

use super::{MultiAction, MultiPlayground, MultiSelection};

/// What a key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyCommand {
    TogglePlay,
    StepForward,
    StepBack,
    Start,
    End,
    DropSelected,
    Theme,
    Present,
    Help,
    Close,
}

/// Every shortcut: keys as `KeyboardEvent.key` gives them, the keys as the help shows them
/// (separated by spaces), the command, and what it does.
pub const SHORTCUTS: &[(&[&str], &str, KeyCommand, &str)] = &[
    (&[" "], "Space", KeyCommand::TogglePlay, "Play or pause (in a lesson, Play pauses at each caption)"),
    (&["ArrowRight"], "→", KeyCommand::StepForward, "Step forward one event"),
    (&["ArrowLeft"], "←", KeyCommand::StepBack, "Step back one event"),
    (&["Home"], "Home", KeyCommand::Start, "Go to the start of the run"),
    (&["End"], "End", KeyCommand::End, "Go to the end of the recorded run"),
    (&["d", "D"], "d", KeyCommand::DropSelected, "Drop the selected message (select one in the space-time diagram)"),
    (&["t", "T"], "t", KeyCommand::Theme, "Switch between light and dark theme"),
    (&["f", "F"], "f", KeyCommand::Present, "Presentation mode: larger text, the stage fills the screen"),
    (&["?"], "?", KeyCommand::Help, "Show this help"),
    (&["Escape"], "Esc", KeyCommand::Close, "Close a dialog, leave presentation mode, or clear the selection"),
];

/// The keys of the log's cells and the stage, for the help (they act on what has focus).
pub const FOCUS_KEYS: &[(&str, &str)] = &[
    ("Tab", "Move to the next control, replica, client, message, or replica's log strip"),
    ("Enter Space", "On a replica: crash or recover it; on a message: drop it; on a client or a log cell: inspect it"),
    ("← →", "In a log strip: the slot before or after"),
    ("↑ ↓", "In a log strip: the same slot in the replica above or below"),
    ("Home End", "In a log strip: its first or last slot shown"),
];

pub fn command_for(key: &str) -> Option<KeyCommand> {
    SHORTCUTS.iter().find(|(keys, ..)| keys.contains(&key)).map(|&(_, _, c, _)| c)
}

/// What a command does to the run (`None`: it acts on the page only, as Theme, Present and Help
/// do; Close also leaves presentation mode, which is the page's).
pub fn key_action(p: &MultiPlayground, command: KeyCommand) -> Option<MultiAction> {
    Some(match command {
        KeyCommand::TogglePlay => MultiAction::TogglePlay,
        KeyCommand::StepForward => MultiAction::StepForward,
        KeyCommand::StepBack => MultiAction::StepBack,
        KeyCommand::Start => MultiAction::Seek(0),
        KeyCommand::End => MultiAction::Seek(p.history.frontier()),
        KeyCommand::DropSelected => match p.selection {
            MultiSelection::Message(msg) => MultiAction::Drop(msg),
            _ => MultiAction::ShowError(
                "Select a message in flight first (click its arrow in the space-time diagram), then press d.".into(),
            ),
        },
        KeyCommand::Close => MultiAction::Select(MultiSelection::None),
        KeyCommand::Theme | KeyCommand::Present | KeyCommand::Help => return None,
    })
}

/// Where a key moves the focus in a log strip showing slots `first..=last`, from `slot`: the
/// slot it lands on, in the same strip (`rows` 0) or the strip above (-1) or below (1).
pub fn cell_move(key: &str, slot: u64, first: u64, last: u64) -> Option<(u64, i8)> {
    match key {
        "ArrowLeft" if slot > first => Some((slot - 1, 0)),
        "ArrowRight" if slot < last => Some((slot + 1, 0)),
        "Home" => Some((first, 0)),
        "End" => Some((last, 0)),
        "ArrowUp" => Some((slot, -1)),
        "ArrowDown" => Some((slot, 1)),
        "ArrowLeft" | "ArrowRight" => Some((slot, 0)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::multi::default_scenario;

    #[test]
    fn every_shortcut_has_one_command_and_does_what_the_help_says() {
        let mut keys: Vec<&str> = SHORTCUTS.iter().flat_map(|(k, ..)| k.iter().copied()).collect();
        let all = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), all, "a key is bound twice");
        for &(keys, shown, command, what) in SHORTCUTS {
            assert!(keys.iter().all(|k| command_for(k) == Some(command)), "{shown}");
            assert!(what.chars().next().is_some_and(char::is_uppercase) && !what.ends_with('.'), "{what}");
        }
        assert_eq!(command_for("x"), None);
        let mut p = MultiPlayground::new(default_scenario());
        p.reduce(MultiAction::Seek(120));
        let run = |p: &MultiPlayground, c| key_action(p, c);
        assert_eq!(run(&p, KeyCommand::TogglePlay), Some(MultiAction::TogglePlay));
        assert_eq!(run(&p, KeyCommand::Start), Some(MultiAction::Seek(0)));
        p.reduce(MultiAction::Seek(40));
        assert_eq!(run(&p, KeyCommand::End), Some(MultiAction::Seek(120)), "the end of the recorded run");
        assert_eq!(run(&p, KeyCommand::Theme), None);
        assert_eq!(run(&p, KeyCommand::Help), None);
        assert_eq!(run(&p, KeyCommand::Present), None);
        // d drops the selected message, and says what to do without one.
        let Some(MultiAction::ShowError(e)) = run(&p, KeyCommand::DropSelected) else { panic!() };
        assert!(e.starts_with("Select a message in flight first"), "{e}");
        let msg = p.history.world().in_flight().first().expect("a message in flight at step 40").id;
        p.reduce(MultiAction::Select(MultiSelection::Message(msg)));
        assert_eq!(run(&p, KeyCommand::DropSelected), Some(MultiAction::Drop(msg)));
        let action = run(&p, KeyCommand::DropSelected).unwrap();
        p.reduce(action);
        assert!(!p.history.world().in_flight().iter().any(|m| m.id == msg), "dropped");
        assert_eq!(run(&p, KeyCommand::Close), Some(MultiAction::Select(MultiSelection::None)));
    }

    #[test]
    fn the_arrows_move_along_a_log_strip_and_between_strips() {
        assert_eq!(cell_move("ArrowRight", 5, 3, 9), Some((6, 0)));
        assert_eq!(cell_move("ArrowLeft", 5, 3, 9), Some((4, 0)));
        assert_eq!(cell_move("ArrowLeft", 3, 3, 9), Some((3, 0)), "stays at the strip's start");
        assert_eq!(cell_move("ArrowRight", 9, 3, 9), Some((9, 0)), "stays at the strip's end");
        assert_eq!(cell_move("Home", 7, 3, 9), Some((3, 0)));
        assert_eq!(cell_move("End", 4, 3, 9), Some((9, 0)));
        assert_eq!(cell_move("ArrowUp", 4, 3, 9), Some((4, -1)));
        assert_eq!(cell_move("ArrowDown", 4, 3, 9), Some((4, 1)));
        assert_eq!(cell_move("Enter", 4, 3, 9), None);
    }
}
