// SPDX-License-Identifier: Apache-2.0

import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import SystemPackage
import VTPMManager

/// Domain 0 of the Xen side, as vtpmd runs it with `--xen`: our xenstored, the hypervisor stand-in (and its socket
/// for guest domains), the manager's `/dev/vtpm` endpoint and tpmback. Stops in reverse order on graceful shutdown.
public struct XenService: Service {
    public struct Paths: Sendable {
        public var stateDirectory: FilePath
        public var xenstoreSocket: String
        public var hypervisorSocket: String
        public var managerSocket: String
        /// The largest TPM request tpmback accepts (``TPMBackend/defaultRequestLimit``).
        public var requestLimit = TPMBackend.defaultRequestLimit

        /// The hypervisor and manager sockets next to the xenstore socket (`<S>.hypervisor`, `<S>.manager`).
        public init(stateDirectory: FilePath, xenstoreSocket: String) {
            self.stateDirectory = stateDirectory
            self.xenstoreSocket = xenstoreSocket
            self.hypervisorSocket = HypervisorServer.defaultSocketPath(forXenStore: xenstoreSocket)
            self.managerSocket = ManagerSocketServer.defaultSocketPath(forXenStore: xenstoreSocket)
        }
    }

    public let xenstore: XenStoreService
    public let hypervisor: HypervisorServer
    public let managerEndpoint: ManagerSocketServer
    public let backend: TPMBackend

    /// - Throws: ``XenStoreFileError`` or ``ManagerError`` when the durable xenstore tree or vtpm.db cannot be
    ///   read (the daemon reports the file and stops), ``XenError`` when a socket cannot be set up.
    public init(paths: Paths, manager: InstanceManager, logger: Logger) throws {
        xenstore = try XenStoreService(
            stateDirectory: paths.stateDirectory, socketPath: paths.xenstoreSocket,
            logger: Logger(label: "vtpm.xenstore"))
        let hypervisor = try Hypervisor()
        let xenstoreServer = xenstore.server
        let builderLogger = Logger(label: "vtpm.hypervisor")
        // A guest's xenstore connection ends with its domain, so that a process that let its domain go cannot
        // go on speaking as that domain.
        let guestConnections = Mutex<[DomainID: any Channel]>([:])
        hypervisor.observeDomains { domid, alive in
            guard !alive, let channel = guestConnections.withLock({ $0.removeValue(forKey: domid) }) else { return }
            channel.close(promise: nil)
        }
        self.hypervisor = HypervisorServer(
            hypervisor: hypervisor, socketPath: paths.hypervisorSocket,
            introduce: { domid in
                // A socketpair instead of Xen's shared xenstore page: xenstored holds one end as the domain.
                do {
                    let (guestEnd, storeEnd) = try UnixSocket.pair(kind: .stream)
                    let channel = try xenstoreServer.adopt(descriptor: storeEnd.release(), domid: domid)
                    guestConnections.withLock { $0[domid] = channel }
                    return guestEnd.release()
                } catch {
                    builderLogger.error("no xenstore connection for domain \(domid): \(error)")
                    return nil
                }
            }, logger: builderLogger)
        let device = ManagerDevice(manager: manager)
        managerEndpoint = ManagerSocketServer(
            device: device, socketPath: paths.managerSocket, logger: Logger(label: "vtpm.manager"))
        backend = try TPMBackend(
            store: xenstore.server.store, domain: LocalDomain(hypervisor: hypervisor), manager: manager,
            route: device.handle, assignments: InstanceAssignments(directory: paths.stateDirectory),
            requestLimit: paths.requestLimit, logger: Logger(label: "vtpm.backend"))
    }

    public func run() async throws {
        try await xenstore.server.start()
        try hypervisor.start()
        try managerEndpoint.start()
        try backend.start()
        try? await gracefulShutdown()
        backend.stop()
        managerEndpoint.stop()
        hypervisor.stop()
        await xenstore.server.stop()
    }
}
