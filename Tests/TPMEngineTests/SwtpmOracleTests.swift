// SPDX-License-Identifier: Apache-2.0

import Foundation
import TPMEngine
import TPMWire
import Testing

/// Replays command sequences recorded from swtpm 0.7.1 / libtpms 0.9.2 (scripts/dev/swtpm-oracle) and
/// expects the same responses: byte for byte, or the same header where values are random, or everything
/// but Time and Clock for ReadClock. Each sequence starts on a new TPM that is powered on, not started.
@Suite struct SwtpmOracleTests {
    struct Recording: Decodable {
        struct Step: Decodable {
            let name: String
            let compare: String
            let command: String?
            let response: String?
            let locality: UInt8?
        }

        let oracle: String
        let sequences: [String: [Step]]
    }

    static let recording: Recording = {
        guard let url = Bundle.module.url(forResource: "swtpm-oracle", withExtension: "json", subdirectory: "Fixtures"),
            let data = try? Data(contentsOf: url),
            let recording = try? JSONDecoder().decode(Recording.self, from: data)
        else { return Recording(oracle: "missing", sequences: [:]) }
        return recording
    }()

    @Test(arguments: ["basic", "lifecycle", "sessions"])
    func sequenceMatchesSwtpm(_ name: String) throws {
        let steps = try #require(Self.recording.sequences[name], "fixture has no sequence \(name)")
        #expect(steps.count > 25)
        var tpm = EngineHarness(started: false)
        var locality: UInt8 = 0
        for step in steps {
            switch step.compare {
            case "init":
                tpm.engine.initialize()
                continue
            case "locality":
                locality = try #require(step.locality)
                continue
            default:
                break
            }
            tpm.platform.milliseconds += 10
            let expected = [UInt8](hex: try #require(step.response))
            let actual = tpm.raw([UInt8](hex: try #require(step.command)), locality: locality).bytes
            switch step.compare {
            case "exact":
                #expect(actual.hex == expected.hex, "\(step.name)")
            case "prefix14":
                // Header and response handle; the nonce that follows is random.
                #expect(actual.count == expected.count, "\(step.name)")
                #expect(Array(actual.prefix(14)).hex == Array(expected.prefix(14)).hex, "\(step.name)")
            case "clock":
                // TPMS_TIME_INFO: time (8) and clock (8) follow the header; the counters and safe flag must match.
                #expect(actual.count == expected.count, "\(step.name)")
                #expect(Array(actual.prefix(10)).hex == Array(expected.prefix(10)).hex, "\(step.name)")
                #expect(Array(actual.dropFirst(26)).hex == Array(expected.dropFirst(26)).hex, "\(step.name)")
            default:
                #expect(Array(actual.prefix(10)).hex == Array(expected.prefix(10)).hex, "\(step.name)")
                #expect(actual.count == expected.count, "\(step.name)")
            }
        }
    }
}
