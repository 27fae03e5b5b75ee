// SPDX-License-Identifier: Apache-2.0

/// The messages between a domain and ``HypervisorServer`` on a SOCK_SEQPACKET unix socket: our stand-in for the
/// hypercalls a guest makes (grant-table, event-channel and memory operations).
///
/// A request is four little-endian u32s: the operation and up to three arguments. The reply is a status and
/// three values (little-endian u32s), followed by a UTF-8 reason when the status is not 0; descriptors travel
/// as SCM_RIGHTS. The first request of a connection must be ``Operation/hello``, naming the domain; the domain
/// lives as long as the connection.
enum HypervisorProtocol {
    enum Operation: UInt32 {
        /// (domid) → grant-table page descriptor, and the domain's own xenstore connection if the hypervisor has a
        /// domain builder. Creates the domain.
        case hello = 1
        /// () → frame; page descriptor.
        case allocateFrame = 2
        /// (remote domid) → port; the port's wait, notify and self-wake descriptors (``EventChannel``).
        case allocateUnbound = 3
        /// (remote domid, remote port) → port; wait, notify and self-wake descriptors.
        case bindInterdomain = 4
        /// (port)
        case closePort = 5
        /// (port): a send through the hypervisor (the fast path writes the notify eventfd instead).
        case notify = 6
        /// (granter, ref, writable) → handle low, handle high; page descriptor.
        case mapGrant = 7
        /// (handle low, handle high)
        case unmapGrant = 8
    }

    static let requestSize = 16
    static let replyHeaderSize = 16

    /// Status numbers for ``XenError`` codes on the wire.
    static let statusCodes: [(UInt32, XenError.Code)] = [
        (1, .badDomain), (2, .badGrant), (3, .permissionDenied), (4, .badPort), (5, .noSpace), (6, .domainBusy),
        (7, .invalidArgument), (8, .systemCall), (9, .protocolViolation),
    ]

    static func status(of error: XenError) -> UInt32 {
        statusCodes.first { $0.1 == error.code }?.0 ?? 8
    }

    static func error(status: UInt32, reason: String) -> XenError {
        XenError(statusCodes.first { $0.0 == status }?.1 ?? .protocolViolation, reason)
    }

    static func words(_ values: [UInt32]) -> [UInt8] {
        values.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    }

    static func word(_ bytes: [UInt8], _ index: Int) -> UInt32 {
        guard bytes.count >= 4 * (index + 1) else { return 0 }
        return (0..<4).reduce(0) { $0 | UInt32(bytes[4 * index + $1]) << (8 * $1) }
    }
}
