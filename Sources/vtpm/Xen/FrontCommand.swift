// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Dispatch
import Foundation
import Logging
import XenSplitDriver

/// `vtpm xen front`: guest domain N's tpmfront as a process of its own, offering the TPM at a unix socket.
struct XenFrontCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "front",
        abstract: "Run a guest domain's tpmfront and offer its TPM at a unix socket, like /dev/tpm0.",
        discussion: """
            The domain is claimed at the hypervisor stand-in (<xenstore-socket>.hypervisor) for as long as this \
            runs. tpm2-tools reach the TPM with: -T "cmd:socat - UNIX-CONNECT:PATH". SIGTERM or SIGINT \
            disconnects cleanly (state Closed) and removes PATH.
            """)

    @OptionGroup var xenstore: XenStoreOptions
    var xenstoreSocket: String { xenstore.xenstoreSocket }

    @Option(help: "The hypervisor socket (default: <xenstore-socket>.hypervisor).")
    var hypervisorSocket: String?

    @Option(help: "The guest's domain id (1 or more).")
    var domid: UInt32

    @Option(help: "The vtpm device number under device/vtpm/.")
    var devid: UInt32 = 0

    @Option(help: "Path of the TPM device socket to create.")
    var device: String

    @Flag(help: "Put each chunk read from the device into the ring unexamined (a guest kernel that does not check).")
    var unchecked = false

    @Option(help: "Lowest level logged to standard error (trace ... critical).")
    var logLevel: String = "info"

    func validate() throws {
        guard domid >= 1 else { throw ValidationError("--domid must be 1 or more: domain 0 is the backend's.") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical.")
        }
    }

    func run() throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = {
            var logger = Logger(label: "vtpm.front")
            logger[metadataKey: "xen.domid"] = "\(domid)"
            return logger
        }()
        let frontend: TPMFrontend
        let server: TPMDeviceServer
        do {
            let hypervisor = try HypervisorClient(
                socketPath: hypervisorSocket ?? HypervisorServer.defaultSocketPath(forXenStore: xenstoreSocket),
                domid: domid)
            // The guest's own xenstore connection from the hypervisor, as domain N; else the socket (as dom0).
            let xenstore =
                if let own = hypervisor.takeXenStoreConnection() {
                    try XenStoreClient(connection: own)
                } else {
                    try XenStoreClient(socketPath: xenstoreSocket)
                }
            frontend = try TPMFrontend(xenstore: xenstore, domain: hypervisor, devid: devid, logger: logger)
            try frontend.start { error in
                logger.critical("the backend domain is gone (\(error)); the frontend stops")
                Foundation.exit(1)
            }
            server = TPMDeviceServer(path: device, frontend: frontend, unchecked: unchecked, logger: logger)
            try server.start()
        } catch {
            throw XenCLIError("tpmfront of domain \(domid): \(error)")
        }
        logger.info("tpmfront of domain \(domid) device \(devid): TPM at \(device)\(unchecked ? " (unchecked)" : "")")
        waitForTermination()
        server.stop()
        frontend.stop()
        logger.info("tpmfront stopped")
    }

    /// Blocks until SIGTERM or SIGINT.
    private func waitForTermination() {
        // A parent may have started us with these signals blocked (test runners do); they must arrive.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGTERM)
        sigaddset(&unblock, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        let done = DispatchSemaphore(value: 0)
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler { done.signal() }
            source.resume()
            sources.append(source)
        }
        done.wait()
        _ = sources
    }
}
