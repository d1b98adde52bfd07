//! What a random run may do to the cluster: which faults the generator draws from (`FaultMix`)
//! and which configuration it runs (`Variant`: the correct protocol with majority or flexible
//! quorums, or one of the deliberately unsafe setups that the negative controls use to prove
//! the checks can fail).
//!
//! Both have a short text form for the command line, `loss,dup,crash` or `all`, and the same
//! form is what a repro command prints, so a failing seed can be pasted back.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One kind of fault a random run may inject.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fault {
    /// The network loses messages with a random probability.
    Loss,
    /// The network delivers some messages twice.
    Dup,
    /// A wide latency spread, plus "deliver now" and "delay" of single messages in flight.
    Reorder,
    /// A specific message in flight is dropped by hand.
    MsgDrop,
    /// A specific message in flight is duplicated by hand.
    MsgDup,
    /// Nodes crash (volatile state lost) and may recover.
    Crash,
    /// The nodes split into groups that cannot talk; healed later or at the end.
    Partition,
    /// Single directed links are cut and may be restored.
    Cut,
    /// The network parameters change in the middle of the run.
    Net,
}

impl Fault {
    pub const ALL: [Fault; 9] = [
        Fault::Loss,
        Fault::Dup,
        Fault::Reorder,
        Fault::MsgDrop,
        Fault::MsgDup,
        Fault::Crash,
        Fault::Partition,
        Fault::Cut,
        Fault::Net,
    ];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Fault::Loss => "loss",
            Fault::Dup => "dup",
            Fault::Reorder => "reorder",
            Fault::MsgDrop => "msg-drop",
            Fault::MsgDup => "msg-dup",
            Fault::Crash => "crash",
            Fault::Partition => "partition",
            Fault::Cut => "cut",
            Fault::Net => "net",
        }
    }

    pub fn parse(name: &str) -> Option<Fault> {
        Fault::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// Which protocol configuration a random run uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Variant {
    /// Correct Paxos with majority quorums: every run must be safe.
    #[default]
    Correct,
    /// Correct Paxos with asymmetric quorums that just intersect (Flexible Paxos: phase-1
    /// quorum + phase-2 quorum = acceptors + 1, either one the larger): every run must be safe.
    FlexibleQuorums,
    /// UNSAFE: phase-1 quorum + phase-2 quorum = the number of acceptors, so quorums can miss.
    UnsafeQuorums,
    /// BROKEN: proposers ignore the values reported in promises (`Broken::ignore_accepted_values`).
    IgnoreAcceptedValues,
    /// BROKEN: acceptors forget their durable state on recovery (`Broken::forgetful_acceptors`).
    ForgetfulAcceptors,
}

