// SPDX-License-Identifier: Apache-2.0

import Foundation
import SystemPackage
import Testing

@testable import VTPMManager

/// The VM-to-instance table (Xen's vtpm.db): the hotplug scripts' allocation rules, durability, the file
/// format, and damaged files.
@Suite("instance assignments")
struct InstanceAssignmentsTests {
    static func temporaryDirectory() throws -> FilePath {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vtpm-db-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return FilePath(path)
    }

    @Test("a free preferred instance is honoured; a taken or out-of-range one gives the lowest free from 1")
    func allocation() throws {
        let table = try InstanceAssignments(directory: nil)
        #expect(try table.assign("guest1", preferred: 3) == (InstanceID(3), true))
        #expect(try table.assign("guest2", preferred: 3) == (InstanceID(1), true))
        #expect(try table.assign("guest3", preferred: 0) == (InstanceID(2), true), "instance 0 is never given")
        #expect(try table.assign("guest4", preferred: 256) == (InstanceID(4), true))
        #expect(try table.assign("guest5") == (InstanceID(5), true))
        #expect(try table.assign("guest1", preferred: 9) == (InstanceID(3), false), "a known VM keeps its TPM")
        #expect(try table.remove("guest2"))
        #expect(try table.assign("guest6") == (InstanceID(1), true), "a forgotten VM's number is free again")
        #expect(throws: ManagerError.self) { try table.assign("two words") }
        #expect(throws: ManagerError.self) { try table.assign("") }
        #expect(throws: ManagerError.self) { try table.assign("#comment") }
    }

    @Test("assignments survive a restart, in Xen's vtpm.db format")
    func durability() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory.string) }
        let table = try InstanceAssignments(directory: directory)
        _ = try table.assign("web", preferred: 7)
        _ = try table.assign("db")
        let text = try String(contentsOfFile: directory.appending("vtpm.db").string, encoding: .utf8)
        #expect(
            text == """
                #Database for VM to vTPM association
                #1st column: domain name
                #2nd column: TPM instance number
                web 7
                db 1

                """)
        let reopened = try InstanceAssignments(directory: directory)
        #expect(reopened.instance(of: "web") == InstanceID(7) && reopened.instance(of: "db") == InstanceID(1))
        #expect(try reopened.assign("web") == (InstanceID(7), false))
    }

    @Test("a damaged table is refused with the file and line")
    func damaged() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory.string) }
        for content in ["web 7\nweb 8\n", "web\n", "web 0\n", "a 1\nb 1\n", "web seven\n"] {
            try content.write(toFile: directory.appending("vtpm.db").string, atomically: true, encoding: .utf8)
            let error = #expect(throws: ManagerError.self, "\(content)") {
                try InstanceAssignments(directory: directory)
            }
            #expect(error?.code == .stateCorrupted && error?.reason.contains("vtpm.db line") == true)
        }
    }
}
