// SPDX-License-Identifier: Apache-2.0

import Logging
import NIOCore

/// The four ports a served instance may have, and the pipeline each one's connections get.
enum ListenerKind: String, Hashable, Sendable, CaseIterable {
    case mssimCommand = "mssim command"
    case mssimPlatform = "mssim platform"
    case swtpmData = "swtpm data"
    case swtpmControl = "swtpm control"

    /// Adds this port's handlers to a new connection's pipeline; call on the channel's event loop.
    func configure(_ channel: any Channel, served: ServedInstance, logger: Logger) throws {
        let pipeline = channel.pipeline.syncOperations
        switch self {
        case .mssimCommand:
            try pipeline.addHandler(ByteToMessageHandler(MSSimCommandDecoder()))
            try pipeline.addHandler(MSSimCommandHandler(served: served, logger: logger))
        case .mssimPlatform:
            try pipeline.addHandler(ByteToMessageHandler(MSSimPlatformDecoder()))
            try pipeline.addHandler(MSSimPlatformHandler(served: served, logger: logger))
        case .swtpmData:
            try pipeline.addHandler(SwtpmDataHandler(served: served, logger: logger))
        case .swtpmControl:
            try pipeline.addHandler(SwtpmControlHandler(served: served, logger: logger))
        }
    }
}
