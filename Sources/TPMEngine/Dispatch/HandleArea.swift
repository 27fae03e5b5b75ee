// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// A command's handle area: at most three handles (MAX_HANDLE_NUM, Part 2, 5.4), kept inline.
///
/// Every command carries one, so it avoids the heap allocation an array would cost per command.
struct HandleArea: RandomAccessCollection {
    static let capacity = 3

    private var first = TPMHandle(0)
    private var second = TPMHandle(0)
    private var third = TPMHandle(0)
    private(set) var count = 0

    init() {}

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    subscript(position: Int) -> TPMHandle {
        precondition(position >= 0 && position < count, "handle index out of range")
        switch position {
        case 0: return first
        case 1: return second
        default: return third
        }
    }

    /// Appends a handle; the dispatcher never reads more than `capacity` because no command declares more.
    mutating func append(_ handle: TPMHandle) {
        precondition(count < Self.capacity, "a command has at most three handles")
        switch count {
        case 0: first = handle
        case 1: second = handle
        default: third = handle
        }
        count += 1
    }
}
