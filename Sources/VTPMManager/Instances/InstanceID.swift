// SPDX-License-Identifier: Apache-2.0

/// The number of a vTPM instance: the key of the manager's registry and, on the Xen path, the 4-byte
/// big-endian prefix the backend puts in front of each packet.
public struct InstanceID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    public static func < (lhs: InstanceID, rhs: InstanceID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
}
