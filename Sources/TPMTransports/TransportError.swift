// SPDX-License-Identifier: Apache-2.0

/// An error of the transport layer (sockets, framing, listeners), in the swift-certificates shape: a code
/// to compare, a reason to read, and where it was raised. Equal by code only.
public struct TransportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as an open set of values.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: Hashable, Sendable {
            case invalidConfiguration, bindFailed, connectFailed, connectionClosed, ioFailed, timedOut
            case protocolViolation, frameTooLarge
        }

        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// Ports, host or instance numbers that cannot work together.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// A listener could not be bound (port in use, address not available).
        public static let bindFailed = Code(.bindFailed)
        /// A client could not connect.
        public static let connectFailed = Code(.connectFailed)
        /// The peer closed the connection before a complete reply arrived.
        public static let connectionClosed = Code(.connectionClosed)
        /// A socket call failed; the reason carries the errno text.
        public static let ioFailed = Code(.ioFailed)
        /// A receive timeout expired.
        public static let timedOut = Code(.timedOut)
        /// The peer sent something the protocol does not allow.
        public static let protocolViolation = Code(.protocolViolation)
        /// A length field announced more than the protocol accepts.
        public static let frameTooLarge = Code(.frameTooLarge)

        public var description: String { String(describing: backing) }
    }

    public let code: Code
    public let reason: String
    public let file: String
    public let line: Int

    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String { "\(code): \(reason)" }

    public static func == (lhs: TransportError, rhs: TransportError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
