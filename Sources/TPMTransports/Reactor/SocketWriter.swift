// SPDX-License-Identifier: Apache-2.0

/// A connection's outgoing side: each reply goes out with one `send`; what the kernel does not take waits
/// here, in order, until the socket is writable again (the connection stops reading meanwhile, so a client
/// that never reads cannot make this grow beyond one read's worth of replies).
struct SocketWriter: SessionOutput, Sendable {
    enum Flush { case done, pending, failed }

    let descriptor: Descriptor
    private var pending: [UInt8] = []
    private var pendingOffset = 0
    /// Reused for framed replies, so that a long-lived connection frames without allocating.
    private var framing: [UInt8] = []
    /// The errno of a failed write; nothing is sent after one.
    private(set) var failure: Int32?

    init(descriptor: Descriptor) {
        self.descriptor = descriptor
    }

    var hasPending: Bool { pendingOffset < pending.count }

    mutating func send(_ bytes: [UInt8]) {
        guard failure == nil, !bytes.isEmpty else { return }
        if hasPending {
            pending += bytes
        } else {
            write(bytes)
        }
    }

    mutating func sendFramed(_ bytes: [UInt8]) {
        framing.removeAll(keepingCapacity: true)
        framing.reserveCapacity(bytes.count + 8)
        Self.append(UInt32(truncatingIfNeeded: bytes.count), to: &framing)
        framing += bytes
        Self.append(0, to: &framing)
        send(framing)
    }

    /// Sends what is pending, as far as the kernel takes it.
    mutating func flush() -> Flush {
        while hasPending {
            switch descriptor.write(pending, from: pendingOffset) {
            case .transferred(let count):
                pendingOffset += count
            case .wouldBlock, .endOfStream:
                return .pending
            case .failed(let number):
                failure = number
                return .failed
            }
        }
        pending = []
        pendingOffset = 0
        return .done
    }

    private mutating func write(_ bytes: [UInt8]) {
        switch descriptor.write(bytes) {
        case .transferred(let count) where count >= bytes.count:
            return
        case .transferred(let count):
            pending = bytes
            pendingOffset = count
        case .wouldBlock, .endOfStream:
            pending = bytes
            pendingOffset = 0
        case .failed(let number):
            failure = number
        }
    }

    private static func append(_ word: UInt32, to bytes: inout [UInt8]) {
        bytes.append(UInt8(truncatingIfNeeded: word >> 24))
        bytes.append(UInt8(truncatingIfNeeded: word >> 16))
        bytes.append(UInt8(truncatingIfNeeded: word >> 8))
        bytes.append(UInt8(truncatingIfNeeded: word))
    }
}
