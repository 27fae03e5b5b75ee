// SPDX-License-Identifier: Apache-2.0

/// An error of the manager layer (instances and their state), in the swift-certificates shape:
/// a code to compare and a reason to read.
public struct ManagerError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: Hashable, Sendable {
            case stateCorrupted, stateUnreadable, stateUnwritable, stateTooNew, unknownInstance, instanceRefused
            case invalidName
        }

        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// A state file exists but is truncated, damaged or not a state file at all.
        public static let stateCorrupted = Code(.stateCorrupted)
        /// A state file could not be read (permissions, I/O error).
        public static let stateUnreadable = Code(.stateUnreadable)
        /// State could not be written durably.
        public static let stateUnwritable = Code(.stateUnwritable)
        /// A state file was written by a newer, incompatible version.
        public static let stateTooNew = Code(.stateTooNew)
        public static let unknownInstance = Code(.unknownInstance)
        /// The instance exists but was refused at load time (its state file is unusable).
        public static let instanceRefused = Code(.instanceRefused)
        /// A VM name that cannot key the instance table (empty, whitespace, or starting with `#`).
        public static let invalidName = Code(.invalidName)

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

    public var description: String { reason }

    public static func == (lhs: ManagerError, rhs: ManagerError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
