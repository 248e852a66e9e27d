//! Which referrals changed, and since when: every write to the referrals tree bumps a counter
//! and notes the record's key, so that a view kept in memory (the case list's summaries) can
//! bring itself up to date by reading only what changed instead of opening every record.
//!
//! Only the most recent changes are remembered; a reader further behind than that is told to
//! read everything again. The counter is bumped after the write it stands for, and readers
//! read it before they read the records, so a write racing a reader is at worst read twice,
//! never missed.

use std::collections::VecDeque;

/// How many changed keys are remembered. A burst larger than this between two views of the
/// list (a first pull of a large backlog) costs one full read, which is what a start costs.
const REMEMBERED: usize = 4096;

#[derive(Default)]
pub(super) struct Changes {
    generation: u64,
    recent: VecDeque<(u64, Vec<u8>)>,
}

/// What changed since a generation.
#[derive(Debug, PartialEq, Eq)]
pub enum Since {
    /// These records (by database key), each once; an empty list when nothing changed.
    Keys(Vec<Vec<u8>>),
    /// Too much to list: read everything.
    Everything,
}

impl Changes {
    pub(super) fn note(&mut self, key: Vec<u8>) {
        self.generation += 1;
        if self.recent.len() == REMEMBERED {
            self.recent.pop_front();
        }
        self.recent.push_back((self.generation, key));
    }

    pub(super) fn generation(&self) -> u64 {
        self.generation
    }

    /// The records changed after `generation`, and the generation now.
    pub(super) fn since(&self, generation: u64) -> (u64, Since) {
        if generation == self.generation {
            return (generation, Since::Keys(Vec::new()));
        }
        let oldest = self.recent.front().map_or(u64::MAX, |(g, _)| *g);
        if generation > self.generation || generation + 1 < oldest {
            return (self.generation, Since::Everything);
        }
        let mut keys: Vec<Vec<u8>> = (self.recent.iter())
            .filter(|(g, _)| *g > generation)
            .map(|(_, k)| k.clone())
            .collect();
        keys.sort_unstable();
        keys.dedup();
        (self.generation, Since::Keys(keys))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_gets_each_changed_key_once_and_nothing_when_up_to_date() {
        let mut c = Changes::default();
        let start = c.generation();
        c.note(b"a".to_vec());
        c.note(b"b".to_vec());
        c.note(b"a".to_vec());
        let (now, since) = c.since(start);
        assert_eq!(now, 3);
        assert_eq!(since, Since::Keys(vec![b"a".to_vec(), b"b".to_vec()]));
        assert_eq!(c.since(now), (3, Since::Keys(Vec::new())));
        assert_eq!(c.since(2), (3, Since::Keys(vec![b"a".to_vec()])));
    }

    #[test]
    fn a_reader_further_behind_than_is_remembered_reads_everything() {
        let mut c = Changes::default();
        for i in 0..(REMEMBERED + 2) {
            c.note(i.to_be_bytes().to_vec());
        }
        assert_eq!(c.since(0).1, Since::Everything);
        assert_eq!(c.since(1).1, Since::Everything);
        // The oldest remembered change is generation 3: a reader at 2 needs only what follows.
        match c.since(2).1 {
            Since::Keys(k) => assert_eq!(k.len(), REMEMBERED),
            Since::Everything => panic!("a reader at 2 is within what is remembered"),
        }
        // A counter from another run (larger than ours) is never trusted.
        assert_eq!(c.since(u64::MAX).1, Since::Everything);
    }
}
