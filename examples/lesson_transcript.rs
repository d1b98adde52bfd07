//! Prints each built-in lesson as a transcript: every event of the run with the captions at
//! the moments they appear, then the expected outcome. `cargo run --example lesson_transcript
//! [SLUG]`.

use paxos_playground::scenario::lessons;
use paxos_playground::view::log::describe;

fn main() {
    let only = std::env::args().nth(1);
    for lesson in lessons::all().into_iter().filter(|l| only.as_deref().is_none_or(|s| s == l.slug)) {
        let s = &lesson.scenario;
        println!("=== {} ({}): {}\n{}\n", lesson.slug, s.title, s.seed, s.description);
        let mut history = s.history();
        let end = lessons::run_lesson(&lesson, &mut history);
        let mut captions = s.captions.iter().peekable();
        for e in &history.trace {
            while let Some(c) = captions.next_if(|c| c.step <= e.step) {
                println!("      >> [{}] {}", c.step, c.text);
            }
            println!("{:>5} t={:<4} {}", e.step, e.time, describe(&e.kind));
        }
        for c in captions {
            println!("      >> [{}] {}", c.step, c.text);
        }
        println!("end: {end:?}\nexpect: {:?}\n", lesson.expect);
    }
}
