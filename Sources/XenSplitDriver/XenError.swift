// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#endif

/// A failure of the Xen split driver's user-space parts (hypervisor stand-in, rings, drivers, toolstack), in the
/// swift-certificates shape: a code to compare, a reason to read, and the errno when a system call failed.
public struct XenError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: Hashable, Sendable {
            case systemCall, mapFailed, readOnly, connectFailed, connectionLost, timedOut, protocolViolation
            case permissionDenied, badGrant, badPort, badDomain, domainBusy, noSpace, invalidPacket, notConnected
            case xenstore, invalidArgument
            case alreadyExists, noSuchDevice, hotplugFailed
        }

        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        public static let systemCall = Code(.systemCall)
        public static let mapFailed = Code(.mapFailed)
        /// A write to a page mapped read-only.
        public static let readOnly = Code(.readOnly)
        public static let connectFailed = Code(.connectFailed)
        public static let connectionLost = Code(.connectionLost)
        public static let timedOut = Code(.timedOut)
        /// A peer sent something the protocol does not allow.
        public static let protocolViolation = Code(.protocolViolation)
        /// GNTST_permission_denied: the grant does not allow this domain (or this access).
        public static let permissionDenied = Code(.permissionDenied)
        /// GNTST_bad_gntref: no such grant reference, or it grants nothing.
        public static let badGrant = Code(.badGrant)
        /// No such event-channel port, or it is not in the state the operation needs.
        public static let badPort = Code(.badPort)
        /// No such domain (or domain 0 claimed over the socket).
        public static let badDomain = Code(.badDomain)
        /// The domain is already running (one hypervisor connection per domain).
        public static let domainBusy = Code(.domainBusy)
        /// Out of frames, grant entries or ports.
        public static let noSpace = Code(.noSpace)
        public static let invalidPacket = Code(.invalidPacket)
        public static let notConnected = Code(.notConnected)
        /// A xenstore request failed (the reason names the errno xenstored sent).
        public static let xenstore = Code(.xenstore)
        public static let invalidArgument = Code(.invalidArgument)
        /// The toolstack refused a device: its name or devid is taken.
        public static let alreadyExists = Code(.alreadyExists)
        /// The toolstack found no such device.
        public static let noSuchDevice = Code(.noSuchDevice)
        /// The backend's hotplug step wrote `hotplug-status = error`.
        public static let hotplugFailed = Code(.hotplugFailed)

        public var description: String { String(describing: backing) }
    }

    public let code: Code
    public let reason: String
    public let errno: Int32?
    /// The errno name xenstored answered, for `.xenstore` failures.
    public let storeError: XenStoreError?
    public let file: String
    public let line: Int

    public init(
        _ code: Code, _ reason: String, errno: Int32? = nil, storeError: XenStoreError? = nil,
        file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.reason = reason
        self.errno = errno
        self.storeError = storeError
        self.file = file
        self.line = line
    }

    public var description: String {
        guard let errno else { return reason }
        return "\(reason): \(String(cString: strerror(errno)))"
    }

    public static func == (lhs: XenError, rhs: XenError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
