// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing

/// swtpm as a differential oracle: the same command sequence goes to swtpm and to vtpmd, and everything
/// deterministic (PCR values, digests, capability lists, response codes) must agree.
@Suite struct DifferentialTests {
    struct Step {
        let command: String
        let arguments: [String]
        var input: Data? = nil
    }

    /// What must agree: the exit status, standard output, and the TPM response code of a failure.
    struct Outcome: Equatable, CustomStringConvertible {
        let status: Int32
        let stdout: String
        let responseCode: String?

        init(_ result: ToolResult) {
            status = result.status
            stdout = result.stdout
            responseCode = result.stderr.firstMatch(of: /\((0x[0-9a-fA-F]+)\)/).map { String($0.1).lowercased() }
        }

        var description: String { "status \(status), rc \(responseCode ?? "-"), stdout:\n\(stdout)" }
    }

    static let large = Data((0..<3000).map { UInt8(truncatingIfNeeded: $0 * 13 + 1) })

    static let sequence: [Step] = [
        Step(command: "pcrread", arguments: []),
        Step(command: "startup", arguments: ["-c"]),
        Step(command: "startup", arguments: ["-c"]),
        Step(
            command: "pcrextend",
            arguments: [
                "16:sha1=" + String(repeating: "11", count: 20)
                    + ",sha256=" + String(repeating: "22", count: 32)
            ]),
        Step(
            command: "pcrextend",
            arguments: [
                "23:sha384=" + String(repeating: "33", count: 48)
                    + ",sha512=" + String(repeating: "44", count: 64)
            ]),
        Step(command: "pcrextend", arguments: ["17:sha256=" + String(repeating: "55", count: 32)]),
        Step(command: "pcrevent", arguments: ["16"], input: Data("hello".utf8)),
        Step(command: "pcrevent", arguments: ["23"], input: Data(large.prefix(1000))),
        Step(command: "pcrevent", arguments: [], input: Data("no pcr".utf8)),
        Step(command: "pcrread", arguments: []),
        Step(command: "pcrreset", arguments: ["16"]),
        Step(command: "pcrreset", arguments: ["0"]),
        Step(command: "pcrreset", arguments: ["17"]),
        Step(command: "pcrread", arguments: ["sha1:0,16,17,23+sha256:0,16,17,23"]),
        Step(command: "hash", arguments: ["-g", "sha1", "--hex"], input: Data("abc".utf8)),
        Step(command: "hash", arguments: ["-g", "sha256", "--hex"], input: Data("abc".utf8)),
        Step(command: "hash", arguments: ["-g", "sha384", "--hex", "-C", "o"], input: Data("abc".utf8)),
        Step(command: "hash", arguments: ["-g", "sha512", "--hex", "-C", "e"], input: Data()),
        Step(command: "hash", arguments: ["-g", "sha256", "--hex"], input: large),
        Step(command: "getcap", arguments: ["pcrs"]),
        Step(command: "getcap", arguments: ["handles-pcr"]),
        Step(command: "getcap", arguments: ["handles-permanent"]),
        Step(command: "getcap", arguments: ["handles-transient"]),
        Step(command: "getcap", arguments: ["handles-persistent"]),
        Step(command: "testparms", arguments: ["rsa2048"]),
        Step(command: "testparms", arguments: ["rsa3072"]),
        Step(command: "testparms", arguments: ["ecc256"]),
        Step(command: "testparms", arguments: ["ecc384"]),
        Step(command: "testparms", arguments: ["aes128cfb"]),
        Step(command: "testparms", arguments: ["aes256ctr"]),
        Step(command: "testparms", arguments: ["keyedhash"]),
        Step(command: "selftest", arguments: []),
        Step(command: "gettestresult", arguments: []),
        Step(command: "clearcontrol", arguments: ["-C", "l", "c"]),
        Step(command: "clearcontrol", arguments: ["-C", "o", "s"]),
        Step(command: "clear", arguments: ["-c", "l", "wrong-password"]),
        Step(command: "clear", arguments: ["-c", "l"]),
        Step(command: "clear", arguments: ["-c", "p"]),
        Step(command: "pcrallocate", arguments: ["sha1:all+sha256:all+sha384:none+sha512:none"]),
        Step(command: "getcap", arguments: ["pcrs"]),
        Step(command: "shutdown", arguments: []),
        Step(command: "shutdown", arguments: ["-c"]),
    ]

    /// One swtpm and one vtpmd per TCTI, so each sees the sequence exactly once.
    @Test(arguments: TCTI.allCases)
    func toolSequenceAgreesWithSwtpm(_ tcti: TCTI) throws {
        let oracle = try SwtpmDaemon()
        let ours = try VTPMDaemon()
        for step in Self.sequence {
            let expected = Outcome(try oracle.tpm2(step.command, step.arguments, input: step.input))
            let actual = Outcome(try ours.tpm2(step.command, step.arguments, over: tcti, input: step.input))
            #expect(actual == expected, "tpm2_\(step.command) \(step.arguments.joined(separator: " ")) over \(tcti)")
        }
    }
}
