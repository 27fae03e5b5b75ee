// SPDX-License-Identifier: Apache-2.0

import Logging

/// The protocol logic of one connection to a data port (the mssim command port, the swtpm data port), free
/// of any I/O: it consumes received bytes, answers through a ``SessionOutput`` and tells its driver what to
/// do next. The reactor drives it from a socket; tests drive it from memory with a virtual clock.
protocol DataPortSession: Sendable {
    /// The input buffer a connection gets. Reads never exceed it, so it bounds what one read can bring.
    static var inputCapacity: Int { get }

    /// - Parameter logger: the instance's logger, with `net.peer` when debug logging is on.
    init(served: ServedInstance, logger: Logger)

    /// Logs the new connection.
    func opened()

    /// Logs the end of the connection.
    func closed()

    /// Consumes what it can of `input` (which has just grown) and answers through `output`.
    mutating func consume<Output: SessionOutput>(_ input: inout InputBuffer, output: inout Output) -> SessionStep

    /// The timer the last step armed ran out.
    mutating func timerExpired<Output: SessionOutput>(_ input: inout InputBuffer, output: inout Output) -> SessionStep
}

/// Where a session's replies go: the connection's socket in the reactor, a recorder in tests. Every call is
/// one reply and leaves in one `write`, so a client that reads a reply with one `read` gets all of it, and
/// Nagle never holds back a tail.
protocol SessionOutput {
    /// Sends `bytes` as they are.
    mutating func send(_ bytes: [UInt8])

    /// Sends `u32 count, bytes, u32 0`: the mssim response frame, which swtpm also uses to answer a
    /// prefixed command.
    mutating func sendFramed(_ bytes: [UInt8])
}

extension SessionOutput {
    /// Sends big-endian u32 words as one reply.
    mutating func sendWords(_ words: UInt32...) {
        send(words.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (24 - 8 * $0)) } })
    }
}

/// What the driver of a session does after a step.
struct SessionStep: Hashable, Sendable {
    enum Timer: Hashable, Sendable {
        case unchanged
        /// (Re)starts the session's one timer: it runs from now.
        case arm(Duration)
        case cancel
    }

    var timer = Timer.unchanged

    /// Acknowledge the bytes received so far now instead of after the delayed-ACK timer (Linux TCP_QUICKACK,
    /// which the kernel clears again by itself). Asked for when a read ends with an incomplete message:
    /// tpm2-tss's mssim TCTI sends the 9-byte prefix and the command in two writes without TCP_NODELAY, so
    /// Nagle holds the command back until the prefix is acknowledged, and with a delayed ACK every command
    /// would wait about 40 ms.
    var acknowledgeNow = false

    /// Close the connection (after the replies already sent).
    var close = false

    static let none = SessionStep()
}
