// SPDX-License-Identifier: Apache-2.0

import Logging
import NIOCore

/// The four ports a served instance may have. The two hot ones are served by the reactor
/// (``dataPort``); the other two get a NIO pipeline (``configure(_:served:logger:)``).
enum ListenerKind: String, Hashable, Sendable, CaseIterable {
    case mssimCommand = "mssim command"
    case mssimPlatform = "mssim platform"
    case swtpmData = "swtpm data"
    case swtpmControl = "swtpm control"

    /// The reactor's port for the hot listeners; nil for those NIO serves.
    var dataPort: DataPort? {
        switch self {
        case .mssimCommand: .mssimCommand
        case .swtpmData: .swtpmData
        case .mssimPlatform, .swtpmControl: nil
        }
    }

    /// Adds this port's handlers to a new connection's pipeline; call on the channel's event loop. Throws
    /// for the ports the reactor serves.
    func configure(_ channel: any Channel, served: ServedInstance, logger: Logger) throws {
        let pipeline = channel.pipeline.syncOperations
        switch self {
        case .mssimPlatform:
            try pipeline.addHandler(ByteToMessageHandler(MSSimPlatformDecoder()))
            try pipeline.addHandler(MSSimPlatformHandler(served: served, logger: logger))
        case .swtpmControl:
            try pipeline.addHandler(SwtpmControlHandler(served: served, logger: logger))
        case .mssimCommand, .swtpmData:
            throw TransportError(.invalidConfiguration, "the \(rawValue) port is served by the reactor, not NIO")
        }
    }
}
