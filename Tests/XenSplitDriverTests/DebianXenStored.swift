// SPDX-License-Identifier: Apache-2.0

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Debian's own C xenstored (xen-utils-4.17) running without a hypervisor: the reference our xenstored is
/// compared with. `start-debian-xenstored.sh` from the shared tools folder starts it: it fetches the packages
/// with `apt-get download`, unpacks them (nothing is installed) and stubs the hypervisor calls with an
/// LD_PRELOAD shim built with gcc.
///
/// The packages and their unpacked tree stay in `$TMPDIR/vtpm-xenstored-oracle` between runs, so only the
/// first run downloads. Each daemon gets its own directory there (socket, log, trace) whose `debs` and `root`
/// are links to the shared ones.
struct DebianXenStored: Sendable {
    let socket: String
    let pid: pid_t
    let directory: URL

    static let cache = FileManager.default.temporaryDirectory.appendingPathComponent("vtpm-xenstored-oracle")

    /// `XENSTORED_ORACLE_SCRIPT`, else the shared folder beside the repository (CI mounts it at `../shared`).
    static var script: URL {
        if let path = ProcessInfo.processInfo.environment["XENSTORED_ORACLE_SCRIPT"] {
            return URL(fileURLWithPath: path)
        }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return repository.deletingLastPathComponent().appendingPathComponent(
            "shared/tools/xenstored-oracle/start-debian-xenstored.sh")
    }

    /// Starts a daemon with a fresh tree. Throws ``OracleUnavailable`` naming what is missing.
    static func start() throws -> DebianXenStored {
        try requirePrerequisites()
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        // One start at a time, across test processes too: the first one downloads and unpacks into the cache.
        let lock = open(cache.appendingPathComponent("lock").path, O_CREAT | O_RDWR, 0o644)
        guard lock >= 0, flock(lock, LOCK_EX) == 0 else {
            throw OracleUnavailable("cannot lock \(cache.path)/lock: \(String(cString: strerror(errno)))")
        }
        defer { close(lock) }
        do {
            return try launch()
        } catch let error as OracleUnavailable {
            // A machine whose package lists never saw xen-utils-4.17: refresh them once, as root only.
            guard getuid() == 0, Self.cachedPackages.isEmpty else { throw error }
            if let update = try? spawn("/usr/bin/apt-get", ["update", "-qq"]) {
                _ = update.read()
                _ = update.status(within: .seconds(120))
            }
            return try launch()
        }
    }

    /// Kills the daemon (SIGKILL: nothing of its state is kept) and removes its directory.
    func stop() {
        // Only if the pid still names this daemon, which runs from our directory, never a reused pid.
        let commandLine = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
        if commandLine.contains(Self.cache.path) {
            kill(pid, SIGKILL)
        }
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: - Private

    private static let prerequisites = [
        ("bash", "runs start-debian-xenstored.sh"),
        ("gcc", "builds the LD_PRELOAD shim (apt-get install gcc)"),
        ("apt-get", "downloads xen-utils-4.17 without installing it"),
        ("dpkg-deb", "unpacks the downloaded packages"),
    ]

    private static func requirePrerequisites() throws {
        guard FileManager.default.isReadableFile(atPath: script.path) else {
            throw OracleUnavailable(
                "\(script.path) is missing: the xenstored oracle needs the shared tools folder beside the "
                    + "repository (../shared), or XENSTORED_ORACLE_SCRIPT naming start-debian-xenstored.sh")
        }
        for (tool, why) in prerequisites where find(tool) == nil {
            throw OracleUnavailable("\(tool) is not installed; the xenstored oracle needs it: it \(why)")
        }
    }

    private static func find(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return (path.split(separator: ":").map(String.init) + ["/usr/bin", "/bin", "/usr/sbin", "/sbin"])
            .map { "\($0)/\(tool)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private static var cachedPackages: [String] {
        let debs = (try? FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("debs").path))
        return (debs ?? []).filter { $0.hasSuffix(".deb") }
    }

    private static func launch() throws -> DebianXenStored {
        let files = FileManager.default
        let ready = cache.appendingPathComponent("ready")
        let root = cache.appendingPathComponent("root")
        // The script skips unpacking once the daemon's binary exists; a run interrupted half way through
        // unpacking must not leave a tree that passes that test.
        if !files.fileExists(atPath: ready.path) { try? files.removeItem(at: root) }
        for shared in ["debs", "root"] {
            try files.createDirectory(at: cache.appendingPathComponent(shared), withIntermediateDirectories: true)
        }
        let directory = cache.appendingPathComponent("run-\(UUID().uuidString.prefix(8))")
        try files.createDirectory(at: directory, withIntermediateDirectories: true)
        for shared in ["debs", "root"] {
            try files.createSymbolicLink(
                at: directory.appendingPathComponent(shared), withDestinationURL: cache.appendingPathComponent(shared))
        }
        let script = try spawn("/bin/bash", [Self.script.path, "c", directory.path])
        let (output, error) = script.read()
        // Success is read from the output, not from the script's exit: the daemon it leaves running inherited
        // the socket through which Foundation learns that a child ended, so the script looks alive as long
        // as the daemon is (until stop()).
        guard let (socket, pid) = started(output) else {
            let status = script.status(within: .seconds(5)).map(String.init) ?? "unknown status"
            let log = (try? String(contentsOf: directory.appendingPathComponent("c/log"), encoding: .utf8)) ?? ""
            try? files.removeItem(at: directory)
            throw OracleUnavailable(
                "start-debian-xenstored.sh exited with \(status): \(error)\(output)\(log)"
                    + (cachedPackages.isEmpty
                        ? "(no package downloaded: `apt-get download xen-utils-4.17` must work; as root, run "
                            + "`apt-get update` first)" : ""))
        }
        _ = files.createFile(atPath: ready.path, contents: nil)
        return DebianXenStored(socket: socket, pid: pid, directory: directory)
    }

    /// The script's last line: `SOCKET=<path> PID=<pid>`.
    private static func started(_ output: String) -> (socket: String, pid: pid_t)? {
        guard let line = output.split(separator: "\n").last else { return nil }
        let fields = line.split(separator: " ")
        guard fields.count == 2, fields[0].hasPrefix("SOCKET="), fields[1].hasPrefix("PID="),
            let pid = pid_t(fields[1].dropFirst("PID=".count))
        else { return nil }
        return (String(fields[0].dropFirst("SOCKET=".count)), pid)
    }

    /// Starts a helper in the cache directory with its output streams on pipes.
    private static func spawn(_ executable: String, _ arguments: [String]) throws -> Spawned {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = cache
        let spawned = Spawned(process: process, out: Pipe(), err: Pipe())
        process.standardOutput = spawned.out
        process.standardError = spawned.err
        try process.run()
        return spawned
    }

    private struct Spawned {
        let process: Process
        let out: Pipe
        let err: Pipe

        /// Both streams up to their end. The daemon the script starts writes to its own log, so they end with
        /// the script.
        func read() -> (output: String, error: String) {
            let output = out.fileHandleForReading.readDataToEndOfFile()
            let error = err.fileHandleForReading.readDataToEndOfFile()
            return (String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
        }

        /// The exit status, or nil if the helper has not ended within `limit`.
        func status(within limit: Duration) -> Int32? {
            let deadline = ContinuousClock.now + limit
            while process.isRunning, ContinuousClock.now < deadline { usleep(10_000) }
            return process.isRunning ? nil : process.terminationStatus
        }
    }
}

/// The reference xenstored could not be started; the message says what is missing.
struct OracleUnavailable: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
