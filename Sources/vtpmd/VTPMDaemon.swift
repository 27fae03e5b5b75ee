// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Logging
import ServiceLifecycle
import SystemPackage
import TPMTransports
import UnixSignals
import VTPMManager
import XenSplitDriver

/// `vtpmd`: serves vTPM instances over the mssim and swtpm TCP protocols until SIGTERM or SIGINT, then
/// stores every instance's state and exits.
@main
struct VTPMDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vtpmd",
        abstract: "Serve virtual TPM 2.0 instances over the mssim and swtpm TCP protocols.",
        discussion: """
            Instance k listens on the mssim ports P+2k (commands) and P+2k+1 (platform), and on the swtpm \
            ports Q+2k (data) and Q+2k+1 (control). With the defaults, tpm2-tools reach instance 0 with \
            `-T mssim` or `-T swtpm:port=2421`. Instances start powered on and wait for TPM2_Startup.
            """
    )

    @Option(help: "Directory holding <instance>/tpm2-state.vtpm, relative to the current directory.")
    var stateDir: String = "./vtpm-state"

    @Option(help: "First mssim port P (tpm2-tss's mssim default); 0 turns mssim off.")
    var mssimPort: Int = 2321

    @Option(help: "First swtpm port Q; 0 turns swtpm off.")
    var swtpmPort: Int = 2421

    @Option(help: "Number of instances, numbered from 0.")
    var instances: Int = 1

    @Option(help: "Address to listen on. Neither protocol authenticates clients: keep it on loopback.")
    var host: String = "127.0.0.1"

    @Option(help: "Lowest level logged to standard error.")
    var logLevel: LogLevel = .info

    @Flag(
        help: """
            Run the Xen side too: our xenstored on --xenstore-socket, the hypervisor stand-in (<socket>.hypervisor), \
            the vTPM manager endpoint (<socket>.manager) and tpmback serving guests' tpmfront.
            """)
    var xen = false

    @Option(help: "Unix socket of our xenstored with --xen (XENSTORED_PATH for xenstore-* tools).")
    var xenstoreSocket: String = "./vtpm-state/xenstored.socket"

    @Option(help: "With --xen: the largest TPM request tpmback accepts, up to the ring's 40960 bytes.")
    var xenRequestLimit: Int = TPMBackend.defaultRequestLimit

    var servesTCP: Bool { !xen || mssimPort != 0 || swtpmPort != 0 }

    var transportConfiguration: TransportConfiguration {
        TransportConfiguration(host: host, mssimBasePort: mssimPort, swtpmBasePort: swtpmPort)
    }

    func validate() throws {
        guard (10...TPMIFRing.capacity).contains(xenRequestLimit) else {
            throw ValidationError("--xen-request-limit must be between 10 and \(TPMIFRing.capacity).")
        }
        guard (1...32_768).contains(instances) else {
            throw ValidationError("--instances must be between 1 and 32768 (got \(instances)).")
        }
        // With --xen the TCP protocols may both be off: guests reach their TPMs through the split driver.
        guard servesTCP else { return }
        do {
            try transportConfiguration.validate(instanceCount: instances)
        } catch {
            throw ValidationError(error.reason + ".")
        }
    }

    func run() async throws {
        let level = logLevel.level
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "vtpmd")
        let manager = InstanceManager(stateDirectory: FilePath(stateDir), logger: Logger(label: "vtpm.manager"))
        let served = openInstances(manager, logger: logger)
        guard !served.isEmpty else {
            logger.critical("no instance could be opened; exiting")
            throw ExitCode.failure
        }

        let transports = TPMTransportService(
            instances: served, configuration: transportConfiguration, logger: Logger(label: "vtpm.transports")
        ) { listeners in
            for listener in listeners { logger.info("\(listener)") }
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = servesTCP ? [.init(service: transports)] : []
        if xen {
            do {
                var paths = XenService.Paths(stateDirectory: FilePath(stateDir), xenstoreSocket: xenstoreSocket)
                paths.requestLimit = xenRequestLimit
                services.append(.init(service: try XenService(paths: paths, manager: manager, logger: logger)))
            } catch {
                logger.critical("the Xen side cannot start: \(error)")
                throw ExitCode.failure
            }
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        do {
            try await group.run()
        } catch {
            logger.critical("vtpmd failed: \(error)")
            flush(manager, logger: logger)
            throw ExitCode.failure
        }
        let failed = flush(manager, logger: logger)
        let outcome = failed == 0 ? "state saved" : "state of \(failed) instance(s) NOT saved"
        logger.info("vtpmd stopped: \(served.count) instance(s) served, \(outcome) in \(stateDir)")
        if failed > 0 { throw ExitCode.failure }
    }

    /// Opens instances 0 ..< N. An instance whose state file is unusable is refused (logged with the file's
    /// name, its ports stay closed); the others are served.
    private func openInstances(_ manager: InstanceManager, logger: Logger) -> [VTPMInstance] {
        (0..<instances).compactMap { number in
            let id = InstanceID(UInt32(number))
            do throws(ManagerError) {
                return try manager.open(id)
            } catch {
                logger.error("instance \(id) refused: \(error.reason)", metadata: ["vtpm.instance": "\(id)"])
                return nil
            }
        }
    }

    /// Stores every instance's state (Clock included); returns how many failed.
    @discardableResult
    private func flush(_ manager: InstanceManager, logger: Logger) -> Int {
        let failures = manager.flushAll()
        for (id, error) in failures {
            logger.error("instance \(id): state not saved: \(error.reason)", metadata: ["vtpm.instance": "\(id)"])
        }
        return failures.count
    }
}
