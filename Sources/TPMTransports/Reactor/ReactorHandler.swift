// SPDX-License-Identifier: Apache-2.0

/// A listener or connection registered with a ``ReactorLoop``. Every call comes from the loop's thread.
protocol ReactorHandler: AnyObject {
    var descriptor: Descriptor { get }

    /// Listeners are closed before connections when the loop stops.
    var isListener: Bool { get }

    /// epoll reported `events` for the descriptor.
    func handle(_ events: EpollEvents, loop: inout ReactorLoop)

    /// The timer armed with sequence number `sequence` ran out (possibly one the handler has since replaced).
    func timerExpired(_ sequence: UInt64, loop: inout ReactorLoop)

    /// Closes the descriptor and leaves the loop.
    func close(loop: inout ReactorLoop)
}
