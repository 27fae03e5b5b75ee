// SPDX-License-Identifier: Apache-2.0

/// A xenstore failure as it travels on the wire: an ERROR reply whose payload is the errno's name
/// (`xsd_errors[]` in xs_wire.h). Clients map the name back to their errno; an unknown name becomes EINVAL.
public enum XenStoreError: String, Error, Hashable, Sendable, CaseIterable {
    case invalid = "EINVAL"
    case accessDenied = "EACCES"
    case exists = "EEXIST"
    case isDirectory = "EISDIR"
    case noEntry = "ENOENT"
    case noMemory = "ENOMEM"
    case noSpace = "ENOSPC"
    case io = "EIO"
    case notEmpty = "ENOTEMPTY"
    case notImplemented = "ENOSYS"
    case readOnly = "EROFS"
    case busy = "EBUSY"
    /// A transaction conflicted with a change committed meanwhile; the client starts it again.
    case again = "EAGAIN"
    case alreadyConnected = "EISCONN"
    case tooBig = "E2BIG"
    case notPermitted = "EPERM"

    /// The wire name, as sent in an ERROR reply.
    public var name: String { rawValue }
}
