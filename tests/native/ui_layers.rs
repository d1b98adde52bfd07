//! The arrows between the UI's modules point one way (README, "Architecture"; STYLE.md, "the
//! shape of the project"): no module of `src/ui/` uses, directly or through others, a module
//! that uses it. A circle (the share, embed and lessons dialogs once imported each other) makes
//! a newcomer read all of its modules to change one. Read from the sources: every `super::NAME`
//! (or `super::{A, B}`) that reaches `ui` from a module's files, and every `crate::ui::NAME`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The names a path list names first: `x::y` gives `x`, `{a, b::c}` gives `a` and `b`.
fn first_names(after: &str) -> Vec<String> {
    let ident = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    match after.strip_prefix('{') {
        Some(list) => list
            .split('}')
            .next()
            .unwrap_or("")
            .split(',')
            .map(|item| ident(item.trim()))
            .filter(|name| !name.is_empty())
            .collect(),
        None => vec![ident(after)],
    }
}

/// The `ui` modules a file uses: `prefix` is how the file reaches `ui` with `super`.
fn uses(text: &str, prefix: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for marker in [prefix, "crate::ui::"] {
        for (at, _) in text.match_indices(marker) {
            let after = &text[at + marker.len()..];
            // `super::super::x` seen from a nested file also matches at its second `super::`;
            // only a match right after the whole prefix counts.
            if marker == prefix && at >= 2 && &text[at - 2..at] == "::" {
                continue;
            }
            found.extend(first_names(after));
        }
    }
    found
}

fn collect(dir: &Path, module: &str, depth: usize, graph: &mut Graph) {
    for entry in fs::read_dir(dir).unwrap().map(Result::unwrap) {
        let path = entry.path();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            let module = if depth == 1 { name.as_str() } else { module };
            collect(&path, module, depth + 1, graph);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let module = if depth == 1 { name.as_str() } else { module };
            let text = fs::read_to_string(&path).unwrap();
            let prefix = if module == "mod" { String::new() } else { "super::".repeat(depth) };
            let used = if prefix.is_empty() { BTreeSet::new() } else { uses(&text, &prefix) };
            graph.entry(module.to_string()).or_default().extend(used);
        }
    }
}

/// A circle through `graph`, if there is one (depth-first search, in name order).
fn find_circle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(n: &str, graph: &Graph, path: &mut Vec<String>, done: &mut BTreeSet<String>) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == n) {
            let mut circle = path[i..].to_vec();
            circle.push(n.to_string());
            return Some(circle);
        }
        if done.contains(n) {
            return None;
        }
        path.push(n.to_string());
        for next in graph.get(n).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

fn ui_graph() -> Graph {
    let mut graph = Graph::new();
    collect(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui"), "", 1, &mut graph);
    // Only edges between `ui`'s own modules, not to itself or to items of `ui/mod.rs`.
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for (m, used) in graph.iter_mut() {
        used.retain(|u| u != m && modules.contains(u) && u != "mod");
    }
    graph
}

#[test]
fn the_ui_modules_use_each_other_one_way() {
    let graph = ui_graph();
    assert!(graph.len() > 15, "the scan found the UI's modules: {:?}", graph.keys());
    // The scan sees the arrows that exist (so an empty graph cannot pass by accident).
    for (from, to) in [("app", "share"), ("embed", "lessons"), ("share", "dialog"), ("check", "clipboard")] {
        assert!(graph[from].contains(to), "{from} uses {to}: {:?}", graph[from]);
    }
    if let Some(circle) = find_circle(&graph) {
        panic!("the UI's modules use each other in a circle: {}", circle.join(" -> "));
    }
}

#[test]
fn the_circle_finder_finds_a_circle() {
    let mut graph = Graph::new();
    let edge = |g: &mut Graph, a: &str, b: &str| {
        g.entry(a.into()).or_default().insert(b.into());
        g.entry(b.into()).or_default();
    };
    edge(&mut graph, "app", "share");
    edge(&mut graph, "share", "embed");
    assert_eq!(find_circle(&graph), None);
    edge(&mut graph, "embed", "lessons");
    edge(&mut graph, "lessons", "share");
    assert_eq!(find_circle(&graph).unwrap(), ["share", "embed", "lessons", "share"]);
}

#[test]
fn uses_reads_plain_grouped_and_crate_paths() {
    let text = "use super::model::{on_click, Model};\nuse super::{tools, url};\nuse crate::ui::safety::x;\n\
                use super::super::js_text;\nlet a = super::clipboard::copy_text;";
    let found = uses(text, "super::");
    let want: BTreeSet<String> =
        ["model", "tools", "url", "safety", "clipboard", "super"].iter().map(|s| s.to_string()).collect();
    assert_eq!(found, want);
    let nested = uses(text, "super::super::");
    assert!(nested.contains("js_text") && !nested.contains("model"), "{nested:?}");
}
