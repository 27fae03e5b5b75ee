// SPDX-License-Identifier: Apache-2.0

/// The timers of one loop, earliest first (a binary min-heap). A timer is never removed before it runs
/// out: its owner forgets the sequence number instead, and an expired entry whose number its owner no
/// longer holds is ignored. That keeps arming and cancelling O(log n) and O(1), and only partial messages
/// arm timers at all.
struct DeadlineHeap {
    struct Entry {
        /// ``MonotonicClock`` nanoseconds.
        var deadline: UInt64
        var token: UInt64
        var sequence: UInt64
    }

    private var entries: [Entry] = []
    /// Kept beside the array so that the loop's per-iteration check touches no generic array code.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }
    var earliest: UInt64? { entries.first?.deadline }

    mutating func insert(_ entry: Entry) {
        entries.append(entry)
        count += 1
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].deadline < entries[parent].deadline else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest entry if it is due at `now`.
    mutating func popDue(at now: UInt64) -> Entry? {
        guard count > 0, let first = entries.first, first.deadline <= now else { return nil }
        let last = entries.removeLast()
        count -= 1
        guard !entries.isEmpty else { return first }
        entries[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < entries.count, entries[left].deadline < entries[smallest].deadline { smallest = left }
            if right < entries.count, entries[right].deadline < entries[smallest].deadline { smallest = right }
            guard smallest != parent else { break }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
        return first
    }
}
