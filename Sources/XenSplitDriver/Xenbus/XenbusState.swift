// SPDX-License-Identifier: Apache-2.0

/// The device states both ends of a split driver publish in xenstore (`state`, decimal),
/// xen/include/public/io/xenbus.h.
public enum XenbusState: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case unknown = 0
    case initialising = 1
    case initWait = 2
    case initialised = 3
    case connected = 4
    case closing = 5
    case closed = 6
    case reconfiguring = 7
    case reconfigured = 8

    /// The state a xenstore value names; nil for anything that is not one of the decimal numbers.
    public init?(xenstoreValue: String) {
        guard let number = UInt32(xenstoreValue) else { return nil }
        self.init(rawValue: number)
    }

    public var description: String {
        switch self {
        case .unknown: "Unknown"
        case .initialising: "Initialising"
        case .initWait: "InitWait"
        case .initialised: "Initialised"
        case .connected: "Connected"
        case .closing: "Closing"
        case .closed: "Closed"
        case .reconfiguring: "Reconfiguring"
        case .reconfigured: "Reconfigured"
        }
    }
}
