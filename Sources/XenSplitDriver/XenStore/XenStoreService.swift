// SPDX-License-Identifier: Apache-2.0

import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import SystemPackage

/// Our xenstored as a ServiceLifecycle service: loads the durable tree from the state directory (a damaged
/// file stops the daemon with its path rather than being replaced), serves the socket, and stops on
/// graceful shutdown.
public struct XenStoreService: Service {
    public let server: XenStoreServer

    /// - Throws: ``XenStoreFileError`` if the stored tree cannot be read.
    public init(
        stateDirectory: FilePath, socketPath: String,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "vtpm.xenstore")
    ) throws(XenStoreFileError) {
        let file = XenStoreFile(directory: stateDirectory)
        let tree = try file.load() ?? XenStoreTree()
        let store = XenStore(tree: tree) { tree in try file.save(tree) }
        self.server = XenStoreServer(store: store, socketPath: socketPath, group: eventLoopGroup, logger: logger)
    }

    public func run() async throws {
        try await server.start()
        try? await gracefulShutdown()
        await server.stop()
    }
}
