// SPDX-License-Identifier: Apache-2.0

import FoundationEssentials
import Synchronization
import SystemPackage

/// Which VM owns which vTPM instance: the role of Xen's `vtpm.db`, so that a domain gets its own TPM back
/// after any restart of the VM or the daemon.
///
/// The file keeps Xen's format, `<state-dir>/vtpm.db`: three comment lines, then one `<name> <instance>` line
/// per VM. It is replaced atomically (``AtomicFile``) before an assignment is returned, so an instance that
/// was handed out is never handed out again.
///
/// Allocation follows the hotplug scripts (`vtpm_create_instance`): a known name keeps its instance; a new one
/// gets its preferred instance if that is free (1 ... 255 and not assigned), otherwise the lowest unused
/// number from 1. Instance 0 is never handed out: it was the manager's own control instance.
public final class InstanceAssignments: Sendable {
    public static let fileName = "vtpm.db"
    static let header = [
        "#Database for VM to vTPM association", "#1st column: domain name", "#2nd column: TPM instance number",
    ]
    /// The highest preferred instance the scripts honoured.
    public static let preferredLimit: UInt32 = 255

    public let file: FilePath?
    private let entries: Mutex<[(name: String, instance: InstanceID)]>

    /// Loads `<directory>/vtpm.db` (none yet: an empty table); nil `directory`: in memory only.
    public init(directory: FilePath?) throws(ManagerError) {
        file = directory?.appending(Self.fileName)
        var loaded: [(name: String, instance: InstanceID)] = []
        if let file, FileManager.default.fileExists(atPath: file.string) {
            let text: String
            do {
                text = String(decoding: try Data(contentsOf: URL(filePath: file.string)), as: UTF8.self)
            } catch {
                throw ManagerError(.stateUnreadable, "cannot read \(file): \(error)")
            }
            loaded = try Self.parse(text, file: file)
        }
        entries = Mutex(loaded)
    }

    /// Every assignment, in the order they were made.
    public var all: [(name: String, instance: InstanceID)] { entries.withLock { $0 } }

    public func instance(of name: String) -> InstanceID? {
        entries.withLock { entries in entries.first { $0.name == name }?.instance }
    }

    /// The instance of `name`, assigning one if it has none (stored durably first). `created` tells whether
    /// the assignment is new.
    public func assign(
        _ name: String, preferred: UInt32? = nil
    ) throws(ManagerError) -> (instance: InstanceID, created: Bool) {
        try Self.validate(name)
        return try entries.withLock { (entries: inout [(name: String, instance: InstanceID)]) throws(ManagerError) in
            if let known = entries.first(where: { $0.name == name }) { return (known.instance, false) }
            let used = Set(entries.map(\.instance.rawValue))
            let number: UInt32
            if let preferred, (1...Self.preferredLimit).contains(preferred), !used.contains(preferred) {
                number = preferred
            } else {
                number = (1...).first { !used.contains(UInt32($0)) }.map(UInt32.init) ?? 1
            }
            var updated = entries
            updated.append((name, InstanceID(number)))
            try store(updated)
            entries = updated
            return (InstanceID(number), true)
        }
    }

    /// Forgets `name` (Xen's `vtpm-delete`); its instance number becomes free. False if it had none.
    @discardableResult
    public func remove(_ name: String) throws(ManagerError) -> Bool {
        try entries.withLock { (entries: inout [(name: String, instance: InstanceID)]) throws(ManagerError) in
            guard entries.contains(where: { $0.name == name }) else { return false }
            let updated = entries.filter { $0.name != name }
            try store(updated)
            entries = updated
            return true
        }
    }

    // MARK: - File

    static func render(_ entries: [(name: String, instance: InstanceID)]) -> String {
        (header + entries.map { "\($0.name) \($0.instance.rawValue)" }).joined(separator: "\n") + "\n"
    }

    static func parse(_ text: String, file: FilePath) throws(ManagerError) -> [(name: String, instance: InstanceID)] {
        var entries: [(name: String, instance: InstanceID)] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let first = fields.first, !first.hasPrefix("#") else { continue }
            guard fields.count == 2, let number = UInt32(fields[1]), number != 0,
                !entries.contains(where: { $0.name == first || $0.instance.rawValue == number })
            else {
                throw ManagerError(.stateCorrupted, "\(file) line \(index + 1) is not '<name> <instance>': \(line)")
            }
            entries.append((String(first), InstanceID(number)))
        }
        return entries
    }

    private func store(_ entries: [(name: String, instance: InstanceID)]) throws(ManagerError) {
        guard let file else { return }
        do {
            try AtomicFile.write(Array(Self.render(entries).utf8), to: file)
        } catch {
            throw ManagerError(.stateUnwritable, "cannot store \(file): \(error)")
        }
    }

    private static func validate(_ name: String) throws(ManagerError) {
        guard !name.isEmpty, !name.hasPrefix("#"), !name.contains(where: { $0.isWhitespace || $0.isNewline })
        else {
            throw ManagerError(
                .invalidName, "'\(name)' cannot name a VM: it must be non-empty, without spaces and not start with #")
        }
    }
}