impl Variant {
    pub const ALL: [Variant; 5] = [
        Variant::Correct,
        Variant::FlexibleQuorums,
        Variant::UnsafeQuorums,
        Variant::IgnoreAcceptedValues,
        Variant::ForgetfulAcceptors,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Variant::Correct => "correct",
            Variant::FlexibleQuorums => "flexible-quorums",
            Variant::UnsafeQuorums => "unsafe-quorums",
            Variant::IgnoreAcceptedValues => "ignore-accepted-values",
            Variant::ForgetfulAcceptors => "forgetful-acceptors",
        }
    }

    pub fn parse(name: &str) -> Result<Variant, String> {
        let name = name.trim();
        Variant::ALL.into_iter().find(|v| v.name() == name).ok_or_else(|| {
            let known: Vec<&str> = Variant::ALL.iter().map(|v| v.name()).collect();
            format!("unknown variant {name:?}: expected one of {}", known.join(", "))
        })
    }

    /// Whether runs of this variant are expected to stay safe.
    pub fn is_correct(self) -> bool {
        matches!(self, Variant::Correct | Variant::FlexibleQuorums)
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The faults a random run may draw from, and the configuration variant it runs.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct FaultMix {
    /// Sorted, without repeats.
    pub faults: Vec<Fault>,
    pub variant: Variant,
    /// `Timing::timeout_growth` of every run: on unless asked (`--timeouts fixed` replays the
    /// sweeps of scenario format 1, where seed 35332852 never decides).
    pub timeout_growth: bool,
}

/// Every fault, the correct protocol: what `paxos sweep` runs when told nothing else.
impl Default for FaultMix {
    fn default() -> Self {
        FaultMix::all()
    }
}

impl FaultMix {
    pub fn all() -> FaultMix {
        FaultMix::of(&Fault::ALL)
    }

    /// No faults at all: runs that must simply decide.
    pub fn none() -> FaultMix {
        FaultMix::of(&[])
    }

    pub fn of(faults: &[Fault]) -> FaultMix {
        let mut faults = faults.to_vec();
        faults.sort();
        faults.dedup();
        FaultMix { faults, variant: Variant::Correct, timeout_growth: true }
    }

    pub fn with_variant(self, variant: Variant) -> FaultMix {
        FaultMix { variant, ..self }
    }

    pub fn with_timeout_growth(self, timeout_growth: bool) -> FaultMix {
        FaultMix { timeout_growth, ..self }
    }

    /// The name of the timeouts on the command line: `growing` or `fixed`.
    pub fn timeouts_arg(&self) -> &'static str {
        if self.timeout_growth {
            "growing"
        } else {
            "fixed"
        }
    }

    pub fn has(&self, fault: Fault) -> bool {
        self.faults.contains(&fault)
    }

    /// Parses the command-line list: `all`, `none`, or names joined by commas
    /// (`loss,dup,reorder,msg-drop,msg-dup,crash,partition,cut,net`). The variant stays correct.
    pub fn parse(list: &str) -> Result<FaultMix, String> {
        let list = list.trim();
        match list {
            "all" => return Ok(FaultMix::all()),
            "none" | "" => return Ok(FaultMix::none()),
            _ => {}
        }
        let mut faults = Vec::new();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match Fault::parse(name) {
                Some(f) => faults.push(f),
                None => {
                    let known: Vec<&str> = Fault::ALL.iter().map(|f| f.name()).collect();
                    return Err(format!("unknown fault {name:?}: expected all, none or {}", known.join(",")));
                }
            }
        }
        Ok(FaultMix::of(&faults))
    }

    /// The list in the form `parse` reads back: `all`, `none` or `loss,dup,...`.
    pub fn faults_arg(&self) -> String {
        if self.faults.is_empty() {
            "none".to_string()
        } else if Fault::ALL.iter().all(|f| self.has(*f)) {
            "all".to_string()
        } else {
            self.faults.iter().map(|f| f.name()).collect::<Vec<_>>().join(",")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_lists_round_trip() {
        for text in ["all", "none", "loss", "crash,loss", "msg-drop,msg-dup,net,reorder"] {
            let mix = FaultMix::parse(text).unwrap();
            assert_eq!(FaultMix::parse(&mix.faults_arg()).unwrap(), mix, "{text}");
        }
        assert_eq!(FaultMix::parse("crash, loss,crash").unwrap().faults, vec![Fault::Loss, Fault::Crash]);
        assert_eq!(FaultMix::parse(&Fault::ALL.map(Fault::name).join(",")).unwrap().faults_arg(), "all");
        assert!(FaultMix::parse("loss,meteor").unwrap_err().contains("meteor"));
    }

    #[test]
    fn variants_parse_by_name() {
        for v in Variant::ALL {
            assert_eq!(Variant::parse(v.name()), Ok(v));
        }
        assert!(Variant::parse("sloppy").is_err());
        assert!(Variant::Correct.is_correct() && !Variant::ForgetfulAcceptors.is_correct());
        assert!(Variant::FlexibleQuorums.is_correct() && !Variant::UnsafeQuorums.is_correct());
    }
}
