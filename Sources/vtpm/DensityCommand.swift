// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import FoundationEssentials
import VTPMManager

/// `vtpm density`: the memory one started instance costs, measured in this process.
struct DensityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "density",
        abstract: "Open N in-memory instances, start each, and report the resident memory per instance.")

    @Option(help: "How many instances.")
    var instances = 1000

    func validate() throws {
        guard instances > 0 else { throw ValidationError("--instances must be positive") }
    }

    func run() throws {
        let manager = InstanceManager(stateDirectory: nil)
        // Warm up the process (libraries, first allocations) before the baseline.
        _ = try manager.open(InstanceID(UInt32.max)).execute(Self.startup)
        let before = Self.residentBytes()
        for id in 0..<instances {
            _ = try manager.open(InstanceID(UInt32(id))).execute(Self.startup)
        }
        let after = Self.residentBytes()
        let perInstance = Double(after - before) / Double(instances) / 1024
        print("\(instances) started instances: \(BenchReport.format(perInstance)) KiB resident memory each")
    }

    static let startup: [UInt8] = [0x80, 0x01, 0, 0, 0, 0x0C, 0, 0, 0x01, 0x44, 0, 0]

    /// Resident set size from /proc/self/statm (pages × page size).
    static func residentBytes() -> Int {
        guard let statm = try? String(contentsOf: URL(filePath: "/proc/self/statm"), encoding: .utf8),
            let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
