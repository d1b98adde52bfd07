//! Why a link or a file could not be opened, in words a person can act on. The page shows the
//! message and opens the default scenario instead; nothing on this path panics.

use std::fmt;

/// Where the scenario came from: the words of the message depend on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Link,
    File,
}

impl Origin {
    fn noun(self) -> &'static str {
        match self {
            Origin::Link => "link",
            Origin::File => "file",
        }
    }
}

/// What was wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Nothing to read.
    Empty,
    /// Longer than the limit; refused before any decoding.
    TooLong { len: usize, max: usize },
    /// Characters that base64url never produces (a link cut or mangled by hand).
    NotBase64,
    /// Written by a newer build of the playground.
    NewerVersion { version: u32 },
    /// A format this build no longer reads (or never did: version 0 marks no scenario at all).
    OldVersion { version: u32 },
    /// The compressed data does not check out: truncated, or bits changed.
    Damaged,
    /// Unpacks to more than the limit (a compression bomb, or not ours).
    TooBig { max: usize },
    /// Decoded, but not into a scenario of this format.
    Malformed(String),
    /// A well-formed scenario outside the limits (absurd node counts, huge schedules, ...).
    Invalid(String),
}

/// A scenario that could not be opened: where it came from and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    pub origin: Origin,
    pub problem: Problem,
}

impl LoadError {
    pub fn link(problem: Problem) -> LoadError {
        LoadError { origin: Origin::Link, problem }
    }

    pub fn file(problem: Problem) -> LoadError {
        LoadError { origin: Origin::File, problem }
    }

    /// The message to show (the same as `to_string()`).
    pub fn message(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let this = self.origin.noun();
        let reads = super::FORMAT_VERSION;
        match &self.problem {
            Problem::Empty => write!(f, "this {this} holds no scenario"),
            Problem::TooLong { len, max } => {
                write!(f, "this {this} is {len} bytes long; a scenario {this} may be at most {max}, so it was not read")
            }
            Problem::NotBase64 => {
                write!(f, "this {this} is damaged: it contains characters a scenario {this} never has (was it cut or edited?)")
            }
            Problem::NewerVersion { version } => write!(
                f,
                "this {this} was made by a newer version of Paxos Playground (format {version}); this build reads format {reads}"
            ),
            Problem::OldVersion { version: 0 } => write!(f, "this {this} is not a Paxos Playground scenario"),
            Problem::OldVersion { version } => write!(
                f,
                "this {this} was made by an old version of Paxos Playground (format {version}) that this build (format {reads}) can no longer read"
            ),
            Problem::Damaged => write!(f, "this {this} is damaged or cut short: its data does not check out"),
            Problem::TooBig { max } => write!(f, "this {this} unpacks to more than {max} bytes, so it was not read"),
            Problem::Malformed(why) => write!(f, "this {this} is damaged: {why}"),
            Problem::Invalid(why) => write!(f, "this {this} holds a scenario outside the limits: {why}"),
        }
    }
}

impl std::error::Error for LoadError {}
